using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using NewtPose.ActiveLearning;
using NewtPose.Data;
using NewtPose.Data.Splits;
using NewtPose.Evaluation;
using NewtPose.IO;
using NewtPose.Training;

/// <summary>One finished round of one arm and seed: what was labelled, how it trained, and the test figures.</summary>
/// <param name="Arm"><see cref="Experiment.StartArm"/> for round 0 (shared by both arms), else ranked or random.</param>
/// <param name="Added">Photos revealed this round (dataset paths); round 0: the starting photos.</param>
/// <param name="Found">The test split scored the way a new photo is processed (PoseEvaluator over PoseEngine, the animal found by the model).</param>
/// <param name="LabelCrops">The same photos cropped around their labels, named as such (optimistic).</param>
internal sealed record Entry(int Seed, string Arm, int Round, int Labelled, IReadOnlyList<string> Added, int Epochs, int Steps, int BestEpoch,
    double ChooseSeconds, double TrainSeconds, JsonObject Found, JsonObject? LabelCrops)
{
    public double? Figure(MetricColumn column) => Found[column.Key]?.GetValue<double?>();

    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };
}

/// <summary>
/// The simulated refinement loop: for every seed, a model is trained on <see cref="ExperimentConfig.Start"/> photos of
/// the train split (round 0), then each round adds <see cref="ExperimentConfig.Add"/> photos of the rest of the train
/// split (the pool), chosen (a) by the ranking `newtpose suggest` uses (<see cref="PoolScoring.OpenEngine"/> +
/// <see cref="PoolScoring.Score"/> over the previous round's model, the labels so far as the pose prior) or (b) at random;
/// their held-out labels are revealed (<see cref="SimulatedCorrection.Reveal"/>) and merged (<see cref="LabelMerge.Merge"/>),
/// and the next model starts from the previous one (init_from) with the same number of optimizer steps. The test split
/// (individuals never trained on) is scored after every round. Finished entries are kept in entries/ and skipped on a rerun.
/// </summary>
internal sealed class Experiment
{
    public const string StartArm = "start";
    public const string RankedArm = "ranked";
    public const string RandomArm = "random";
    public static readonly string[] Arms = [RankedArm, RandomArm];

    private readonly ExperimentConfig config;
    private readonly string outFolder;
    private readonly TextWriter log;
    private readonly PoseDataset truth;
    private readonly IReadOnlyList<string> trainPhotos;
    private readonly IReadOnlyList<LabeledImage> testImages;

    public Experiment(ExperimentConfig config, string outFolder, TextWriter log)
    {
        this.config = config.Validate();
        this.outFolder = Path.GetFullPath(outFolder);
        this.log = log;
        truth = PoseData.Load(config.Data);
        var split = PoseTraining.DefaultSplit(truth, config.SplitSeed);
        trainPhotos = split.Train.Order(StringComparer.Ordinal).ToArray();
        var test = split.Test.ToHashSet(StringComparer.Ordinal);
        testImages = truth.Images.Where(i => test.Contains(i.Path)).ToArray();
        var needed = config.Start + config.Rounds * config.Add;
        if (needed > trainPhotos.Count)
            throw new ArgumentException($"{config.Data}: the train split holds {trainPhotos.Count} photos; --start {config.Start} + --rounds {config.Rounds} × --add {config.Add} needs {needed}.");
        if (testImages.Count == 0) throw new ArgumentException($"{config.Data}: the split (seed {config.SplitSeed}) has no test photos to score.");
        Split = split;
    }

    public DatasetSplit Split { get; }
    public int TrainPhotos => trainPhotos.Count;
    public string EntriesFolder => Path.Combine(outFolder, "entries");

