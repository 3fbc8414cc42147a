using System.Globalization;
using NewtPose.Evaluation;
using NewtPose.Training;

namespace NewtPose.Cli.Progress;

/// <summary>
/// Renders the trainer's event stream for a terminal: a progress bar redrawn in place (carriage return) while an epoch
/// runs when <c>interactive</c>, and one summary line per epoch ("epoch 3/80 … | elapsed 4:10, ETA 1:46:40"),
/// checkpoint and end either way (so logs stay readable when the output is redirected). For `newtpose train`.
/// The elapsed time and the ETA count the epochs this process trained (a resumed run starts its clock again).
/// </summary>
public sealed class ConsoleTrainingProgress(TextWriter output, bool interactive) : IProgress<TrainingEvent>
{
    private const int BarWidth = 30;
    private int epochs;
    private int epochsTimed;
    private double secondsTimed;

    /// <summary>For the real console: a bar only when stderr is a terminal.</summary>
    public static ConsoleTrainingProgress ForConsole() => new(Console.Error, !Console.IsErrorRedirected);

    public void Report(TrainingEvent value)
    {
        switch (value)
        {
            case EpochStarted s:
                epochs = s.Epochs;
                break;
            case BatchCompleted b when interactive:
                var filled = (int)Math.Round(BarWidth * b.Batch / (double)b.Batches);
                output.Write(string.Create(CultureInfo.InvariantCulture,
                    $"\repoch {b.Epoch}{Total} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {b.Batch}/{b.Batches} loss {b.Loss:G4} {b.ImagesPerSecond:F1} img/s "));
                break;
            case EpochCompleted e:
                epochsTimed++;
                secondsTimed += e.Record.Seconds;
                if (interactive) output.Write('\r');
                output.WriteLine(EpochLine(e.Record));
                break;
            case Checkpointed { Kind: CheckpointKind.Best } c:
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  best so far -> {c.Path}"));
                break;
            case EarlyStopped s:
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"early stop at epoch {s.Epoch}: no better validation error since epoch {s.BestEpoch} ({s.BestValidationError:F2} px)"));
                break;
            case Finished f:
                var labelCrops = f.Result.FinalLabelCrops is { } l ? $"; {EvaluationCrops.Label}: {MetricColumns.Summary(l.Overall)}" : "";
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"done: best epoch {f.Result.BestEpoch}; {f.Result.FinalSplit} split, {EvaluationCrops.Describe(f.Result.FinalCrop)}: {MetricColumns.Summary(f.Result.Final.Overall)}{labelCrops}; run folder {f.Result.RunFolder}"));
                break;
        }
    }

    private string Total => epochs > 0 ? "/" + epochs.ToString(CultureInfo.InvariantCulture) : "";

    /// <summary>
    /// One line per epoch, e.g. "epoch 3/50 loss 0.0123 lr 0.00098 | val (label crops) mean px 4.21, … | 12.3 img/s, 40.1 s | elapsed 2:00, ETA 31:20".
    /// The ETA is the mean epoch time so far times the epochs left.
    /// </summary>
    public string EpochLine(EpochRecord r)
    {
        var v = r.Validation;
        var validation = v is null ? "" : $" | val (label crops) {MetricColumns.Summary(v)}";
        var left = Math.Max(0, epochs - r.Epoch);
        var eta = epochs > 0 && epochsTimed > 0 ? $", ETA {Clock(secondsTimed / epochsTimed * left)}" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {r.Epoch}{Total} loss {r.TrainLoss:G4} lr {r.LearningRate:G3}{validation} | {r.ImagesPerSecond:F1} img/s, {r.Seconds:F1} s | elapsed {Clock(secondsTimed)}{eta}");
    }

    /// <summary>m:ss below an hour, h:mm:ss above.</summary>
    internal static string Clock(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:D2}");
    }
}
