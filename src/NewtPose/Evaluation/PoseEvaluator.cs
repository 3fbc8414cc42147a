using NewtPose.Data;
using NewtPose.Data.Splits;
using NewtPose.Inference;

namespace NewtPose.Evaluation;

/// <summary>How <see cref="PoseEvaluator"/> scores.</summary>
public sealed record EvaluatorOptions
{
    public MetricsOptions Metrics { get; init; } = new();
    /// <summary>Also predict every animal cropped around its own labels (the label-crop figure beside the honest one).</summary>
    public bool LabelCrops { get; init; } = true;

    public EvaluatorOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(Metrics);
        Metrics.Validate();
        return this;
    }
}

/// <summary>Progress of an evaluation: photos done of the total, in the current stage ("found" or "label crops").</summary>
public sealed record EvaluationProgress(string Stage, int Done, int Total);

/// <summary>
/// One photo of an evaluation: what the engine found on it (null with <paramref name="Error"/> when it could not be
/// read), the labelled animal that prediction was matched to, and how far off it was.
/// </summary>
/// <param name="Image">The dataset image (its labels).</param>
/// <param name="Found">The engine's prediction from the photo alone (found crop).</param>
/// <param name="Error">Why the photo could not be predicted; null when it was.</param>
public sealed record PhotoEvaluation(LabeledImage Image, PhotoPrediction? Found, string? Error)
{
    /// <summary>Index in <see cref="LabeledImage.Instances"/> of the animal the prediction was matched to; −1 when none.</summary>
    public int MatchedAnimal { get; init; } = -1;
    /// <summary>Mean pixel error of the matched animal's labelled points; null when nothing was matched.</summary>
    public double? MeanPxError { get; init; }
    public double? Oks { get; init; }
    /// <summary>Labelled animals of the photo that got no prediction.</summary>
    public int MissedAnimals { get; init; }
    /// <summary>The label-crop prediction of each animal of <see cref="LabeledImage.Instances"/> (null for an animal without labels, or without label crops).</summary>
    public IReadOnlyList<PhotoPrediction?> LabelCrops { get; init; } = [];
}

/// <summary>
/// The result of an evaluation: the metrics with the animal found by the model (the honest figure), the same photos on
/// label crops (null when not asked for), and every photo for worst-photo views.
/// </summary>
public sealed record PoseEvaluation(EvaluationReport Found, EvaluationReport? LabelCrops, IReadOnlyList<PhotoEvaluation> Photos)
{
    /// <summary>The split or image set scored ("test", "val", "train", "all", or the caller's name).</summary>
    public string Split { get; init; } = "";
    public bool FlipTest { get; init; }
    /// <summary>The engine's refine passes after the whole-photo pass (<see cref="EngineOptions.RefinePasses"/>).</summary>
    public int RefinePasses { get; init; }
    /// <summary>How many linked keypoint pairs of a rig were decoded jointly (<see cref="EngineOptions.LinkViews"/>); 0 when the model has none or linking was off.</summary>
    public int LinkedPairs { get; init; }
    /// <summary>The linked pairs' misfit cost (<see cref="EngineOptions.LinkMisfitNu"/>: 0 Gaussian, else a Student-t's ν).</summary>
    public double LinkMisfitNu { get; init; }
    /// <summary>Whether points were read as their peak cells' vote (<see cref="PoseDecoder.OffsetVoting"/>: false for a head without offsets).</summary>
    public bool OffsetVoting { get; init; }
    /// <summary>Whether the final pass also ran the crop turned by quarter turns (<see cref="PoseEngine.QuarterTurns"/>).</summary>
    public bool QuarterTurns { get; init; }
    /// <summary>Photos of the set that hold no labelled animal: nothing to score, counted here.</summary>
    public int UnlabelledPhotos { get; init; }
    /// <summary>Photos the engine could not predict (read errors); their animals count as missed.</summary>
    public int FailedPhotos => Photos.Count(p => p.Error is not null);

    /// <summary>The photos that went worst: failed ones first, then by mean error of the matched animal, largest first.</summary>
    public IReadOnlyList<PhotoEvaluation> Worst(int count) => Photos
        .OrderByDescending(p => p.Error is not null).ThenByDescending(p => p.MeanPxError ?? double.PositiveInfinity).Take(count).ToArray();
}

