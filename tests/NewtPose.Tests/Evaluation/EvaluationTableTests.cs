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
}
