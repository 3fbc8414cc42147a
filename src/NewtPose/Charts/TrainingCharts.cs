using NewtPose.Evaluation;
using NewtPose.Training;

namespace NewtPose.Charts;

/// <summary>
/// Charts of a training run, from what the trainer reports: the epoch history (<see cref="EpochRecord"/>, also in
/// metrics.json) and the final <see cref="EvaluationReport"/>. <see cref="LiveTrainingChart"/> draws the same curves
/// while the run goes on.
/// </summary>
public static class TrainingCharts
{
    public const string LossTitle = "Training loss";
    public const string ValidationTitle = "Validation error";

    /// <summary>Axes of the loss chart: heatmap losses fall over orders of magnitude, so y is logarithmic.</summary>
    public static Axes LossAxes { get; } = new("epoch", "train loss", LogY: true);

    public static Axes ValidationAxes { get; } = new("epoch", "mean error (px, source photo)");

    /// <summary>Train loss per epoch.</summary>
    public static PlotlyFigure Loss(IReadOnlyList<EpochRecord> history) =>
        Chart.Lines(LossTitle, [LossSeries(history)], LossAxes);

    /// <summary>Validation mean pixel error per epoch (epochs without validation are left out).</summary>
    public static PlotlyFigure ValidationError(IReadOnlyList<EpochRecord> history) =>
        Chart.Lines(ValidationTitle, [ValidationSeries(history)], ValidationAxes);

    /// <summary>The "train" series: (epoch, mean train loss).</summary>
    public static Series LossSeries(IReadOnlyList<EpochRecord> history) =>
        new("train", history.Select(r => (double)r.Epoch).ToArray(), history.Select(r => r.TrainLoss).ToArray());

    /// <summary>The "validation" series: (epoch, validation mean pixel error), only epochs that were validated.</summary>
    public static Series ValidationSeries(IReadOnlyList<EpochRecord> history)
    {
        var validated = history.Where(r => r.Validation?.MeanPxError is not null).ToArray();
        return new("validation", validated.Select(r => (double)r.Epoch).ToArray(), validated.Select(r => r.Validation!.MeanPxError!.Value).ToArray());
    }

    /// <summary>
    /// Mean pixel error per keypoint with its standard deviation as error bar. The report keeps the mean and the RMSE of
    /// the distances, and RMSE² = mean² + variance, so the (population) deviation is √(RMSE² − mean²). A keypoint with
    /// no evaluated point has no bar (a gap, not a zero).
    /// </summary>
    public static PlotlyFigure KeypointErrors(EvaluationReport report, string title = "Error per keypoint")
    {
        var names = report.PerKeypoint.Select(k => k.Name).ToArray();
        var means = report.PerKeypoint.Select(k => k.Statistics.MeanPxError ?? double.NaN).ToArray();
        var deviations = report.PerKeypoint.Select(k => Deviation(k.Statistics)).ToArray();
        return Chart.KeypointErrors(title, names, [new BarSeries("mean ± sd", means, deviations)]);
    }

    /// <summary>Standard deviation of the distances, from the mean and the RMSE; NaN without points.</summary>
    public static double Deviation(PointStatistics statistics) =>
        statistics is { MeanPxError: { } mean, RmsePx: { } rmse } ? Math.Sqrt(Math.Max(0, rmse * rmse - mean * mean)) : double.NaN;
}
