using System.Globalization;
using NewtPose.Evaluation;
using NewtPose.Training;

namespace NewtPose.Charts;

/// <summary>
/// Training progress for a notebook: two live charts (train loss, validation mean pixel error) that grow as epochs
/// complete, and optionally one text line per epoch. Pass it as the trainer's progress:
/// <code>
/// var live = new LiveTrainingChart(Console.Out).Show();
/// var result = trainer.Train(runFolder, live);
/// </code>
/// Why not <see cref="Progress{T}"/>: it posts to the thread pool, where the kernel no longer knows the running cell, so
/// chart updates would be lost. This class handles each event synchronously on the thread that reports it — the
/// trainer reports on the thread that called Train, which in a notebook is the cell's own.
/// </summary>
public sealed class LiveTrainingChart(TextWriter? log = null) : IProgress<TrainingEvent>
{
    private readonly List<EpochRecord> history = [];

    /// <summary>Train loss per epoch, log scale.</summary>
    public LiveChart Loss { get; } = new(TrainingCharts.LossTitle, TrainingCharts.LossAxes);

    /// <summary>Validation mean pixel error per epoch.</summary>
    public LiveChart ValidationError { get; } = new(TrainingCharts.ValidationTitle, TrainingCharts.ValidationAxes);

    /// <summary>The epochs reported so far.</summary>
    public IReadOnlyList<EpochRecord> History => history;

    /// <summary>The run's outcome once <see cref="Finished"/> was reported.</summary>
    public TrainingResult? Result { get; private set; }

    /// <summary>Shows both charts in the running notebook cell (no-op outside a kernel; points are still collected).</summary>
    public LiveTrainingChart Show()
    {
        Loss.Show();
        ValidationError.Show();
        return this;
    }

    public void Report(TrainingEvent value)
    {
        switch (value)
        {
            case EpochStarted { Epoch: 1 } s:
                Write(I($"training {s.Epochs} epochs of {s.Batches} batches"));
                break;
            case EpochCompleted { Record: var r }:
                history.Add(r);
                Loss.Add(r.Epoch, ("train", r.TrainLoss));
                if (r.Validation?.MeanPxError is { } error) ValidationError.Add(r.Epoch, ("validation", error));
                Write(I($"epoch {r.Epoch}: train loss {r.TrainLoss:G4}") +
                      (r.Validation?.MeanPxError is { } e ? I($", validation mean error {e:F2} px") : "") + I($" ({r.Seconds:F1} s, {r.ImagesPerSecond:F1} img/s)"));
                break;
            case EarlyStopped s:
                Write(I($"early stop at epoch {s.Epoch}: no better validation error since epoch {s.BestEpoch} ({s.BestValidationError:F2} px)"));
                break;
            case Finished { Result: var result }:
                Result = result;
                Write(I($"done: best epoch {result.BestEpoch}; {result.FinalSplit} split, {EvaluationCrops.Describe(result.FinalCrop)}: {MetricColumns.Summary(result.Final.Overall)}") +
                      (result.FinalLabelCrops is { } l ? I($"; {EvaluationCrops.Label}: {MetricColumns.Summary(l.Overall)}") : ""));
                break;
        }
    }

    private void Write(string line) => log?.WriteLine(line);

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public override string ToString() => $"LiveTrainingChart ({history.Count} epochs)";
}