/// <summary>
/// Scores a model on labelled photos through the <see cref="PoseEngine"/>, the path a new photo takes: labels are used
/// to score, never to find, crop or scale the photo (<see cref="PoseEngine.Predict"/>). With
/// <see cref="EvaluatorOptions.LabelCrops"/> the animals are also predicted cropped around their labels
/// (<see cref="PoseEngine.PredictInBox"/>), named as such, so the cost of finding the animal is visible. One prediction
/// per photo: matched to the labelled animal it fits best (<see cref="PhotoCases.Match"/>); the others count as missed.
/// Metric definitions: docs/metrics.md.
/// </summary>
public sealed class PoseEvaluator(PoseEngine engine, EvaluatorOptions? options = null)
{
    private readonly EvaluatorOptions options = (options ?? new EvaluatorOptions()).Validate();

    /// <summary>
    /// One call for notebooks and reports: opens the run folder's model (flip test as <paramref name="flipTest"/>, else as
    /// <paramref name="engine"/> sets it, else as the run scored: its options.json), evaluates the images of <paramref name="split"/> (test, val, train, all) of the run's split.json,
    /// with the engine run as <paramref name="engine"/> says (refine passes, linked views, decoding; default
    /// <see cref="EngineOptions"/>'s defaults, the flip test by the rule above).
    /// With <paramref name="onnxModel"/>, the network is that exported file (float or int8) in the ONNX Runtime engine
    /// instead of the run's TorchSharp weights; the split and flip test still come from the run.
    /// </summary>
    public static PoseEvaluation EvaluateRun(string runFolder, PoseDataset dataset, string split = "test", bool? flipTest = null,
        EvaluatorOptions? options = null, IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default,
        string? onnxModel = null, EngineOptions? engine = null)
    {
        var images = EvaluationSplits.Images(runFolder, dataset, split);
        // The run decides an unset flip test, also for its exported file (whose stored options are the run's).
        var engineOptions = (engine ?? new EngineOptions()) with { FlipTest = flipTest ?? engine?.FlipTest ?? EvaluationSplits.FlipTestOf(runFolder) };
        using var opened = onnxModel is null ? PoseEngine.Open(runFolder, engineOptions) : OnnxBackend.OpenEngine(onnxModel, engineOptions);
        return new PoseEvaluator(opened, options).Evaluate(dataset, images, split, progress, cancellationToken);
    }

    /// <summary>
    /// Scores an ensemble of the runs in <paramref name="runFolders"/> (<see cref="PoseEngine.Open(IReadOnlyList{string}, EngineOptions?)"/>)
    /// on <paramref name="split"/> of the first run's split.json. Honest only if no member saw a scored photo: a scored photo
    /// in any member's train split (or, scoring the test split, its validation split) is refused by name (so members from seeded splits of their own cannot be
    /// scored together; "all" and "train" are refused for the same reason). The flip test: as the first run scored; the
    /// rest of the engine's settings as <paramref name="engine"/> says (as in <see cref="EvaluateRun"/>).
    /// </summary>
    public static PoseEvaluation EvaluateEnsemble(IReadOnlyList<string> runFolders, PoseDataset dataset, string split = "test", bool? flipTest = null,
        EvaluatorOptions? options = null, IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default,
        EngineOptions? engine = null)
    {
        ArgumentNullException.ThrowIfNull(runFolders);
        if (runFolders.Count < 2) throw new ArgumentException($"An ensemble needs at least two run folders; got {runFolders.Count}.", nameof(runFolders));
        if (split is "all" or "train")
            throw new ArgumentException($"An ensemble is scored on photos none of its members trained on: the test or val split, not '{split}'.");
        var images = EvaluationSplits.Images(runFolders[0], dataset, split);
        var scored = images.Select(i => i.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var folder in runFolders)
        {
            var file = Path.Combine(folder, "split.json");
            if (!File.Exists(file)) throw new FileNotFoundException($"{folder} has no split.json: an ensemble member must say which photos it learnt from.", file);
            var member = DatasetSplit.Load(file);
            // A test photo must be outside every member's train and validation photos (validation picked the kept epoch);
            // scoring the val split is already a model-selection figure, so there only training photos count.
            var seen = member.Train.Concat(split == "test" ? member.Val : []).Where(scored.Contains).ToArray();
            if (seen.Length > 0)
                throw new InvalidDataException($"{file}: {seen.Length} of the {split} photos of {runFolders[0]} are among this member's training or model-selection photos " +
                    $"(first: {seen[0]}); an ensemble is scored only on photos none of its members saw. Train the members on one split (the same split seed).");
        }
        var engineOptions = (engine ?? new EngineOptions()) with { FlipTest = flipTest ?? engine?.FlipTest };
        using var opened = PoseEngine.Open(runFolders, engineOptions);
        return new PoseEvaluator(opened, options).Evaluate(dataset, images, split, progress, cancellationToken);
    }

