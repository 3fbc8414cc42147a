using System.Globalization;
using NewtPose.Evaluation;
using NewtPose.Training;

namespace NewtPose.Cli.Progress;

/// <summary>
/// Renders the trainer's event stream for a terminal: a progress bar redrawn in place (carriage return) while an epoch
/// runs when <c>interactive</c>, and one summary line per epoch, checkpoint and end either way (so logs stay readable
/// when the output is redirected). For `newtpose train`.
/// </summary>
public sealed class ConsoleTrainingProgress(TextWriter output, bool interactive) : IProgress<TrainingEvent>
{
    private const int BarWidth = 30;

    /// <summary>For the real console: a bar only when stderr is a terminal.</summary>
    public static ConsoleTrainingProgress ForConsole() => new(Console.Error, !Console.IsErrorRedirected);

    public void Report(TrainingEvent value)
    {
        switch (value)
        {
            case BatchCompleted b when interactive:
                var filled = (int)Math.Round(BarWidth * b.Batch / (double)b.Batches);
                output.Write(string.Create(CultureInfo.InvariantCulture,
                    $"\repoch {b.Epoch} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {b.Batch}/{b.Batches} loss {b.Loss:G4} {b.ImagesPerSecond:F1} img/s "));
                break;
            case EpochCompleted e:
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

    /// <summary>One line per epoch, e.g. "epoch 3 loss 0.0123 lr 0.00098 | val (label crops) mean px 4.21, … | 12.3 img/s, 40.1 s".</summary>
    public static string EpochLine(EpochRecord r)
    {
        var v = r.Validation;
        var validation = v is null ? "" : $" | val (label crops) {MetricColumns.Summary(v)}";
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {r.Epoch} loss {r.TrainLoss:G4} lr {r.LearningRate:G3}{validation} | {r.ImagesPerSecond:F1} img/s, {r.Seconds:F1} s");
    }
}
