using System.Text.Json.Serialization;
using NewtPose.Data;

namespace NewtPose.Evaluation;

/// <summary>A predicted keypoint in the pixels of the source photo, with the head's confidence in [0, 1].</summary>
public readonly record struct PredictedKeypoint(double X, double Y, double Confidence);

/// <summary>
/// One animal to score: its ground truth and the prediction, both in the pixels of the ORIGINAL photo.
/// <paramref name="Box"/> (the labelled box, when the format has one) sets the instance size for PCK.
/// </summary>
public sealed record EvaluationCase(IReadOnlyList<Keypoint> Truth, IReadOnlyList<PredictedKeypoint> Prediction, BoundingBox? Box = null);

/// <summary>
/// Error statistics over a set of labelled ground-truth points. A value is null (never NaN) when no point was
/// evaluated: <see cref="Count"/> says how many were.
/// </summary>
/// <param name="Count">Labelled ground-truth points evaluated (v = 1 or 2).</param>
/// <param name="MeanPxError">Mean Euclidean distance in source pixels (what DeepLabCut calls "RMSE").</param>
/// <param name="RmsePx">Root of the mean squared Euclidean distance: ≥ the mean, punishes outliers.</param>
/// <param name="MedianPxError">Median Euclidean distance in source pixels.</param>
/// <param name="PckCount">Points that had an instance size (PCK denominators); points of an instance whose size is 0 are left out of PCK only.</param>
/// <param name="Pck005">Fraction of points within 0.05 × instance size.</param>
/// <param name="Pck01">Fraction of points within 0.1 × instance size.</param>
/// <param name="Pck02">Fraction of points within 0.2 × instance size.</param>
public sealed record PointStatistics(
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("mean_px_error")] double? MeanPxError,
    [property: JsonPropertyName("rmse_px")] double? RmsePx,
    [property: JsonPropertyName("median_px_error")] double? MedianPxError,
    [property: JsonPropertyName("pck_count")] int PckCount,
    [property: JsonPropertyName("pck_0_05")] double? Pck005,
    [property: JsonPropertyName("pck_0_1")] double? Pck01,
    [property: JsonPropertyName("pck_0_2")] double? Pck02);

/// <summary>Statistics of one keypoint of the skeleton.</summary>
public sealed record KeypointStatistics(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("statistics")] PointStatistics Statistics);

/// <summary>
/// The metrics of one evaluation, overall and per keypoint. PCK@α counts a point as correct when its distance is at most
/// α × the instance size, where the instance size is the larger side of the labelled bounding box when the instance has
/// one, otherwise the larger side of the extent of its labelled keypoints (<see cref="KeypointMetrics.InstanceSize"/>).
/// </summary>
public sealed record EvaluationReport(
    [property: JsonPropertyName("instances")] int Instances,
    [property: JsonPropertyName("overall")] PointStatistics Overall,
    [property: JsonPropertyName("per_keypoint")] IReadOnlyList<KeypointStatistics> PerKeypoint);

/// <summary>Keypoint metrics as pure functions over predictions and ground truth in source pixels.</summary>
public static class KeypointMetrics
{
    /// <summary>The PCK thresholds reported, as fractions of the instance size.</summary>
    public static readonly double[] PckAlphas = [0.05, 0.1, 0.2];

    /// <summary>Scores every labelled ground-truth point; unlabelled ones (v = 0) are not evaluated and not counted.</summary>
    public static EvaluationReport Evaluate(IReadOnlyList<string> keypointNames, IReadOnlyList<EvaluationCase> cases)
    {
        var k = keypointNames.Count;
        var perKeypoint = Enumerable.Range(0, k).Select(_ => new List<(double Distance, double? Size)>()).ToArray();
        for (var c = 0; c < cases.Count; c++)
        {
            var item = cases[c];
            if (item.Truth.Count != k || item.Prediction.Count != k)
                throw new ArgumentException($"Evaluation case {c} has {item.Truth.Count} true and {item.Prediction.Count} predicted keypoints; the skeleton has {k}.");
            var size = InstanceSize(item.Truth, item.Box);
            for (var j = 0; j < k; j++)
            {
                var truth = item.Truth[j];
                if (!truth.IsLabeled) continue;
                var p = item.Prediction[j];
                if (!double.IsFinite(p.X) || !double.IsFinite(p.Y))
                    throw new ArgumentException($"Evaluation case {c}, keypoint '{keypointNames[j]}': the prediction ({p.X}, {p.Y}) is not a finite position.");
                var distance = Math.Sqrt((p.X - truth.X) * (p.X - truth.X) + (p.Y - truth.Y) * (p.Y - truth.Y));
                perKeypoint[j].Add((distance, size > 0 ? size : null));
            }
        }
        var keypoints = keypointNames.Select((name, j) => new KeypointStatistics(name, Statistics(perKeypoint[j]))).ToArray();
        return new EvaluationReport(cases.Count, Statistics(perKeypoint.SelectMany(p => p).ToList()), keypoints);
    }

    /// <summary>
    /// The length PCK is normalised by: the larger side of the labelled box if given, else the larger side of the box
    /// around the labelled keypoints; 0 when neither exists or it is degenerate (a single labelled point).
    /// </summary>
    public static double InstanceSize(IReadOnlyList<Keypoint> truth, BoundingBox? box)
    {
        if (box is { } b && Math.Max(b.Width, b.Height) > 0) return Math.Max(b.Width, b.Height);
        return BoundingBox.AroundLabeled(truth) is { } extent ? Math.Max(extent.Width, extent.Height) : 0;
    }

    private static PointStatistics Statistics(IReadOnlyList<(double Distance, double? Size)> points)
    {
        if (points.Count == 0) return new PointStatistics(0, null, null, null, 0, null, null, null);
        var distances = points.Select(p => p.Distance).Order().ToArray();
        var mean = distances.Average();
        var rmse = Math.Sqrt(distances.Select(d => d * d).Average());
        var mid = distances.Length / 2;
        var median = distances.Length % 2 == 1 ? distances[mid] : (distances[mid - 1] + distances[mid]) / 2;
        var sized = points.Where(p => p.Size is not null).ToArray();
        double? Pck(double alpha) => sized.Length == 0 ? null : sized.Count(p => p.Distance <= alpha * p.Size!.Value) / (double)sized.Length;
        return new PointStatistics(points.Count, mean, rmse, median, sized.Length, Pck(PckAlphas[0]), Pck(PckAlphas[1]), Pck(PckAlphas[2]));
    }
}
