using NewtPose.Data;
using NewtPose.Evaluation;

namespace NewtPose.Tests.Evaluation;

public class EvaluationTableTests
{
    [Fact]
    public void The_table_is_the_overall_figures_the_label_crop_row_then_each_keypoint_with_n_a_for_an_unlabelled_one()
    {
        Keypoint At(double x, double y) => new(x, y, Visibility.Visible);
        // Animal size 100 (box). Keypoint a off by 1/3 px, b off by 7 px, c unlabelled.
        var report = KeypointMetrics.Evaluate(["a", "b", "c"], [new EvaluationCase(
            [At(0, 0), At(100, 100), Keypoint.Missing],
            [new PredictedKeypoint(1.0 / 3, 0, 1), new PredictedKeypoint(107, 100, 1), new PredictedKeypoint(0, 0, 1)],
            new BoundingBox(0, 0, 100, 100))]);

        var table = EvaluationTable.Of(report, "t", labelCrops: report);

        Assert.Equal([EvaluationTable.OverallName, EvaluationTable.OverallName + " (label crops)", "a", "b", "c"], table.Rows.Select(r => r[0]));
        var mean = table.Columns.ToList().IndexOf(MetricColumns.Table.First(c => c.Key == "mean_px_error").Header);
        Assert.True(mean > 0, "the table has a mean pixel error column");
        Assert.Equal(["3.67", "3.67", "0.33", "7.00", "n/a"], table.Rows.Select(r => r[mean]));
    }

    [Fact]
    public void Compared_models_get_one_row_each_and_their_charts_one_series_each()
    {
        Keypoint At(double x, double y) => new(x, y, Visibility.Visible);
        EvaluationReport Off(double dx) => KeypointMetrics.Evaluate(["a", "b"], [new EvaluationCase(
            [At(0, 0), At(100, 100)], [new PredictedKeypoint(dx, 0, 1), new PredictedKeypoint(100 + 2 * dx, 100, 1)], new BoundingBox(0, 0, 100, 100))]);
        var (before, after) = (Off(6), Off(1));

        var table = EvaluationTable.Compare([("round 0", before), ("round 1", after)], "t");

        Assert.Equal(["round 0", "round 1"], table.Rows.Select(r => r[0]));
        var mean = table.Columns.ToList().IndexOf(MetricColumns.MeanPxError.Header);
        Assert.Equal(["9.00", "1.50"], table.Rows.Select(r => r[mean]));
        Assert.Throws<ArgumentException>(() => EvaluationTable.Compare([]));

        PoseEvaluation Evaluation(EvaluationReport r) => new(r, null, []) { Split = "test" };
        var bars = System.Text.Json.JsonDocument.Parse(NewtPose.Charts.EvaluationCharts.CompareKeypointErrors([("round 0", Evaluation(before)), ("round 1", Evaluation(after))]).ToJson()).RootElement;
        Assert.Equal(["round 0", "round 1"], bars.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal([6.0, 12.0], bars.GetProperty("data")[0].GetProperty("y").EnumerateArray().Select(v => v.GetDouble()));
        var cdf = System.Text.Json.JsonDocument.Parse(NewtPose.Charts.EvaluationCharts.CompareErrorCdf([("round 0", Evaluation(before)), ("round 1", Evaluation(after))]).ToJson()).RootElement;
        Assert.Equal([1.0, 2.0], cdf.GetProperty("data")[1].GetProperty("x").EnumerateArray().Select(v => v.GetDouble()));
    }
}