    /// <summary>Evaluates <paramref name="images"/> of <paramref name="dataset"/> (all of its images when null).</summary>
    public PoseEvaluation Evaluate(PoseDataset dataset, IReadOnlyList<LabeledImage>? images = null, string split = "all",
        IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var keypoints = engine.Model.Keypoints;
        if (!keypoints.SequenceEqual(dataset.Skeleton.Keypoints))
            throw new ArgumentException($"The model predicts [{string.Join(", ", keypoints)}] but the dataset at {dataset.Root} labels [{string.Join(", ", dataset.Skeleton.Keypoints)}]; evaluate a model on labels of its own skeleton.");
        var all = images ?? dataset.Images;
        var labelled = all.Where(i => i.IsLabeled).ToArray();
        var sigmas = SigmasFor(dataset);
        var metrics = options.Metrics with { Sigmas = sigmas };

        var photos = PredictFound(dataset, labelled, progress, cancellationToken);
        var foundCases = new List<EvaluationCase>();
        var caseRanges = new List<(int Start, int Count)>();
        for (var p = 0; p < photos.Count; p++)
        {
            var match = PhotoCases.Match(labelled[p].Instances, photos[p].Found?.Keypoints, photos[p].Found?.Score, sigmas.Values);
            caseRanges.Add((foundCases.Count, match.Cases.Count));
            foundCases.AddRange(match.Cases);
            photos[p] = photos[p] with { MatchedAnimal = match.Matched, MissedAnimals = match.Cases.Count(c => c.Prediction is null) };
        }
        var found = KeypointMetrics.Evaluate(keypoints, foundCases, metrics);
        for (var p = 0; p < photos.Count; p++)
        {
            var scored = found.Cases.Skip(caseRanges[p].Start).Take(caseRanges[p].Count).FirstOrDefault(c => c.Oks is not null);
            photos[p] = photos[p] with { MeanPxError = scored?.MeanPxError, Oks = scored?.Oks };
        }

        EvaluationReport? labelCrops = null;
        if (options.LabelCrops)
        {
            var cases = new List<EvaluationCase>();
            for (var p = 0; p < photos.Count; p++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var predictions = PredictLabelCrops(dataset, labelled[p], photos[p].Error is null, cancellationToken);
                photos[p] = photos[p] with { LabelCrops = predictions };
                cases.AddRange(labelled[p].Instances.Select((a, i) => (a, i)).Where(x => x.a.LabeledCount > 0).Select(x =>
                    new EvaluationCase(x.a.Keypoints, predictions[x.i]?.Keypoints, x.a.Box) { Score = predictions[x.i]?.Score }));
                progress?.Report(new EvaluationProgress(EvaluationCrops.Label, p + 1, photos.Count));
            }
            labelCrops = KeypointMetrics.Evaluate(keypoints, cases, metrics);
        }
        return new PoseEvaluation(found, labelCrops, photos)
        {
            Split = split, FlipTest = engine.FlipTest, RefinePasses = engine.Options.RefinePasses, LinkedPairs = engine.LinkedPairs,
            LinkMisfitNu = engine.Options.LinkMisfitNu, OffsetVoting = engine.OffsetVoting, QuarterTurns = engine.QuarterTurns, UnlabelledPhotos = all.Count - labelled.Length,
        };
    }