    /// <summary>Runs every entry not finished yet, round by round (every seed, both arms), and returns all of them.</summary>
    public IReadOnlyList<Entry> Run(Action<IReadOnlyList<Entry>> afterEach, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(EntriesFolder);
        var configFile = Path.Combine(outFolder, "config.json");
        if (File.Exists(configFile) && File.ReadAllText(configFile) != config.ToJson())
            throw new InvalidOperationException($"{configFile} records another experiment; use another --out, or delete that folder to start again.");
        AtomicFile.WriteAllText(configFile, config.ToJson());
        var entries = new List<Entry>();
        // Round by round across the seeds, so that an experiment stopped part-way has whole rounds for every seed.
        var current = new Dictionary<(int Seed, string Arm), (PoseDataset Labelled, Entry Entry)>();
        foreach (var seed in config.Seeds)
        {
            var start = Draw(trainPhotos, config.Start, new Random(seed));
            var labelled0 = Reveal(truth with { Images = [], Warnings = [] }, start, round: 0);
            var first = Ensure(seed, StartArm, 0, start, labelled0, previousRun: null, entries, afterEach, cancellationToken);
            foreach (var arm in Arms) current[(seed, arm)] = (labelled0, first);
        }
        for (var round = 1; round <= config.Rounds; round++)
            foreach (var seed in config.Seeds)
                foreach (var arm in Arms)
                {
                    var (labelled, previous) = current[(seed, arm)];
                    var existing = Load(seed, arm, round);
                    var watch = Stopwatch.StartNew();
                    var added = existing?.Added ?? Choose(arm, seed, round, labelled, RunFolder(previous)!, cancellationToken);
                    var chooseSeconds = existing?.ChooseSeconds ?? watch.Elapsed.TotalSeconds;
                    var next = Reveal(labelled, added, round);
                    var entry = Ensure(seed, arm, round, added, next, RunFolder(previous), entries, afterEach, cancellationToken, chooseSeconds);
                    current[(seed, arm)] = (next, entry);
                }
        return entries;
    }

    /// <summary>The finished entry, or trains it (a run folder left by a killed run is cleared first) and records it.</summary>
    private Entry Ensure(int seed, string arm, int round, IReadOnlyList<string> added, PoseDataset labelled, string? previousRun,
        List<Entry> entries, Action<IReadOnlyList<Entry>> afterEach, CancellationToken cancellationToken, double chooseSeconds = 0)
    {
        if (Load(seed, arm, round) is { } done)
        {
            log.WriteLine($"seed {seed} {arm} round {round}: done earlier ({Summary(done)})");
            entries.Add(done);
            return done;
        }
        var folder = RunFolder(seed, arm, round);
        new RunFolder(folder).DeleteRun();
        var epochs = config.EpochsFor(round, labelled.Images.Count);
        var options = config.Training with { Epochs = epochs, Seed = seed, InitFrom = previousRun, WarmupEpochs = Math.Min(config.Training.WarmupEpochs, epochs) };
        var dataset = labelled with { Images = labelled.Images.Concat(testImages).ToArray() };
        var split = DatasetSplit.FromLists(labelled.Images.Select(i => i.Path).ToArray(), [], testImages.Select(i => i.Path).ToArray());
        var watch = Stopwatch.StartNew();
        var result = PoseTraining.Train(dataset, split, options, folder, cancellationToken: cancellationToken);
        var evaluation = result.Evaluation ?? throw new InvalidOperationException($"{folder}: the trainer scored no found crops.");
        var entry = new Entry(seed, arm, round, labelled.Images.Count, added, epochs, epochs * config.BatchesPerEpoch(labelled.Images.Count), result.BestEpoch,
            Math.Round(chooseSeconds, 1), Math.Round(watch.Elapsed.TotalSeconds, 1),
            MetricColumns.AddTo(new JsonObject(), evaluation.Found.Overall),
            evaluation.LabelCrops is { } l ? MetricColumns.AddTo(new JsonObject(), l.Overall) : null);
        AtomicFile.WriteAllText(EntryFile(seed, arm, round), JsonSerializer.Serialize(entry, Entry.Json) + "\n");
        log.WriteLine($"seed {seed} {arm} round {round}: {Summary(entry)}");
        entries.Add(entry);
        afterEach(entries);
        return entry;
    }

