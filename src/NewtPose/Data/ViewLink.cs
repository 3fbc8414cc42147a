namespace NewtPose.Data;

/// <summary>
/// One body point seen in two views of a rig (e.g. <c>paw1LH_top</c> and <c>paw1LH_bot</c> in a mirror rig), and the
/// frame coordinate the two sightings share: in a rig whose views are stacked one above the other, a paw's x in one view
/// follows its x in the other. Fitted on the training labels (<see cref="ViewLinkFit.Fit"/>), so using it to decode is
/// honest. The engine decodes linked keypoints jointly: among each one's heatmap peaks it takes the pair that is both
/// likely and consistent, so a side-view paw drawn to the neighbouring paw is pulled back to the paw its other view saw.
/// </summary>
/// <param name="First">The keypoint in one view, by name.</param>
/// <param name="Second">The same body point in another view, by name.</param>
/// <param name="Axis">"x" or "y": the frame coordinate the two share.</param>
/// <param name="Slope">first = slope · second + offset, both as fractions of the frame's width (x) or height (y).</param>
/// <param name="Offset">See <paramref name="Slope"/>.</param>
/// <param name="Spread">The residual standard deviation of that relation on the training labels, as a fraction of the frame's side.</param>
/// <param name="Pairs">How many training animals had both points labelled.</param>
public sealed record ViewLink(string First, string Second, string Axis, double Slope, double Offset, double Spread, int Pairs)
{
    /// <summary>Where <see cref="First"/> is expected along <see cref="Axis"/> (a fraction of the frame's side) given <see cref="Second"/> there.</summary>
    public double Expected(double second) => Slope * second + Offset;

    /// <summary>
    /// What a misfit of <paramref name="misfit"/> spreads between the two sightings costs, in log-confidence units: half its
    /// square for <paramref name="nu"/> = 0 (a Gaussian), else a Student-t's ½(ν + 1)·log(1 + misfit²/ν), which nears the
    /// Gaussian as ν grows and, for any ν, grows only logarithmically once the misfit is large.
    /// </summary>
    public static double MisfitCost(double misfit, double nu) =>
        nu > 0 ? 0.5 * (nu + 1) * Math.Log(1 + misfit * misfit / nu) : 0.5 * misfit * misfit;

    /// <summary>Throws <see cref="ArgumentException"/> naming the link and what is wrong with its own fields.</summary>
    public ViewLink Validate()
    {
        if (string.IsNullOrWhiteSpace(First) || string.IsNullOrWhiteSpace(Second)) throw new ArgumentException("A view link must name two keypoints.");
        if (Axis is not ("x" or "y")) throw new ArgumentException($"View link {First} / {Second}: axis '{Axis}' must be \"x\" or \"y\".");
        if (!double.IsFinite(Slope) || !double.IsFinite(Offset)) throw new ArgumentException($"View link {First} / {Second}: slope and offset must be finite.");
        if (!(Spread > 0) || !double.IsFinite(Spread)) throw new ArgumentException($"View link {First} / {Second}: spread {Spread} must be positive and finite.");
        return this;
    }
}

/// <summary>Finds and fits the <see cref="ViewLink"/>s of a rig from labelled frames.</summary>
public static class ViewLinkFit
{
    /// <summary>Fewer training animals with both points labelled than this fit no link: a slope from a handful of frames is noise.</summary>
    public const int MinPairs = 8;

    /// <summary>
    /// A shared coordinate is kept only when its residual spread is at most this fraction of the coordinate's own spread
    /// over the frames (a correlation of about 0.98): looser relations would pull right points towards wrong ones.
    /// </summary>
    public const double MaxRelativeSpread = 0.2;

