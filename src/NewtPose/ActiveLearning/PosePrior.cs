using NewtPose.Data;

namespace NewtPose.ActiveLearning;

/// <summary>The spread of one bone's length (a skeleton edge, divided by the body size) over the training labels.</summary>
/// <param name="Edge">The bone.</param>
/// <param name="Median">Median relative length.</param>
/// <param name="Spread">Robust standard deviation: 1.4826 × the median absolute deviation, at least 2 % of the median
/// (labels drawn by one hand, or synthetic ones, can have almost no spread).</param>
/// <param name="Count">Labelled instances it was measured on.</param>
public sealed record BoneStatistics(Edge Edge, double Median, double Spread, int Count);

/// <summary>
/// What a plausible pose looks like, learnt from the training labels: each bone's relative length and, for each
/// left/right pair, the side its right keypoint lies on (<see cref="PoseShape.Sides"/>) in most labels. Measures how far
/// a predicted pose is from that (<see cref="Implausibility"/>).
/// </summary>
public sealed class PosePrior
{
    /// <summary>The z-score a left/right pair on the wrong side counts as, for both of its keypoints.</summary>
    public const double CrossedPairScore = 10;

    private PosePrior(Skeleton skeleton, IReadOnlyList<BoneStatistics> bones, int[] sides)
    {
        Skeleton = skeleton;
        Bones = bones;
        Sides = sides;
    }

    public Skeleton Skeleton { get; }

    /// <summary>Bones measured on at least <see cref="MinimumLabels"/> labels.</summary>
    public IReadOnlyList<BoneStatistics> Bones { get; }

    /// <summary>Per swap pair: the side (+1/−1) at least 90 % of the labels agree on, or 0 when they do not agree (the pair is then not checked).</summary>
    public IReadOnlyList<int> Sides { get; }

    /// <summary>True when the labels taught nothing (no bone measured, no pair side agreed): implausibility is then not scored.</summary>
    public bool IsEmpty => Bones.Count == 0 && Sides.All(s => s == 0);

    /// <summary>A prior that knows nothing, for a pool scored without labels.</summary>
    public static PosePrior None(Skeleton skeleton) => new(skeleton, [], new int[skeleton.SwapPairs.Count]);

    /// <summary>Bones and sides need this many labelled instances before they are trusted.</summary>
    public const int MinimumLabels = 5;

    /// <summary>The prior of the labelled instances of <paramref name="labels"/> (the training labels of the run).</summary>
    public static PosePrior FromLabels(PoseDataset labels)
    {
        var poses = labels.Instances.Where(i => i.LabeledCount >= 2).Select(PoseShape.Points).ToArray();
        var bones = new List<BoneStatistics>();
        foreach (var edge in labels.Skeleton.Edges)
        {
            var ratios = poses.Where(p => PoseShape.IsPresent(p[edge.From]) && PoseShape.IsPresent(p[edge.To]) && PoseShape.Size(p) > 0)
                .Select(p => Length(p, edge) / PoseShape.Size(p)).Order().ToArray();
            if (ratios.Length < MinimumLabels) continue;
            var median = Median(ratios);
            var mad = Median(ratios.Select(r => Math.Abs(r - median)).Order().ToArray());
            bones.Add(new BoneStatistics(edge, median, Math.Max(1.4826 * mad, 0.02 * median), ratios.Length));
        }
        var sides = new int[labels.Skeleton.SwapPairs.Count];
        var all = poses.Select(p => PoseShape.Sides(p, labels.Skeleton)).ToArray();
        for (var s = 0; s < sides.Length; s++)
        {
            var known = all.Select(x => x[s]).Where(v => v != 0).ToArray();
            if (known.Length < MinimumLabels) continue;
            var positive = known.Count(v => v > 0) / (double)known.Length;
            sides[s] = positive >= 0.9 ? 1 : positive <= 0.1 ? -1 : 0;
        }
        return new PosePrior(labels.Skeleton, bones, sides);
    }

    /// <summary>
    /// Per keypoint, how implausible the pose makes it: the largest robust z-score |length / size − median| / spread of the
    /// bones that end at it (size: the median over bones of length / median, the body size the bones agree on), or <see cref="CrossedPairScore"/> when its left/right pair lies on the side opposite to the labels'
    /// (left and right crossed). 0 for a keypoint with no measured bone and no checked pair.
    /// </summary>
    public double[] Implausibility(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count != Skeleton.Count) throw new ArgumentException($"A pose of {points.Count} points for a skeleton of {Skeleton.Count}.", nameof(points));
        var scores = new double[Skeleton.Count];
        var measured = Bones.Where(b => PoseShape.IsPresent(points[b.Edge.From]) && PoseShape.IsPresent(points[b.Edge.To])).ToArray();
        // The body size from the bones themselves (the median of the sizes each bone implies), so one wrong bone cannot
        // change the size the others are measured against.
        var size = measured.Length == 0 ? 0 : Median(measured.Select(b => Length(points, b.Edge) / b.Median).Order().ToArray());
        if (size > 0)
            foreach (var bone in measured)
            {
                var z = Math.Abs(Length(points, bone.Edge) / size - bone.Median) / bone.Spread;
                scores[bone.Edge.From] = Math.Max(scores[bone.Edge.From], z);
                scores[bone.Edge.To] = Math.Max(scores[bone.Edge.To], z);
            }
        var sides = PoseShape.Sides(points, Skeleton);
        for (var s = 0; s < sides.Length; s++)
        {
            if (Sides[s] == 0 || sides[s] == 0 || sides[s] == Sides[s]) continue;
            var pair = Skeleton.SwapPairs[s];
            scores[pair.Left] = Math.Max(scores[pair.Left], CrossedPairScore);
            scores[pair.Right] = Math.Max(scores[pair.Right], CrossedPairScore);
        }
        return scores;
    }

    private static double Length(IReadOnlyList<(double X, double Y)> p, Edge e) =>
        Math.Sqrt((p[e.From].X - p[e.To].X) * (p[e.From].X - p[e.To].X) + (p[e.From].Y - p[e.To].Y) * (p[e.From].Y - p[e.To].Y));

    private static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
}
