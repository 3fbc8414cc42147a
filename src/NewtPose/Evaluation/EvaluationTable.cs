namespace NewtPose.Evaluation;

/// <summary>
/// One row of an evaluation table: a keypoint (or "all keypoints") with its errors in source pixels rounded for reading,
/// and PCK as percentages. Null where nothing was evaluated. A list of these shows as a table in a notebook.
/// </summary>
public sealed record EvaluationRow(string Keypoint, int Points, double? MeanPx, double? MedianPx, double? RmsePx,
    double? Pck5Percent, double? Pck10Percent, double? Pck20Percent);

/// <summary>An <see cref="EvaluationReport"/> as rows for display: the overall figures first, then each keypoint in skeleton order.</summary>
public static class EvaluationTable
{
    public const string OverallName = "all keypoints";

    public static IReadOnlyList<EvaluationRow> Rows(EvaluationReport report) =>
        [Row(OverallName, report.Overall), .. report.PerKeypoint.Select(k => Row(k.Name, k.Statistics))];

    private static EvaluationRow Row(string name, PointStatistics s) => new(name, s.Count,
        Round(s.MeanPxError, 2), Round(s.MedianPxError, 2), Round(s.RmsePx, 2),
        Round(s.Pck005 * 100, 1), Round(s.Pck01 * 100, 1), Round(s.Pck02 * 100, 1));

    private static double? Round(double? value, int digits) => value is { } v ? Math.Round(v, digits) : null;
}
