using NewtPose.Data;

namespace NewtPose.Evaluation;

/// <summary>
/// The length PCK@α is measured against. <see cref="BoxLongerSide"/> (the default): the longer side of the animal's
/// labelled box, else of the box around its labelled points. <see cref="Between"/>: the distance between two named
/// keypoints of the ground truth (e.g. snout to vent); an animal where either is unlabelled has no length and its points
/// are left out of PCK only (<see cref="PointStatistics.PckCount"/> says how many stayed in).
/// </summary>
public sealed record PckNormalizer
{
    private PckNormalizer(string? from, string? to) { From = from; To = to; }

    /// <summary>First keypoint of the reference distance; null for the box's longer side.</summary>
    public string? From { get; }
    public string? To { get; }

    public static PckNormalizer BoxLongerSide { get; } = new(null, null);

    public static PckNormalizer Between(string from, string to)
    {
        if (string.IsNullOrWhiteSpace(from) || string.IsNullOrWhiteSpace(to) || from == to)
            throw new ArgumentException($"A PCK reference distance needs two different keypoint names (got '{from}' and '{to}').");
        return new PckNormalizer(from, to);
    }

    /// <summary>How the report states it: "box longer side" or "distance snout–vent".</summary>
    public string Description => From is null ? "box longer side" : $"distance {From}–{To}";

    /// <summary>Throws naming the keypoint when the skeleton lacks one of the two.</summary>
    public void Check(IReadOnlyList<string> keypoints)
    {
        foreach (var name in new[] { From, To })
            if (name is not null && !keypoints.Contains(name))
                throw new ArgumentException($"The PCK reference keypoint '{name}' is not in the skeleton ({string.Join(", ", keypoints)}).");
    }

    /// <summary>The normalising length of one animal; null when it has none (degenerate box, unlabelled reference point).</summary>
    public double? Length(IReadOnlyList<string> keypoints, IReadOnlyList<Keypoint> truth, BoundingBox? box)
    {
        if (From is null)
        {
            var size = KeypointMetrics.InstanceSize(truth, box);
            return size > 0 ? size : null;
        }
        var (a, b) = (truth[IndexOf(keypoints, From)], truth[IndexOf(keypoints, To!)]);
        if (!a.IsLabeled || !b.IsLabeled) return null;
        var d = Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));
        return d > 0 ? d : null;
    }

    private static int IndexOf(IReadOnlyList<string> keypoints, string name)
    {
        for (var i = 0; i < keypoints.Count; i++) if (keypoints[i] == name) return i;
        throw new ArgumentException($"The PCK reference keypoint '{name}' is not in the skeleton.");
    }
}

/// <summary>How predictions are scored; the defaults are what `newtpose evaluate` and the trainer use.</summary>
public sealed record MetricsOptions
{
    /// <summary>The confidence the "kept" figures use: points below it are dropped, as a user filtering predictions would.</summary>
    public double ConfidenceCutoff { get; init; } = 0.5;
    public PckNormalizer Normalizer { get; init; } = PckNormalizer.BoxLongerSide;
    /// <summary>Per-keypoint OKS sigmas; null: estimated from repeated labels or the documented default (<see cref="OksSigmas.For"/>).</summary>
    public OksSigmas? Sigmas { get; init; }

    public void Validate()
    {
        if (!(ConfidenceCutoff >= 0 && ConfidenceCutoff <= 1))
            throw new ArgumentException($"ConfidenceCutoff must be within [0, 1] (got {ConfidenceCutoff}).");
        ArgumentNullException.ThrowIfNull(Normalizer);
        Sigmas?.Validate();
    }
}
