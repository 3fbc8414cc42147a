using NewtPose.Data;

namespace NewtPose.Evaluation;

/// <summary>
/// The per-keypoint σ of COCO's object keypoint similarity, in units of the animal's scale s = √area, and where they
/// came from (every report states it). COCO took its σ from the spread of repeated human labels; so does
/// <see cref="Estimate"/>. Without repeated labels the documented default <see cref="DefaultSigma"/> is used for every
/// keypoint — never 1/K, which makes OKS depend on how many keypoints a skeleton has.
/// </summary>
/// <param name="Values">One σ per keypoint, in skeleton order, each &gt; 0.</param>
/// <param name="Source">A sentence for the report, e.g. "default 0.072 for every keypoint (no repeated labels)".</param>
public sealed record OksSigmas(IReadOnlyList<double> Values, string Source)
{
    /// <summary>
    /// σ used when a dataset has no repeated labels: the median of COCO's 17 person-keypoint σ (0.025 for the eyes and
    /// nose … 0.107 for the hips). The model card's default is the same value.
    /// </summary>
    public const double DefaultSigma = 0.072;

    /// <summary>Keypoints with fewer repeated labels than this (degrees of freedom) keep the default.</summary>
    public const int MinimumRepeats = 5;

    public static OksSigmas Default(int keypoints) =>
        new(Enumerable.Repeat(DefaultSigma, keypoints).ToArray(), $"default {DefaultSigma} for every keypoint (no repeated labels to estimate them from)");

    public void Validate()
    {
        if (Values.Count == 0) throw new ArgumentException("OKS sigmas: none given.");
        for (var i = 0; i < Values.Count; i++)
            if (!(Values[i] > 0) || !double.IsFinite(Values[i]))
                throw new ArgumentException($"OKS sigma {i + 1} is {Values[i]}; every sigma must be a positive number.");
    }

    /// <summary>The sigmas for a dataset: estimated from its repeated labels where it has enough, else the default.</summary>
    public static OksSigmas For(PoseDataset dataset) =>
        Estimate(dataset.Skeleton.Count, RepeatedLabels(dataset)) ?? Default(dataset.Skeleton.Count);

    /// <summary>
    /// Groups of labels of the same animal in the same photo: instances of one image that share an individual name, and
    /// the instances of an image listed more than once (the same path labelled twice; unnamed instances pair by order).
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<PoseInstance>> RepeatedLabels(PoseDataset dataset) =>
        dataset.Images
            .SelectMany(image => image.Instances.Select((instance, n) => (Key: (image.Path, instance.Individual ?? $"#{n}"), Instance: instance)))
            .GroupBy(x => x.Key)
            .Where(g => g.Count() > 1)
            .Select(g => (IReadOnlyList<PoseInstance>)g.Select(x => x.Instance).ToArray())
            .ToArray();

    /// <summary>
    /// Estimates σ_k from groups of repeated labels of one animal: the pooled root-mean-square distance of a label from
    /// its group's mean position, in units of s = √(box area) of the group's first label (<see cref="KeypointMetrics.Area"/>),
    /// σ_k² = Σ_groups Σ_labels ‖p − p̄‖² / s² ÷ Σ_groups (n − 1) — the unbiased estimate of a labeller's mean squared
    /// distance from the true point. Keypoints with fewer than <see cref="MinimumRepeats"/> degrees of freedom keep the
    /// default. Null when no keypoint could be estimated.
    /// </summary>
    public static OksSigmas? Estimate(int keypoints, IReadOnlyList<IReadOnlyList<PoseInstance>> groups)
    {
        var sums = new double[keypoints];
        var freedom = new int[keypoints];
        foreach (var group in groups)
        {
            if (group.Count < 2) continue;
            var area = KeypointMetrics.Area(group[0].Keypoints, group[0].Box);
            if (!(area > 0)) continue;
            for (var k = 0; k < keypoints; k++)
            {
                var labels = group.Where(i => i.Keypoints.Count == keypoints && i.Keypoints[k].IsLabeled).Select(i => i.Keypoints[k]).ToArray();
                if (labels.Length < 2) continue;
                var (mx, my) = (labels.Average(p => p.X), labels.Average(p => p.Y));
                sums[k] += labels.Sum(p => (p.X - mx) * (p.X - mx) + (p.Y - my) * (p.Y - my)) / area;
                freedom[k] += labels.Length - 1;
            }
        }
        var estimated = Enumerable.Range(0, keypoints).Where(k => freedom[k] >= MinimumRepeats && sums[k] > 0).ToArray();
        if (estimated.Length == 0) return null;
        var values = Enumerable.Range(0, keypoints).Select(k => estimated.Contains(k) ? Math.Sqrt(sums[k] / freedom[k]) : DefaultSigma).ToArray();
        var source = $"estimated from repeated labels ({groups.Count} groups) for {estimated.Length} of {keypoints} keypoints" +
            (estimated.Length < keypoints ? $"; default {DefaultSigma} for the others" : "");
        return new OksSigmas(values, source);
    }
}
