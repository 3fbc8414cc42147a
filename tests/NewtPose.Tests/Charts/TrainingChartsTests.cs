using System.Text.Json;
using NewtPose.Charts;
using NewtPose.Data;
using NewtPose.Evaluation;
using NewtPose.Notebooks;
using NewtPose.Training;
using NewtPose.Tests.Data;

namespace NewtPose.Tests.Charts;

public sealed class TrainingChartsTests : IDisposable
{
    private readonly TempFolder temp = new();
    private string folder => temp.Path;

    public void Dispose() => temp.Dispose();

    private static JsonElement Figure(PlotlyFigure figure) => JsonDocument.Parse(figure.ToJson()).RootElement;

    private static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble()).ToArray();

    private static EpochRecord Epoch(int epoch, double loss, double? validation) => new(epoch, loss, 1e-3, 1e-4,
        validation is null ? null : new PointStatistics { Count = 10, MeanPxError = validation, RmsePx = validation + 1, Pck005 = 0.1, Pck01 = 0.2, Pck02 = 0.3 }, Seconds: 2, ImagesPerSecond: 5);

    private static readonly EpochRecord[] History = [Epoch(1, 0.8, 40), Epoch(2, 0.4, null), Epoch(3, 0.2, 12.5)];

    [Fact]
    public void Loss_and_validation_curves_come_from_the_epoch_history_leaving_unvalidated_epochs_out()
    {
        var loss = Figure(TrainingCharts.Loss(History));
        Assert.Equal([1.0, 2, 3], Numbers(loss.GetProperty("data")[0].GetProperty("x")));
        Assert.Equal([0.8, 0.4, 0.2], Numbers(loss.GetProperty("data")[0].GetProperty("y")));
        Assert.Equal("log", loss.GetProperty("layout").GetProperty("yaxis").GetProperty("type").GetString());

        var validation = Figure(TrainingCharts.ValidationError(History));
        Assert.Equal("validation", validation.GetProperty("data")[0].GetProperty("name").GetString());
        Assert.Equal([1.0, 3], Numbers(validation.GetProperty("data")[0].GetProperty("x")));
        Assert.Equal([40, 12.5], Numbers(validation.GetProperty("data")[0].GetProperty("y")));
    }

    [Fact]
    public void The_live_chart_grows_with_each_completed_epoch_and_logs_a_line_per_epoch()
    {
        var log = new StringWriter();
        var live = new LiveTrainingChart(log).Show(); // outside a kernel: shows nothing, still collects
        live.Report(new EpochStarted(1, 3, 4, 1e-3, false));
        foreach (var record in History)
        {
            live.Report(new BatchCompleted(record.Epoch, 1, 4, 9.9, 3)); // batches do not add points
            live.Report(new EpochCompleted(record));
        }

        Assert.False(live.Loss.IsShown);
        Assert.Equal(3, live.History.Count);
        var loss = Figure(live.Loss.Snapshot()).GetProperty("data")[0];
        Assert.Equal([0.8, 0.4, 0.2], Numbers(loss.GetProperty("y")));
        var validation = Figure(live.ValidationError.Snapshot()).GetProperty("data")[0];
        Assert.Equal([1.0, 3], Numbers(validation.GetProperty("x")));
        Assert.Equal([40, 12.5], Numbers(validation.GetProperty("y")));
        // The live charts draw exactly what the after-the-fact charts draw from the same history.
        Assert.Equal(TrainingCharts.Loss(History).ToJson(), live.Loss.Snapshot().ToJson());
        Assert.Equal(TrainingCharts.ValidationError(History).ToJson(), live.ValidationError.Snapshot().ToJson());

        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("training 3 epochs of 4 batches", lines[0].TrimEnd());
        Assert.StartsWith("epoch 1: train loss 0.8, validation mean error 40.00 px", lines[1]);
        Assert.StartsWith("epoch 2: train loss 0.4 (", lines[2]);
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public void The_live_chart_keeps_the_result_and_reports_early_stopping()
    {
        var log = new StringWriter();
        var live = new LiveTrainingChart(log);
        var report = KeypointMetrics.Evaluate(["a"], [new EvaluationCase([new Keypoint(0, 0, Visibility.Visible)], [new PredictedKeypoint(3, 4, 1)])]);
        var result = new TrainingResult("runs/x", 5, 2, 12.5, true, "test", report);
        live.Report(new EarlyStopped(5, 2, 12.5));
        live.Report(new Finished(result));
        Assert.Same(result, live.Result);
        Assert.Contains("early stop at epoch 5: no better validation error since epoch 2 (12.50 px)", log.ToString());
        Assert.Contains("done: best epoch 2; test split, animal found by the model: mean px 5.00, RMSE px 5.00", log.ToString());
    }

    [Fact]
    public void Keypoint_error_bars_are_the_mean_with_the_deviation_derived_from_the_RMSE_and_a_gap_without_points()
    {
        Keypoint At(double x, double y) => new(x, y, Visibility.Visible);
        // Keypoint a: distances 3 and 5 (mean 4, sd 1); keypoint b: never labelled.
        var report = KeypointMetrics.Evaluate(["a", "b"], [
            new EvaluationCase([At(0, 0), Keypoint.Missing], [new PredictedKeypoint(3, 0, 1), new PredictedKeypoint(0, 0, 1)]),
            new EvaluationCase([At(0, 0), Keypoint.Missing], [new PredictedKeypoint(0, 5, 1), new PredictedKeypoint(0, 0, 1)])]);

        var bars = Figure(TrainingCharts.KeypointErrors(report)).GetProperty("data")[0];

        Assert.Equal(["a", "b"], bars.GetProperty("x").EnumerateArray().Select(v => v.GetString()));
        var y = Numbers(bars.GetProperty("y"));
        Assert.Equal(4, y[0], 10);
        Assert.True(double.IsNaN(y[1]));
        var sd = Numbers(bars.GetProperty("error_y").GetProperty("array"));
        Assert.Equal(1, sd[0], 10);
        Assert.True(double.IsNaN(sd[1]));
    }
}
