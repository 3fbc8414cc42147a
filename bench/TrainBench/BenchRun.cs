using System.Diagnostics;
using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Data.Splits;
using NewtPose.Evaluation;
using NewtPose.Models;
using NewtPose.Training;

/// <summary>What one benchmark training run produced: every epoch's record, the load average beside it, and the final report.</summary>
internal sealed record BenchResult(
    string Label, TrainingOptions Options, IReadOnlyList<EpochRecord> Epochs, IReadOnlyList<double> LoadAverages,
    double WallSeconds, bool StoppedByWallBudget, TrainingResult? Result, string RunFolder, FinalEvaluation? Final);

/// <summary>The best epoch's weights scored on one side of the split (test, else validation).</summary>
/// <param name="Crop">How the animal was cropped (<see cref="EvaluationCrops"/>): the found-crop figure is the one to report.</param>
internal sealed record FinalEvaluation(string Split, int BestEpoch, EvaluationReport Report, string Crop)
{
    /// <summary>The same photos on label crops, beside the found figure.</summary>
    public EvaluationReport? LabelCrops { get; init; }
}

/// <summary>Runs the library's <see cref="Trainer"/> once, with a wall-clock cap on top of the epoch count.</summary>
internal static class BenchRun
{
    public static BenchResult Train(string label, PoseDataset dataset, DatasetSplit split, TrainingOptions options,
        bool pretrained, TimeSpan wallBudget, string runFolder)
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
                (v is null ? "" : $"val (label crops) {MetricColumns.Summary(v)} ") +
                $"{c.Record.ImagesPerSecond:F1} img/s {c.Record.Seconds:F0} s load {loads[^1]:F2}");
        });
        var sampler = new PoseSampler(dataset, options.InputWidth, options.InputHeight, options.Augmentation);
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
        var seconds = watch.Elapsed.TotalSeconds;
        // A run cut by the wall cap has no final report from the trainer: score its saved best weights the same way.
        var final = result is not null ? new FinalEvaluation(result.FinalSplit, result.BestEpoch, result.Final, EvaluationCrops.Found)
            : File.Exists(Path.Combine(runFolder, "model.json")) ? EvaluateBest(dataset, split, runFolder, Milestones.Best(epochs)?.Epoch ?? 0, options.FlipTest) : null;
        return new BenchResult(label, options, epochs, loads, seconds, stopped, result, runFolder, final);
    }

    /// <summary>
    /// Scores the run folder's best model (model.json + model.weights) on the test images, else the validation images,
    /// through the library's <see cref="PoseEvaluator"/>: the animal found by the model, as the trainer's final report.
    /// </summary>
    public static FinalEvaluation EvaluateBest(PoseDataset dataset, DatasetSplit split, string runFolder, int bestEpoch, bool flipTest)
    {
        var name = split.Test.Count > 0 ? "test" : "val";
        var evaluation = PoseEvaluator.EvaluateRun(runFolder, dataset, name, flipTest);
        return new FinalEvaluation(name, bestEpoch, evaluation.Found, EvaluationCrops.Found) { LabelCrops = evaluation.LabelCrops };
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
