using NewtPose.Data;
using NewtPose.Evaluation;

namespace NewtPose.Tests.Evaluation;

public class EvaluationTableTests
{
    [Fact]
    public void Rows_are_the_overall_figures_then_each_keypoint_rounded_with_PCK_in_percent()
    {
        Keypoint At(double x, double y) => new(x, y, Visibility.Visible);
        // Animal size 100 (box). Keypoint a off by 1/3 px, b off by 7 px, c unlabelled.
        var report = KeypointMetrics.Evaluate(["a", "b", "c"], [new EvaluationCase(
            [At(0, 0), At(100, 100), Keypoint.Missing],
            [new PredictedKeypoint(1.0 / 3, 0, 1), new PredictedKeypoint(107, 100, 1), new PredictedKeypoint(0, 0, 1)],
            new BoundingBox(0, 0, 100, 100))]);

        var rows = EvaluationTable.Rows(report);

        Assert.Equal([EvaluationTable.OverallName, "a", "b", "c"], rows.Select(r => r.Keypoint));
        Assert.Equal(new EvaluationRow(EvaluationTable.OverallName, 2, 3.67, 3.67, 4.96, 50, 100, 100), rows[0]);
        Assert.Equal(new EvaluationRow("a", 1, 0.33, 0.33, 0.33, 100, 100, 100), rows[1]);
        Assert.Equal(new EvaluationRow("b", 1, 7, 7, 7, 0, 100, 100), rows[2]);
        Assert.Equal(new EvaluationRow("c", 0, null, null, null, null, null, null), rows[3]);
    }
}
