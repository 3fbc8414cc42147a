using System.Text.RegularExpressions;

namespace NewtPose.Data;

/// <summary>
/// Left/right swap pairs: inferred from keypoint names, taken from a YOLO <c>flip_idx</c>, or given by the user — and
/// checked against the labelled positions, because a wrong pair silently teaches a model to confuse left and right.
/// </summary>
public static partial class SwapPairs
{
    /// <summary>
    /// Pairs found in the names: left/right (any case, anywhere), a lone L/R or l/r token (<c>ear_l</c>, <c>L_ear</c>,
    /// <c>pawLH</c>), camel-case <c>earL</c>/<c>earR</c>. When the exact mirror name does not exist, names that differ
    /// only in their digits match if exactly one does: lp-mirror-mouse numbers its paws 1–4, so <c>paw1LH</c> pairs with
    /// <c>paw4RH</c>, not with a non-existent <c>paw1RH</c>. Each keypoint is in at most one pair.
    /// </summary>
    public static IReadOnlyList<SwapPair> InferFromNames(IReadOnlyList<string> names)
    {
        var index = new Dictionary<string, int>();
        for (var i = 0; i < names.Count; i++) index[names[i]] = i;
        var byDigitless = names.Select((n, i) => (Key: Digits().Replace(n, "#"), i)).GroupBy(x => x.Key)
            .ToDictionary(g => g.Key, g => g.Select(x => x.i).ToArray());
        var partner = new int[names.Count];
        Array.Fill(partner, -1);
        var pairs = new List<SwapPair>();
        for (var i = 0; i < names.Count; i++)
        {
            if (partner[i] >= 0) continue;
            foreach (var (candidate, isLeft) in Mirrors(names[i]))
            {
                var j = index.TryGetValue(candidate, out var exact) ? exact
                    : byDigitless.TryGetValue(Digits().Replace(candidate, "#"), out var loose) && loose.Length == 1 ? loose[0] : -1;
                if (j < 0 || j == i || partner[j] >= 0) continue;
                partner[i] = j; partner[j] = i;
                pairs.Add(isLeft ? new SwapPair(i, j) : new SwapPair(j, i));
                break;
            }
        }
        return pairs;
    }

    /// <summary>Pairs from a YOLO <c>flip_idx</c>; entries that are not mutual (not an involution) are left out and reported in <paramref name="warnings"/>.</summary>
    public static IReadOnlyList<SwapPair> FromFlipIndex(IReadOnlyList<int> flip, IReadOnlyList<string> names, string file, List<string> warnings)
    {
        if (flip.Count != names.Count)
        {
            warnings.Add($"{file}: flip_idx has {flip.Count} entries for {names.Count} keypoints; it was ignored.");
            return [];
        }
        var pairs = new List<SwapPair>();
        var broken = new List<string>();
        for (var i = 0; i < flip.Count; i++)
        {
            var j = flip[i];
            if (j < 0 || j >= flip.Count || flip[j] != i) { broken.Add($"{i}->{j}"); continue; }
            if (j > i) pairs.Add(new SwapPair(i, j));
        }
        if (broken.Count > 0)
            warnings.Add($"{file}: flip_idx is not an involution (flipping twice must give the identity): {string.Join(", ", broken.Take(5))}; those entries were ignored.");
        return pairs;
    }

    /// <summary>Parses user pairs "left_eye:right_eye,left_ear:right_ear" against the skeleton's names.</summary>
    public static IReadOnlyList<SwapPair> Parse(string spec, Skeleton skeleton)
    {
        var pairs = new List<SwapPair>();
        foreach (var item in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split(':', StringSplitOptions.TrimEntries);
            if (parts.Length != 2) throw new ArgumentException($"Swap pair '{item}' is not of the form left:right.");
            int l = skeleton.IndexOf(parts[0]), r = skeleton.IndexOf(parts[1]);
            if (l < 0 || r < 0) throw new ArgumentException($"Swap pair '{item}' names a keypoint not in the skeleton ({string.Join(", ", skeleton.Keypoints)}).");
            pairs.Add(new SwapPair(l, r));
        }
        return pairs;
    }

