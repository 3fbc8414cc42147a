using System.Diagnostics;
using NewtPose.Data;
using NewtPose.Data.Splits;
using NewtPose.Evaluation;
using NewtPose.Inference;
using NewtPose.Models;
using NewtPose.Training;

namespace NewtPose.Comparison;

/// <summary>
/// Trains and scores every entry of a <see cref="ComparisonPlan"/> (variants × train sizes × seeds) through the one
/// trainer (<see cref="PoseTraining.Train"/>) and the one evaluator (its final <see cref="PoseEvaluator"/> pass over the
/// <see cref="PoseEngine"/>, the animal found by the model), and writes the results (<see cref="ComparisonReport"/>):
/// what `newtpose compare` and notebook 07 run.
/// <code>
/// var plan = new ComparisonPlan { Data = "data-samples/newts/annotations.json", Variants = ComparisonPlan.Grid(["resnet18-imagenet", "resnet18"], ["heatmap"]),
///                                 TrainSizes = [10, 25, 50], Seeds = [1, 2, 3], Budget = ComparisonBudget.OfMinutes(3) };
/// var results = PoseComparison.Run(plan, "runs/compare-01");
/// </code>
/// One split (<see cref="PoseTraining.DefaultSplit"/> with the plan's split seed) for every entry: the same validation and
/// test photos. A train size n takes the first n photos of the train split shuffled by the entry's seed
/// (<see cref="Subset"/>), so for one seed the 10 photos are among the 25, and every variant of a seed trains on the same
/// photos. Output folder: plan.json, entries/ID.json (one per finished entry, written atomically), runs/ID/ (run folders, with data.json),
/// probes/ (speed probes of a minutes budget), results.json, results.csv, results.md, report.html. Run again with the same
/// plan, finished entries are read back and skipped; a run folder left by a stopped entry is cleared and trained again.
/// </summary>
public static class PoseComparison
{
    /// <summary>Runs the plan into <paramref name="outFolder"/> and returns every entry with the spreads over seeds.</summary>
    public static ComparisonResults Run(ComparisonPlan plan, string outFolder, IProgress<ComparisonProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        plan.Validate();
        var dataset = PoseData.Load(plan.Data);
        // One split for every entry, or with SplitPerSeed one per seed (the seed is the split's seed).
        SeedSplit SplitOf(int splitSeed)
        {
            var split = PoseTraining.DefaultSplit(dataset, splitSeed);
            return new SeedSplit(split, TrainPhotos(plan, dataset, split, splitSeed));
        }
        var shared = plan.SplitPerSeed ? null : SplitOf(plan.SplitSeed);
        var splits = plan.Seeds.Distinct().ToDictionary(seed => seed, seed => shared ?? SplitOf(seed));
        var folder = new ComparisonFolder(outFolder);
        folder.Start(plan);
        var runner = new Runner(plan, dataset, splits, folder, progress, cancellationToken);
        var keys = plan.Entries();
        var entries = new List<ComparisonEntry>();
        for (var i = 0; i < keys.Count; i++)
        {
            entries.Add(runner.Ensure(keys[i], i + 1, keys.Count));
            ComparisonReport.Write(folder.Path, ComparisonResults.Of(plan, entries));
        }
        return ComparisonResults.Of(plan, entries);
    }

    /// <summary>
    /// The photos an entry trains on: the train split in ordinal order, shuffled by <paramref name="seed"/>, its first
    /// <paramref name="size"/> (all of them when null). Nested: for one seed a smaller size is a prefix of a larger one.
    /// </summary>
    public static IReadOnlyList<string> Subset(IReadOnlyList<string> trainPhotos, int? size, int seed)
    {
        var order = trainPhotos.Order(StringComparer.Ordinal).ToArray();
        if (size is null) return order;
        if (size > order.Length) throw new ArgumentException($"train size {size} is larger than the train split ({order.Length} photos).", nameof(size));
        new Random(seed).Shuffle(order);
        return order.Take(size.Value).ToArray();
    }

    /// <summary>A seed's split and its train photos in ordinal order.</summary>
    private sealed record SeedSplit(DatasetSplit Split, IReadOnlyList<string> TrainPhotos)
    {
        /// <summary>The photos every entry of the seed is scored on: the test side, else the validation side.</summary>
        public IReadOnlyList<string> Scored => Split.Test.Count > 0 ? Split.Test : Split.Val;
    }

