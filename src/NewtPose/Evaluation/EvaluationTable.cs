using NewtPose.Charts;

namespace NewtPose.Evaluation;

/// <summary>
/// One row of an evaluation table, kept for notebook 04 (<c>Table.Of(EvaluationTable.Rows(report))</c>) until it uses
/// <see cref="EvaluationTable.Of"/>, which shows every figure of <see cref="MetricColumns.Table"/>. Delete it then.
/// </summary>
public sealed record EvaluationRow(string Keypoint, int Points, double? MeanPx, double? MedianPx, double? RmsePx,
    double? Pck5Percent, double? Pck10Percent, double? Pck20Percent);

/// <summary>An <see cref="EvaluationReport"/> as a table: the overall figures first, then each keypoint in skeleton order.</summary>
public static class EvaluationTable
{
    public const string OverallName = "all keypoints";

    /// <summary>
    /// The table of <see cref="MetricColumns.Table"/>'s figures (shows as HTML in a notebook, as aligned text through
    /// ToString()). With <paramref name="labelCrops"/>, its overall row follows the honest one, named as such.
    /// </summary>
    public static Table Of(EvaluationReport report, string? title = null, EvaluationReport? labelCrops = null)
    {
        var columns = new[] { "keypoint" }.Concat(MetricColumns.Table.Select(c => c.Header)).ToArray();
        IReadOnlyList<string> Row(string name, PointStatistics s) => [name, .. MetricColumns.Table.Select(c => c.Format(s))];
        var rows = new List<IReadOnlyList<string>> { Row(OverallName, report.Overall) };
        if (labelCrops is not null) rows.Add(Row(OverallName + " (label crops)", labelCrops.Overall));
        rows.AddRange(report.PerKeypoint.Select(k => Row(k.Name, k.Statistics)));
        return new Table(columns, rows, title);
    }

    /// <summary>The older fixed rows (see <see cref="EvaluationRow"/>).</summary>
    public static IReadOnlyList<EvaluationRow> Rows(EvaluationReport report) =>
        [Row(OverallName, report.Overall), .. report.PerKeypoint.Select(k => Row(k.Name, k.Statistics))];

    private static EvaluationRow Row(string name, PointStatistics s) => new(name, s.Count,
        Round(s.MeanPxError, 2), Round(s.MedianPxError, 2), Round(s.RmsePx, 2),
        Round(s.Pck005 * 100, 1), Round(s.Pck01 * 100, 1), Round(s.Pck02 * 100, 1));

    private static double? Round(double? value, int digits) => value is { } v ? Math.Round(v, digits) : null;
}