    /// <summary>The dataset with the user's pairs instead of the file's or the inferred ones, its pair warnings redone.</summary>
    public static PoseDataset Apply(PoseDataset dataset, IReadOnlyList<SwapPair> pairs)
    {
        var updated = dataset with { Skeleton = dataset.Skeleton.WithSwapPairs(pairs) };
        var others = dataset.Warnings.Where(w => !w.StartsWith(PairWarningPrefix, StringComparison.Ordinal));
        return updated with { Warnings = others.Concat(CheckMirroring(updated)).ToArray() };
    }

    private const string PairWarningPrefix = "swap pair ";

    /// <summary>
    /// Warnings for pairs whose labelled positions do not mirror across the body axis: the axis, per instance and pair,
    /// is the line through the two unpaired (midline) keypoints nearest to the pair; a pair whose two points fall on the
    /// same side of it in most instances is probably not a left/right pair (or the labels are swapped).
    /// </summary>
    public static IReadOnlyList<string> CheckMirroring(PoseDataset dataset) =>
        Check(dataset).Where(c => !c.Mirrors).Select(c =>
            $"{PairWarningPrefix}{c.Left}/{c.Right}: both points lie on the same side of the body axis in {c.SameSide} of {c.Instances} instances; check that they are a left/right pair.")
        .ToArray();

    /// <summary>
    /// Every swap pair with the evidence <see cref="CheckMirroring"/> judges it by: in how many instances both points are
    /// labelled and the body axis is known, and in how many of those they lie on the same side of it.
    /// </summary>
    public static IReadOnlyList<SwapPairCheck> Check(PoseDataset dataset)
    {
        var skeleton = dataset.Skeleton;
        if (skeleton.SwapPairs.Count == 0) return [];
        var paired = skeleton.SwapPairs.SelectMany(p => new[] { p.Left, p.Right }).ToHashSet();
        var midline = Enumerable.Range(0, skeleton.Count).Where(i => !paired.Contains(i)).ToArray();
        var sameSide = new int[skeleton.SwapPairs.Count];
        var counted = new int[skeleton.SwapPairs.Count];
        // Each pair is judged against the midline points that share most of its name ("_bot" points for a "_bot" pair):
        // multi-view rigs label one animal in several views, each with its own axis.
        var axes = skeleton.SwapPairs.Select(p => NearestByName(skeleton, p.Left, midline)).ToArray();
        foreach (var instance in dataset.Instances)
            for (var p = 0; p < axes.Length; p++)
            {
                var l = instance.Keypoints[skeleton.SwapPairs[p].Left];
                var r = instance.Keypoints[skeleton.SwapPairs[p].Right];
                if (!l.IsLabeled || !r.IsLabeled) continue;
                if (!LocalAxis(instance, axes[p], (l.X + r.X) / 2, (l.Y + r.Y) / 2, out var cx, out var cy, out var dx, out var dy)) continue;
                var sl = dx * (l.Y - cy) - dy * (l.X - cx);
                var sr = dx * (r.Y - cy) - dy * (r.X - cx);
                counted[p]++;
                if (sl * sr > 0) sameSide[p]++;
            }
        return skeleton.SwapPairs.Select((pair, p) =>
            new SwapPairCheck(skeleton.Keypoints[pair.Left], skeleton.Keypoints[pair.Right], counted[p], sameSide[p])).ToArray();
    }

    // Midline points sharing a name part with the keypoint, e.g. the "_bot" ones for "paw1LH_bot"; all of them when none
    // shares a part with it. Whole parts, not characters: "left_hip" and "tail_tip" share "ip" but nothing that matters.
    private static int[] NearestByName(Skeleton skeleton, int keypoint, int[] midline)
    {
        var parts = Parts(skeleton.Keypoints[keypoint]);
        var scored = midline.Select(i => (i, Score: Parts(skeleton.Keypoints[i]).Count(parts.Contains))).ToArray();
        var best = scored.Length == 0 ? 0 : scored.Max(x => x.Score);
        var near = scored.Where(x => x.Score == best).Select(x => x.i).ToArray();
        return best > 0 && near.Length >= 2 ? near : midline;
    }

    // Lower-case name parts split at non-letters/digits, without the left/right markers themselves.
    private static HashSet<string> Parts(string name) =>
        NamePart().Matches(name.ToLowerInvariant()).Select(m => m.Value).Where(p => p is not ("left" or "right" or "l" or "r")).ToHashSet();

    [GeneratedRegex("[a-z0-9]+")]
    private static partial Regex NamePart();

