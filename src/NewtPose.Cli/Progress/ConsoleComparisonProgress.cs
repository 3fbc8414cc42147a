using System.Globalization;
using NewtPose.Comparison;
using NewtPose.Evaluation;
using NewtPose.Training;

namespace NewtPose.Cli.Progress;

/// <summary>
/// Renders a comparison's progress as lines: which entry runs ("[3/12] resnet18, 25 photos, seed 1"), its probe, each
/// epoch with the trainer's figures, the entry's result, and the ETA of the whole comparison. For `newtpose compare`.
/// </summary>
public sealed class ConsoleComparisonProgress(TextWriter output) : IProgress<ComparisonProgress>
{
    public void Report(ComparisonProgress value)
    {
        var line = Line(value);
        if (line is not null) output.WriteLine(line);
    }

    /// <summary>The line for one event, or null for the events that print nothing (batches).</summary>
    public static string? Line(ComparisonProgress p)
    {
        var head = $"[{p.Entry}/{p.Entries}] {p.Key}";
        var eta = p.Eta is { } t ? $" | ETA {ConsoleTrainingProgress.Clock(t.TotalSeconds)}" : "";
        return p.Stage switch
        {
            ComparisonStage.Skipped => $"{head}: finished earlier, skipped",
            ComparisonStage.Probe => $"{head}: measuring the training speed (one-epoch probe){eta}",
            ComparisonStage.Inference => $"{head}: timing inference on the scored photos",
            ComparisonStage.Finished when p.Result is { } r => string.Create(CultureInfo.InvariantCulture,
                $"{head}: done, {r.Epochs} epochs in {r.WallSeconds / 60:F1} min{(r.WallCapHit ? " (stopped by the wall cap)" : "")}; {r.Split} (found by the model) {MetricColumns.Summary(r.Found)}{eta}"),
            ComparisonStage.Train => p.Training switch
            {
                EpochStarted { Epoch: 1 } s => $"{head}: training {s.Epochs} epochs{eta}",
                EpochCompleted c => EpochLine(head, c.Record, p.Epochs, eta),
                _ => null,
            },
            _ => null,
        };
    }

    private static string EpochLine(string head, EpochRecord r, int? epochs, string eta)
    {
        var validation = r.Validation is { } v ? $" | val (label crops) {MetricColumns.Summary(v)}" : "";
        return string.Create(CultureInfo.InvariantCulture, $"{head} epoch {r.Epoch}/{epochs} loss {r.TrainLoss:G4}{validation} | {r.ImagesPerSecond:F1} img/s{eta}");
    }
}