    /// <summary>The train split's photos, refusing train sizes it cannot hold and a split with nothing to score.</summary>
    private static IReadOnlyList<string> TrainPhotos(ComparisonPlan plan, PoseDataset dataset, DatasetSplit split, int splitSeed)
    {
        var train = split.Train.Order(StringComparer.Ordinal).ToArray();
        if (plan.TrainSizes is { } sizes && sizes.Where(n => n > train.Length).ToArray() is { Length: > 0 } tooLarge)
            throw new ArgumentException($"{plan.Data}: the train split (split seed {splitSeed}: {split.Train.Count} train / {split.Val.Count} validation / " +
                                        $"{split.Test.Count} test photos) holds {train.Length} photos, fewer than the train size{(tooLarge.Length > 1 ? "s" : "")} " +
                                        $"{string.Join(", ", tooLarge)}. Use sizes up to {train.Length}, or leave the train sizes out for the whole train split.");
        if (split.Test.Count == 0 && split.Val.Count == 0)
            throw new ArgumentException($"{plan.Data}: the split (split seed {splitSeed}) has no test or validation photos to score the entries on; the dataset is too small to compare on.");
        if (train.Length == 0) throw new ArgumentException($"{plan.Data}: the train split is empty.");
        return train;
    }

    /// <summary>The per-entry work: the schedule, training, the timing pass, the entry file.</summary>
    private sealed class Runner(ComparisonPlan plan, PoseDataset dataset, IReadOnlyDictionary<int, SeedSplit> splits, ComparisonFolder folder,
        IProgress<ComparisonProgress>? progress, CancellationToken cancellationToken)
    {
        private const int ProbeEpochs = 3;
        private readonly Stopwatch session = Stopwatch.StartNew();
        private double workTrained; // epochs × photos of the entries trained by this process
        private double secondsTrained;

        public ComparisonEntry Ensure(EntryKey key, int index, int count)
        {
            if (folder.LoadEntry(key) is { } done)
            {
                Report(key, index, count, ComparisonStage.Skipped, null);
                return done;
            }
            var variant = plan.Variants.Single(v => v.Name == key.Variant);
            var variantOptions = variant.Apply(plan.BaseOptions);
            var seedSplit = splits[key.Seed];
            var photos = Subset(seedSplit.TrainPhotos, key.TrainSize, key.Seed);
            var (epochs, probe) = plan.Budget.Minutes is null ? (RecipeEpochs(key, variantOptions), null) : Schedule(key, variantOptions, index, count);
            var options = variantOptions with
            {
                Epochs = epochs, Seed = key.Seed, CheckpointEveryEpoch = false, KeepCheckpoints = false,
                WarmupEpochs = Math.Min(variantOptions.WarmupEpochs, epochs), FreezeBackboneEpochs = Math.Min(variantOptions.FreezeBackboneEpochs, epochs),
            };
            var runFolder = folder.RunFolder(key.Id);
            new RunFolder(runFolder).DeleteRun(); // what a stopped entry left
            var watch = Stopwatch.StartNew();
            var (evaluation, bestEpoch, history, capHit) = Train(key, options, SplitFor(photos, seedSplit), runFolder, index, count, epochs);
            var wall = watch.Elapsed.TotalSeconds;
            // The entry's run folder names its labels, so `newtpose evaluate --run` (flip test off, more refine passes, an
            // ensemble) scores it again without being told where they are.
            RunFolder.RecordData(runFolder, plan.Data, null);
            Report(key, index, count, ComparisonStage.Inference, epochs);
            var (parameters, inference) = Speed(runFolder, options, evaluation.Photos.Select(p => p.Image).ToArray());
            var info = PoseModels.Names.Single(b => b.Name == options.Backbone);
            var entry = new ComparisonEntry(key.Variant, options.Backbone, options.Head, info.Pretrained, $"{options.InputWidth}x{options.InputHeight}",
                key.TrainSize, photos.Count, key.Seed, epochs, bestEpoch, parameters,
                Math.Round(history.Count == 0 ? 0 : history.Average(h => h.ImagesPerSecond), 2), Math.Round(inference, 2), Math.Round(wall, 1), capHit,
                probe is null ? null : Math.Round(probe.ImagesPerSecond, 2), evaluation.Split, evaluation.Found.Overall, evaluation.LabelCrops?.Overall,
                evaluation.Found.PerKeypoint);
            folder.SaveEntry(entry);
            workTrained += (double)epochs * photos.Count;
            secondsTrained += wall;
            progress?.Report(new ComparisonProgress(index, count, key, ComparisonStage.Finished, Eta(index, count, 0)) { Result = entry, Epochs = epochs });
            return entry;
        }

        /// <summary>
        /// The epochs of an entry without a minutes budget: the budget's, or (the recipe's schedule) the variant's own, sized
        /// by the entry's train set as the trainer would size it.
        /// </summary>
        private int RecipeEpochs(EntryKey key, TrainingOptions variantOptions)
        {
            if (plan.Budget.Epochs is { } fixedEpochs) return fixedEpochs;
            var seedSplit = splits[key.Seed];
            var photos = Subset(seedSplit.TrainPhotos, key.TrainSize, key.Seed);
            return variantOptions.EpochsFor(SplitItems.From(dataset, SplitFor(photos, seedSplit), variantOptions.Views).Train.Count);
        }

        /// <summary>
        /// The epochs a minutes budget allows: a three-epoch probe of the variant on the entry's train size (once per
        /// variant and size, cached in probes/) measures one warm training epoch and the fixed cost (network, first epoch's decoding,
        /// final evaluation); the schedule is as many whole epochs as fit the budget after the fixed cost, at least one.
        /// </summary>
        private (int Epochs, ComparisonProbe Probe) Schedule(EntryKey key, TrainingOptions variantOptions, int index, int count)
        {
            var id = key.GroupId;
            var probe = folder.LoadProbe(id);
            if (probe is null)
            {
                Report(key, index, count, ComparisonStage.Probe, null);
                // Three epochs, timed by the mean of the last two: the first also decodes every photo into the cache and warms
                // libtorch up, costs an entry pays once (counted in the fixed part), so timing it would cut small train sizes short.
                var options = variantOptions with { Epochs = ProbeEpochs, Seed = plan.Seeds[0], CheckpointEveryEpoch = false, WarmupEpochs = Math.Min(variantOptions.WarmupEpochs, 1),
                    FreezeBackboneEpochs = Math.Min(variantOptions.FreezeBackboneEpochs, 1) };
                var runFolder = folder.ProbeFolder(id);
                new RunFolder(runFolder).DeleteRun();
                var watch = Stopwatch.StartNew();
                var first = splits[plan.Seeds[0]];
                var result = PoseTraining.Train(dataset, SplitFor(Subset(first.TrainPhotos, key.TrainSize, plan.Seeds[0]), first), options, runFolder, cancellationToken: cancellationToken);
                var total = watch.Elapsed.TotalSeconds;
                var warm = result.History.Skip(1).ToArray();
                var (seconds, imagesPerSecond) = (warm.Average(h => h.Seconds), warm.Average(h => h.ImagesPerSecond));
                probe = new ComparisonProbe(Math.Round(seconds, 2), Math.Round(Math.Max(0, total - ProbeEpochs * seconds), 2), Math.Round(imagesPerSecond, 2));
                folder.SaveProbe(id, probe);
            }
            var budget = plan.Budget.Minutes!.Value * 60;
            var epochs = (int)Math.Max(1, Math.Floor((budget - probe.FixedSeconds) / Math.Max(1e-3, probe.EpochSeconds)));
            return (epochs, probe);
        }

        private (PoseEvaluation Evaluation, int BestEpoch, IReadOnlyList<EpochRecord> History, bool CapHit) Train(
            EntryKey key, TrainingOptions options, DatasetSplit entrySplit, string runFolder, int index, int count, int epochs)
        {
            var photos = entrySplit.Train;
            using var cap = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (plan.Budget.Minutes is { } minutes) cap.CancelAfter(TimeSpan.FromMinutes(minutes * plan.WallCapFactor));
            var history = new List<EpochRecord>();
            var eta = Eta(index, count, epochs * (double)photos.Count);
            var events = new Relay(e =>
            {
                if (e is EpochCompleted c) history.Add(c.Record);
                progress?.Report(new ComparisonProgress(index, count, key, ComparisonStage.Train, eta) { Training = e, Epochs = epochs });
            });
            try
            {
                var result = PoseTraining.Train(dataset, entrySplit, options, runFolder, progress: events, cancellationToken: cap.Token);
                var evaluation = result.Evaluation ?? throw new InvalidOperationException($"{runFolder}: the trainer scored no found crops (head {options.Head}).");
                return (evaluation, result.BestEpoch, result.History, false);
            }
            catch (OperationCanceledException) when (cap.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // The wall cap, a guard: the schedule was chosen to end well inside it. The best epoch so far is scored by the same evaluator.
                if (!File.Exists(new RunFolder(runFolder).ModelWeights))
                    throw new InvalidOperationException($"{key}: the wall cap ({plan.Budget.Minutes * plan.WallCapFactor:G3} min) ended training before its first epoch; give a larger --budget-minutes.");
                var evaluation = PoseEvaluator.EvaluateRun(runFolder, dataset, "test", options.FlipTest, cancellationToken: cancellationToken);
                var best = history.MinBy(h => h.TrainLoss)?.Epoch ?? 0;
                return (evaluation, best, history, true);
            }
        }

        /// <summary>
        /// The entry's split: its train photos, no validation, and the seed split's test photos (its validation photos when
        /// it has no test side), the same for every entry of the seed. No validation pass per epoch: on a small train size
        /// it would take most of a minutes budget, so the curve would measure the validation, not the labels. The kept epoch
        /// is then the one with the lowest training loss (the trainer's rule without validation), under a cosine schedule
        /// one of the last.
        /// </summary>
        private static DatasetSplit SplitFor(IReadOnlyList<string> photos, SeedSplit seedSplit) => DatasetSplit.FromLists(photos, [], seedSplit.Scored);

        /// <summary>The network's parameter count and the engine's photos per second on the scored photos (one warm-up photo first, untimed).</summary>
        private (long Parameters, double PhotosPerSecond) Speed(string runFolder, TrainingOptions options, IReadOnlyList<LabeledImage> images)
        {
            long parameters;
            using (var model = PoseModels.Load(runFolder)) parameters = model.parameters().Sum(p => p.numel());
            using var engine = PoseEngine.Open(runFolder, new EngineOptions { FlipTest = options.FlipTest, BatchSize = options.BatchSize });
            var paths = images.Select(dataset.FullPath).ToArray();
            if (paths.Length == 0) return (parameters, 0);
            engine.Predict(paths[0], cancellationToken);
            var timed = paths.Length > 1 ? paths[1..] : paths;
            var watch = Stopwatch.StartNew();
            var n = engine.PredictMany(timed, cancellationToken).Count();
            return (parameters, n / Math.Max(1e-6, watch.Elapsed.TotalSeconds));
        }

        /// <summary>
        /// Time left after entry <paramref name="index"/> starts (it included): the budget of every entry left with minutes,
        /// else this process's seconds per epoch·photo times the epoch·photos left (null before the first trained entry).
        /// </summary>
        private TimeSpan? Eta(int index, int count, double currentWork)
        {
            var left = plan.Entries().Skip(index).Where(k => folder.LoadEntry(k) is null).ToArray();
            if (plan.Budget.Minutes is { } minutes) return TimeSpan.FromMinutes(minutes * (left.Length + (currentWork > 0 ? 1 : 0)));
            if (workTrained <= 0) return null;
            var work = currentWork + left.Sum(k => (double)RecipeEpochs(k, plan.Variants.Single(v => v.Name == k.Variant).Apply(plan.BaseOptions))
                                                     * (k.TrainSize ?? splits[k.Seed].TrainPhotos.Count));
            return TimeSpan.FromSeconds(secondsTrained / workTrained * work);
        }

        private void Report(EntryKey key, int index, int count, ComparisonStage stage, int? epochs) =>
            progress?.Report(new ComparisonProgress(index, count, key, stage, Eta(index, count, 0)) { Epochs = epochs });
    }

    /// <summary>Passes the trainer's events on synchronously (Progress&lt;T&gt; would post them to the thread pool).</summary>
    private sealed class Relay(Action<TrainingEvent> report) : IProgress<TrainingEvent>
    {
        public void Report(TrainingEvent value) => report(value);
    }
}

/// <summary>A minutes budget's speed probe of one variant and train size: a warm training epoch and the fixed cost around the epochs.</summary>
/// <param name="EpochSeconds">Mean wall time of the probe's warm epochs (its last two of three; no validation pass).</param>
/// <param name="FixedSeconds">The rest of the probe run: building the network, the first epoch's decoding, the final evaluation.</param>
/// <param name="ImagesPerSecond">Training throughput in the probe's warm epochs.</param>
public sealed record ComparisonProbe(double EpochSeconds, double FixedSeconds, double ImagesPerSecond);
