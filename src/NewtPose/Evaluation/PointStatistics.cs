using System.Text.Json.Serialization;

namespace NewtPose.Evaluation;

/// <summary>
/// The figures of one evaluation over a set of labelled ground-truth points (all keypoints, or one). Every value is null
/// (never NaN) when nothing was there to compute it from; the counts say how many points or animals went in. Which
/// figures exist, their snake_case names and how they are shown is listed once, in <see cref="MetricColumns"/>: every
/// JSON, CSV, console line and table is written from that list. Definitions: docs/metrics.md.
/// </summary>
[JsonConverter(typeof(PointStatisticsJsonConverter))]
public sealed record PointStatistics
{
    /// <summary>Labelled ground-truth points (v = 1 or 2) that had a prediction and were scored.</summary>
    public int Count { get; init; }
    /// <summary>Labelled ground-truth points of animals that got no prediction (a photo with two newts and one prediction, or a photo that failed).</summary>
    public int Missed { get; init; }
    /// <summary>Mean Euclidean distance in the photo's pixels (what DeepLabCut calls "RMSE").</summary>
    public double? MeanPxError { get; init; }
    /// <summary>Root of the mean squared Euclidean distance: ≥ the mean, punishes outliers.</summary>
    public double? RmsePx { get; init; }
    public double? MedianPxError { get; init; }
    /// <summary>Scored points whose animal had a normalising length for PCK (see <see cref="PckNormalizer"/>).</summary>
    public int PckCount { get; init; }
    /// <summary>Fraction of <see cref="PckCount"/> points within 0.05 × the normalising length.</summary>
    public double? Pck005 { get; init; }
    public double? Pck01 { get; init; }
    public double? Pck02 { get; init; }
    /// <summary>Scored points whose confidence is at least the cut-off (<see cref="MetricsOptions.ConfidenceCutoff"/>).</summary>
    public int ConfidentCount { get; init; }
    /// <summary><see cref="ConfidentCount"/> / <see cref="Count"/>: the fraction of points a user keeps at the cut-off.</summary>
    public double? ConfidentFraction { get; init; }
    public double? ConfidentMeanPxError { get; init; }
    public double? ConfidentRmsePx { get; init; }
    /// <summary>Ground-truth animals in the OKS average precision (for one keypoint: those where it is labelled).</summary>
    public int OksCount { get; init; }
    /// <summary>COCO keypoint AP: precision averaged over OKS thresholds 0.50:0.05:0.95 and 101 recall points.</summary>
    public double? OksAp { get; init; }
    /// <summary>COCO keypoint AR: the final recall averaged over the same thresholds.</summary>
    public double? OksAr { get; init; }

    public static PointStatistics Empty { get; } = new();
}

/// <summary>Statistics of one keypoint of the skeleton.</summary>
public sealed record KeypointStatistics(string Name, PointStatistics Statistics);

/// <summary>How one animal of the evaluation came out: the index of its <see cref="EvaluationCase"/>, its mean error and OKS (null when it was missed or had no labelled point).</summary>
public sealed record CaseResult(int Case, int Points, double? MeanPxError, double? Oks);

/// <summary>One scored point, kept for curves (error CDF, PCK against α) and worst-photo views.</summary>
/// <param name="Case">Index of its <see cref="EvaluationCase"/>.</param>
/// <param name="Keypoint">Keypoint index in skeleton order.</param>
/// <param name="Distance">Euclidean error in the photo's pixels.</param>
/// <param name="Size">The PCK normalising length of its animal; null when it had none.</param>
/// <param name="Confidence">The prediction's confidence.</param>
public readonly record struct ScoredPoint(int Case, int Keypoint, double Distance, double? Size, double Confidence);

/// <summary>
/// The metrics of one evaluation, overall and per keypoint, and the settings they were computed with (the report states
/// them: the OKS sigmas and where they came from, the PCK normaliser, the confidence cut-off).
/// </summary>
/// <param name="Instances">Ground-truth animals with at least one labelled point.</param>
/// <param name="Overall">All keypoints together.</param>
/// <param name="PerKeypoint">One entry per skeleton keypoint, in skeleton order.</param>
public sealed record EvaluationReport(int Instances, PointStatistics Overall, IReadOnlyList<KeypointStatistics> PerKeypoint)
{
    /// <summary>Animals that got no prediction (their points are counted in <see cref="PointStatistics.Missed"/>).</summary>
    public int MissedInstances { get; init; }
    public MetricsOptions Settings { get; init; } = new();
    /// <summary>The OKS sigmas used, with their source.</summary>
    public OksSigmas? Sigmas { get; init; }
    /// <summary>Every scored point (not written to JSON): for the error CDF and the PCK curve.</summary>
    public IReadOnlyList<ScoredPoint> Points { get; init; } = [];
    /// <summary>One entry per case, in case order.</summary>
    public IReadOnlyList<CaseResult> Cases { get; init; } = [];
}
