using NewtPose.Charts;

namespace NewtPose.Evaluation;

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

    /// <summary>
    /// Several evaluations side by side, one row of overall figures each (e.g. a model before and after a refinement
    /// round, on the same test photos).
    /// </summary>
    public static Table Compare(IReadOnlyList<(string Name, EvaluationReport Report)> reports, string? title = null)
    {
        if (reports.Count == 0) throw new ArgumentException("Nothing to compare: give at least one report.", nameof(reports));
        var columns = new[] { "model" }.Concat(MetricColumns.Table.Select(c => c.Header)).ToArray();
        var rows = reports.Select(r => (IReadOnlyList<string>)[r.Name, .. MetricColumns.Table.Select(c => c.Format(r.Report.Overall))]).ToArray();
        return new Table(columns, rows, title);
    }
}