    /// <summary>The model card's sigmas when they were estimated from its training labels; else the dataset's repeated labels, else the default.</summary>
    private OksSigmas SigmasFor(PoseDataset dataset)
    {
        if (options.Metrics.Sigmas is { } given) return given;
        var card = engine.Model;
        if (card.OksSigmaSource != "default" && card.OksSigmas.Count == card.Keypoints.Count)
            return new OksSigmas(card.OksSigmas, $"from the model card ({card.OksSigmaSource})");
        return OksSigmas.For(dataset);
    }

    private List<PhotoEvaluation> PredictFound(PoseDataset dataset, IReadOnlyList<LabeledImage> images, IProgress<EvaluationProgress>? progress, CancellationToken cancellationToken)
    {
        var photos = new List<PhotoEvaluation>(images.Count);
        using var results = engine.PredictMany(images.Select(dataset.FullPath), cancellationToken).GetEnumerator();
        foreach (var image in images)
        {
            if (!results.MoveNext()) throw new InvalidOperationException($"The engine returned no result for {image.Path}.");
            var result = results.Current;
            photos.Add(new PhotoEvaluation(image, result.Prediction, result.Error));
            progress?.Report(new EvaluationProgress(EvaluationCrops.Found, photos.Count, images.Count));
        }
        return photos;
    }

    /// <summary>Each labelled animal predicted in the box of its labels (the labelled box, else the box around its labelled points; per view for a model with views).</summary>
    private PhotoPrediction?[] PredictLabelCrops(PoseDataset dataset, LabeledImage image, bool readable, CancellationToken cancellationToken)
    {
        var predictions = new PhotoPrediction?[image.Instances.Count];
        if (!readable) return predictions; // the found pass already named the photo's error; its animals are missed here too
        for (var i = 0; i < image.Instances.Count; i++)
        {
            var animal = image.Instances[i];
            if (animal.LabeledCount == 0) continue;
            predictions[i] = engine.PredictAroundLabels(dataset.FullPath(image), animal, cancellationToken);
        }
        return predictions;
    }
}

/// <summary>Which images of a run's split an evaluation scores, by name.</summary>
public static class EvaluationSplits
{
    public static IReadOnlyList<string> Names { get; } = ["test", "val", "train", "all"];

    /// <summary>The dataset images of <paramref name="split"/> in the run folder's split.json ("all": every image of the dataset).</summary>
    public static IReadOnlyList<LabeledImage> Images(string runFolder, PoseDataset dataset, string split)
    {
        if (split == "all") return dataset.Images;
        if (!Names.Contains(split)) throw new ArgumentException($"Unknown split '{split}': use {string.Join(", ", Names)}.");
        var file = Path.Combine(runFolder, "split.json");
        if (!File.Exists(file)) throw new FileNotFoundException($"{runFolder} has no split.json, so the {split} split is not known; use split \"all\" or a run folder from `newtpose train`.", file);
        return Images(DatasetSplit.Load(file), dataset, split, file);
    }

    /// <summary>The images a split lists, in its order; throws naming the first path the dataset lacks.</summary>
    public static IReadOnlyList<LabeledImage> Images(DatasetSplit split, PoseDataset dataset, string name, string? source = null)
    {
        var paths = name switch { "test" => split.Test, "val" => split.Val, "train" => split.Train, _ => throw new ArgumentException($"Unknown split '{name}'.") };
        var byPath = new Dictionary<string, LabeledImage>(StringComparer.Ordinal);
        foreach (var image in dataset.Images) byPath.TryAdd(image.Path, image);
        return paths.Select(p => byPath.TryGetValue(p, out var image) ? image
            : throw new ArgumentException($"The {name} split{(source is null ? "" : $" in {source}")} lists '{p}', which is not an image of the dataset at {dataset.Root}: evaluate with the labels the run was trained on.")).ToArray();
    }

    /// <summary>Whether the run scored with the flip test (its options.json); false when it does not say.</summary>
    public static bool FlipTestOf(string runFolder)
    {
        var file = Path.Combine(runFolder, "options.json");
        return File.Exists(file) && Training.TrainingOptions.Load(file).FlipTest;
    }
}