    /// <summary>
    /// The link of every body point named in two views by the view's name as a suffix (<c>nose_top</c> / <c>nose_bot</c>,
    /// also with '-' or '.'), on the coordinate the labels show it shares, fitted by least squares on the frames'
    /// labelled points (as fractions of each frame's size). A pair whose coordinates do not follow each other closely
    /// enough (<see cref="MaxRelativeSpread"/>) or with too few labelled frames (<see cref="MinPairs"/>) gets no link.
    /// </summary>
    public static IReadOnlyList<ViewLink> Fit(IReadOnlyList<ViewRegion> views, Skeleton skeleton, IEnumerable<LabeledImage> frames)
    {
        ArgumentNullException.ThrowIfNull(views);
        ArgumentNullException.ThrowIfNull(skeleton);
        ArgumentNullException.ThrowIfNull(frames);
        var pairs = Pairs(views, skeleton);
        if (pairs.Count == 0) return [];
        var animals = frames.Where(f => f.Width > 0 && f.Height > 0)
            .SelectMany(f => f.Instances.Where(i => !i.IsPseudoLabel).Select(i => (Frame: f, Animal: i))).ToArray();
        var links = new List<ViewLink>();
        foreach (var (first, second) in pairs)
        {
            var both = animals.Where(a => a.Animal.Keypoints[first].IsLabeled && a.Animal.Keypoints[second].IsLabeled).ToArray();
            if (both.Length < MinPairs) continue;
            ViewLink? best = null;
            var bestRelative = double.PositiveInfinity;
            foreach (var axis in new[] { "x", "y" })
            {
                double Coordinate((LabeledImage Frame, PoseInstance Animal) a, int k) =>
                    axis == "x" ? a.Animal.Keypoints[k].X / a.Frame.Width : a.Animal.Keypoints[k].Y / a.Frame.Height;
                var y = both.Select(a => Coordinate(a, first)).ToArray();
                var x = both.Select(a => Coordinate(a, second)).ToArray();
                if (Line(x, y) is not { } line) continue;
                var relative = line.Residual / line.SpreadOfFirst;
                if (relative < bestRelative)
                    (best, bestRelative) = (new ViewLink(skeleton.Keypoints[first], skeleton.Keypoints[second], axis, line.Slope, line.Offset, line.Residual, both.Length), relative);
            }
            if (best is not null && bestRelative <= MaxRelativeSpread) links.Add(best);
        }
        return links;
    }

    /// <summary>The keypoint index pairs (in different views) that name one body point with their views' names as suffixes.</summary>
    public static IReadOnlyList<(int First, int Second)> Pairs(IReadOnlyList<ViewRegion> views, Skeleton skeleton)
    {
        var members = ViewRegions.Members(views, skeleton);
        var byBase = new Dictionary<string, List<(int View, int Keypoint)>>(StringComparer.OrdinalIgnoreCase);
        for (var v = 0; v < views.Count; v++)
            foreach (var k in members[v])
                if (BaseName(skeleton.Keypoints[k], views[v].Name) is { } name)
                {
                    if (!byBase.TryGetValue(name, out var list)) byBase[name] = list = [];
                    list.Add((v, k));
                }
        var pairs = new List<(int, int)>();
        foreach (var sightings in byBase.Values)
            for (var i = 0; i < sightings.Count; i++)
            for (var j = i + 1; j < sightings.Count; j++)
                if (sightings[i].View != sightings[j].View) pairs.Add((sightings[i].Keypoint, sightings[j].Keypoint));
        return pairs;
    }

    /// <summary>
    /// Throws naming the link when a link names a keypoint the skeleton lacks, or two keypoints of one view (a link joins
    /// two sightings of one point in different views).
    /// </summary>
    public static void Check(IReadOnlyList<ViewLink> links, IReadOnlyList<ViewRegion> views, Skeleton skeleton)
    {
        var owner = ViewRegions.Owners(views, skeleton);
        foreach (var link in links)
        {
            link.Validate();
            int first = ViewRegions.IndexOf(skeleton, link.First), second = ViewRegions.IndexOf(skeleton, link.Second);
            if (first < 0 || second < 0)
                throw new ArgumentException($"View link {link.First} / {link.Second} names a keypoint the skeleton does not have.");
            if (owner[first] == owner[second])
                throw new ArgumentException($"View link {link.First} / {link.Second} joins two keypoints of view '{views[owner[first]].Name}'; a link joins two views.");
        }
    }

    private static string? BaseName(string keypoint, string view)
    {
        foreach (var separator in new[] { "_", "-", "." })
        {
            var suffix = separator + view;
            if (keypoint.Length > suffix.Length && keypoint.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                return keypoint[..^suffix.Length];
        }
        return null;
    }

    /// <summary>Least squares y = slope · x + offset; null when x or y does not vary (no relation can be told).</summary>
    private static (double Slope, double Offset, double Residual, double SpreadOfFirst)? Line(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        double sxx = 0, sxy = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
            syy += (y[i] - my) * (y[i] - my);
        }
        if (!(sxx > 1e-12) || !(syy > 1e-12)) return null;
        var slope = sxy / sxx;
        var offset = my - slope * mx;
        var residual = 0.0;
        for (var i = 0; i < x.Length; i++) residual += Math.Pow(y[i] - (slope * x[i] + offset), 2);
        // n − 2 degrees of freedom (two fitted numbers); a floor keeps a perfect synthetic fit from giving zero spread.
        var spread = Math.Max(Math.Sqrt(residual / (x.Length - 2)), 1e-4);
        return (slope, offset, spread, Math.Sqrt(syy / (x.Length - 1)));
    }
}