    // The body axis where the pair sits: the line through the two labelled midline points nearest to the pair's midpoint.
    // A line fitted through the whole midline fails on bodies that bend (a newt's curled tail pulls it off the trunk, and
    // hips near the cloaca then fall on one side of it); locally, the midline is nearly straight.
    private static bool LocalAxis(PoseInstance instance, int[] midline, double mx, double my,
        out double cx, out double cy, out double dx, out double dy)
    {
        cx = cy = dx = dy = 0;
        int first = -1, second = -1;
        double d1 = double.MaxValue, d2 = double.MaxValue;
        foreach (var i in midline)
        {
            var k = instance.Keypoints[i];
            if (!k.IsLabeled) continue;
            var d = (k.X - mx) * (k.X - mx) + (k.Y - my) * (k.Y - my);
            if (d < d1) { second = first; d2 = d1; first = i; d1 = d; }
            else if (d < d2 && !Same(instance.Keypoints[first], k)) { second = i; d2 = d; }
        }
        if (first < 0 || second < 0 || Same(instance.Keypoints[first], instance.Keypoints[second])) return false;
        var (a, b) = (instance.Keypoints[first], instance.Keypoints[second]);
        (cx, cy, dx, dy) = (a.X, a.Y, b.X - a.X, b.Y - a.Y);
        return true;
    }

    private static bool Same(Keypoint a, Keypoint b) => Math.Abs(a.X - b.X) < 1e-9 && Math.Abs(a.Y - b.Y) < 1e-9;

    // Every name obtained by swapping one left/right marker, with whether the original was the left one.
    private static IEnumerable<(string Name, bool IsLeft)> Mirrors(string name)
    {
        foreach (Match m in LeftRightWord().Matches(name))
        {
            var isLeft = m.Value.Equals("left", StringComparison.OrdinalIgnoreCase);
            var swapped = isLeft ? "right" : "left";
            swapped = m.Value.All(char.IsUpper) ? swapped.ToUpperInvariant() : char.IsUpper(m.Value[0]) ? char.ToUpperInvariant(swapped[0]) + swapped[1..] : swapped;
            yield return (name[..m.Index] + swapped + name[(m.Index + m.Length)..], isLeft);
        }
        foreach (var regex in new[] { LoneLetter(), CamelLetter(), SecondCapital() })
            foreach (Match m in regex.Matches(name))
            {
                var c = m.Value[0];
                var isLeft = c is 'L' or 'l';
                var swapped = c switch { 'L' => 'R', 'R' => 'L', 'l' => 'r', _ => 'l' };
                yield return (name[..m.Index] + swapped + name[(m.Index + 1)..], isLeft);
            }
    }

    [GeneratedRegex("left|right", RegexOptions.IgnoreCase)]
    private static partial Regex LeftRightWord();

    // L/R/l/r not glued to a preceding letter and not starting a lower-case word: "ear_l", "L_ear", "paw1LH".
    [GeneratedRegex("(?<![A-Za-z])[LlRr](?![a-z])")]
    private static partial Regex LoneLetter();

    // Upper-case L/R ending a camel-case word: "earL", "pawLH" is handled above.
    [GeneratedRegex("(?<=[a-z])[LR](?![a-z])")]
    private static partial Regex CamelLetter();

    // L/R as the second capital of a short code: "FL_toe"/"FR_toe", "HL"/"HR".
    [GeneratedRegex("(?<=(?<![A-Za-z])[A-Z])[LR](?![a-z])")]
    private static partial Regex SecondCapital();

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();
}

/// <summary>One swap pair checked against the labels (<see cref="SwapPairs.Check"/>).</summary>
/// <param name="Left">The left keypoint's name.</param>
/// <param name="Right">The right keypoint's name.</param>
/// <param name="Instances">Instances with both points labelled and a body axis to judge them by.</param>
/// <param name="SameSide">Of those, instances where both points lie on the same side of the axis (a mirror pair never should).</param>
public sealed record SwapPairCheck(string Left, string Right, int Instances, int SameSide)
{
    /// <summary>False when, over at least 3 instances, most put both points on the same side: probably not a left/right pair.</summary>
    public bool Mirrors => Instances < 3 || SameSide * 2 <= Instances;

    /// <summary>"mirrors", "too few instances to tell" or "check: same side in most instances".</summary>
    public string Verdict => Instances < 3 ? "too few instances to tell" : Mirrors ? "mirrors" : "check: same side in most instances";
}
