using System.Diagnostics;
using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Data.Splits;
using NewtPose.Models;
using NewtPose.Training;

/// <summary>What one benchmark training run produced: every epoch's record, the load average beside it, and the final report.</summary>
internal sealed record BenchResult(
    string Label, TrainingOptions Options, IReadOnlyList<EpochRecord> Epochs, IReadOnlyList<double> LoadAverages,
    double WallSeconds, bool StoppedByWallBudget, TrainingResult? Result, string RunFolder);

/// <summary>Runs the library's <see cref="Trainer"/> once, with a wall-clock cap on top of the epoch count.</summary>
internal static class BenchRun
{
    public static BenchResult Train(string label, PoseDataset dataset, DatasetSplit split, TrainingOptions options,
        AugmentationOptions augmentation, bool pretrained, TimeSpan wallBudget, string runFolder)
    {
        var epochs = new List<EpochRecord>();
        var loads = new List<double>();
        var progress = new SyncProgress(e =>
        {
            if (e is not EpochCompleted c) return;
            epochs.Add(c.Record);
            loads.Add(LoadAverage.OneMinute());
            var v = c.Record.Validation;
            Console.Error.WriteLine($"  [{label}] epoch {c.Record.Epoch}/{options.Epochs} loss {c.Record.TrainLoss:G4} " +
                (v is null ? "" : $"val mean {v.MeanPxError:F2} px pck@0.05 {v.Pck005:P1} ") +
                $"{c.Record.ImagesPerSecond:F1} img/s {c.Record.Seconds:F0} s load {loads[^1]:F2}");
        });
        var sampler = new PoseSampler(dataset, options.InputWidth, options.InputHeight, augmentation);
        var trainer = new Trainer(options, dataset, split, spec => PoseModels.Create(spec, pretrained), sampler);
        using var cancel = new CancellationTokenSource(wallBudget);
        var watch = Stopwatch.StartNew();
        TrainingResult? result = null;
        var stopped = false;
        try
        {
            result = trainer.Train(runFolder, progress, cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The wall budget ran out mid-epoch: the completed epochs are the result; the run folder keeps the best weights.
            stopped = true;
        }
        return new BenchResult(label, options, epochs, loads, watch.Elapsed.TotalSeconds, stopped, result, runFolder);
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    private sealed class SyncProgress(Action<TrainingEvent> report) : IProgress<TrainingEvent>
    {
        public void Report(TrainingEvent value) => report(value);
    }
}

/// <summary>The machine's load average: on a shared machine wall time means little without it.</summary>
internal static class LoadAverage
{
    public static double OneMinute()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg").Split(' ');
            return double.Parse(text[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException) { return double.NaN; }
        catch (UnauthorizedAccessException) { return double.NaN; }
    }

    public static string Now()
    {
        try { return File.ReadAllText("/proc/loadavg").Trim(); }
        catch (IOException) { return "n/a"; }
        catch (UnauthorizedAccessException) { return "n/a"; }
    }
}
