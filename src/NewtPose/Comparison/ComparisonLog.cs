using System.Globalization;
using NewtPose.Evaluation;
using NewtPose.Training;

namespace NewtPose.Comparison;

/// <summary>
/// A comparison's progress as lines: which entry runs ("[3/12] resnet18, 25 photos, seed 1"), its probe, each epoch
/// with the trainer's figures (when <paramref name="epochs"/>), the entry's result, and the ETA of the whole comparison.
/// What `newtpose compare` prints on stderr and notebook 07 prints below its cell; reports on the calling thread.
/// </summary>
public sealed class ComparisonLog(TextWriter output, bool epochs = true) : IProgress<ComparisonProgress>
{
    public void Report(ComparisonProgress value)
    {
        var line = Line(value);
        if (line is not null && (epochs || value.Training is null)) output.WriteLine(line);
    }

    /// <summary>The line for one event, or null for the events that print nothing (batches, checkpoints).</summary>
    public static string? Line(ComparisonProgress p)
    {
        var head = $"[{p.Entry}/{p.Entries}] {p.Key}";
        var eta = p.Eta is { } t ? $" | ETA {Clock(t)}" : "";
        return p.Stage switch
        {
            ComparisonStage.Skipped => $"{head}: finished earlier, skipped",
            ComparisonStage.Probe => $"{head}: measuring the training speed (three-epoch probe){eta}",
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

    /// <summary>m:ss below an hour, h:mm:ss above.</summary>
    private static string Clock(TimeSpan t)
    {
        t = TimeSpan.FromSeconds(Math.Round(t.TotalSeconds));
        return t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:D2}");
    }
}