    /// <summary>The photos the arm adds this round, from the pool (the train photos not labelled yet).</summary>
    private IReadOnlyList<string> Choose(string arm, int seed, int round, PoseDataset labelled, string previousRun, CancellationToken cancellationToken)
    {
        var taken = labelled.Images.Select(i => i.Path).ToHashSet(StringComparer.Ordinal);
        var pool = trainPhotos.Where(p => !taken.Contains(p)).ToArray();
        if (arm == RandomArm) return Draw(pool, config.Add, new Random(unchecked(seed * 1_000_003 + round)));
        // Exactly what `newtpose suggest --run PREVIOUS --labels LABELLED --count ADD` runs on the pool.
        using var engine = PoolScoring.OpenEngine(previousRun, config.Training.BatchSize);
        var byFullPath = pool.ToDictionary(p => truth.FullPath(truth.Images.First(i => i.Path == p)), p => p, StringComparer.Ordinal);
        var scores = PoolScoring.Score([engine], byFullPath.Keys.ToArray(), PosePrior.FromLabels(labelled), new RankingOptions { Count = config.Add },
            cancellationToken: cancellationToken);
        if (scores.Results.FirstOrDefault(r => r.Prediction is null) is { } failed) throw new InvalidOperationException($"{failed.Path} could not be predicted: {failed.Error}");
        if (scores.Chosen.Count != config.Add) throw new InvalidOperationException($"the ranking chose {scores.Chosen.Count} photos of a pool of {pool.Length}, not {config.Add}.");
        return scores.Chosen.Select(c => byFullPath[c.Prediction.Path]).ToArray();
    }

    /// <summary>The labels after revealing <paramref name="photos"/>' true labels and merging them, as round <paramref name="round"/>.</summary>
    private PoseDataset Reveal(PoseDataset labelled, IReadOnlyList<string> photos, int round)
    {
        var corrections = SimulatedCorrection.Reveal(truth, photos.Select(p => truth.FullPath(truth.Images.First(i => i.Path == p))));
        var merged = LabelMerge.Merge(labelled, corrections, "simulated corrections", new MergeOptions { Round = round });
        if (merged.PhotosAdded != photos.Count)
            throw new InvalidOperationException($"round {round}: the merge added {merged.PhotosAdded} of {photos.Count} photos ({string.Join("; ", merged.NotTaken.Select(n => $"{n.Image}: {n.Reason}"))}).");
        return merged.Merged;
    }

    private static string[] Draw(IReadOnlyList<string> photos, int count, Random random)
    {
        var order = photos.ToArray();
        random.Shuffle(order);
        return order.Take(count).ToArray();
    }

    private string? RunFolder(Entry? entry) => entry is null ? null : RunFolder(entry.Seed, entry.Arm, entry.Round);

    private string RunFolder(int seed, string arm, int round) => Path.Combine(outFolder, "runs", $"seed{seed}", $"{arm}-round{round}");

    private string EntryFile(int seed, string arm, int round) => Path.Combine(EntriesFolder, $"seed{seed}-{arm}-round{round}.json");

    private Entry? Load(int seed, string arm, int round)
    {
        var file = EntryFile(seed, arm, round);
        return File.Exists(file) ? JsonSerializer.Deserialize<Entry>(File.ReadAllText(file), Entry.Json) : null;
    }

    private static string Summary(Entry e) =>
        $"{e.Labelled} photos, {e.Epochs} epochs = {e.Steps} steps, test (found) mean px {e.Figure(MetricColumns.MeanPxError):F2}, " +
        $"PCK@0.05 {100 * e.Figure(MetricColumns.Pck005):F1}%, OKS AP {e.Figure(MetricColumns.OksAp):F3}; choose {e.ChooseSeconds:F0} s, train+score {e.TrainSeconds:F0} s";
}
