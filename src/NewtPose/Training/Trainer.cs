using System.Text.Json;
using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Data.Splits;
using NewtPose.Inference;
using NewtPose.IO;
using NewtPose.Models;
using NewtPose.Runtime;
using TorchSharp;

namespace NewtPose.Training;

/// <summary>
/// Trains a <see cref="PoseNetwork"/> on a dataset split and writes a run folder (<see cref="RunFolder"/>). The one
/// training entry point: the CLI, the notebooks and the benchmarks all come through here, so they all get the same
/// checks before anything is written (valid options, disjoint split, every photo of the split on disk, no flip test for
/// a model trained without flips).
/// <code>
/// var options = TrainingOptions.Load("bench/configs/demo.json");        // or new TrainingOptions(): the recommended configuration
/// var trainer = new Trainer(options, dataset, PoseTraining.DefaultSplit(dataset, options.Seed));
/// var result = trainer.Train("runs/newts-01", progress, cancellationToken);   // or trainer.Resume("runs/newts-01")
/// using var model = PoseModels.Load("runs/newts-01");                         // the best epoch's weights
/// </code>
/// That builds the registry model the options name and a <see cref="PoseSampler"/> with the options' augmentation; the
/// other constructor takes any network factory and sampler (a caller's own network, photos held in memory).
/// The network built for the run is disposed at the end; the best weights are in the run folder as model.json +
/// model.weights (<see cref="Models.PoseModels.Load"/>).
/// </summary>
public sealed class Trainer
{
    // Normalisation for networks that are not in the backbone catalog (a caller's own network): torchvision's ImageNet statistics.
    private static readonly float[] DefaultMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] DefaultStd = [0.229f, 0.224f, 0.225f];

    private readonly TrainingOptions options;
    private readonly PoseDataset dataset;
    private readonly DatasetSplit split;
    private readonly Func<PoseModelSpec, PoseNetwork> createNetwork;
    private readonly IPoseSampler sampler;
    private readonly SplitItems data;

    /// <summary>Trains the registry model the options name, with a <see cref="PoseSampler"/> over the dataset's photos and the options' augmentation.</summary>
    public Trainer(TrainingOptions options, PoseDataset dataset, DatasetSplit split)
        : this(options, dataset, split, spec => PoseModels.Create(spec), DefaultSampler(options, dataset))
    {
    }

    /// <param name="options">Validated here; never changed, except that an unsized schedule (<see cref="TrainingOptions.Epochs"/> null) is sized by the train set (<see cref="Options"/>).</param>
    /// <param name="dataset">Images and labels; split paths refer to its <see cref="LabeledImage.Path"/>.</param>
    /// <param name="split">Train, validation and (optional) test images: what `newtpose split` writes, or <see cref="DatasetSplit.FromLists"/>.</param>
    /// <param name="createNetwork">Builds the network for <see cref="SpecFor"/>'s spec (the trainer owns and disposes it).</param>
    /// <param name="sampler">
    /// Reads the pixels and crops/augments to the input size of the options. A <see cref="PoseSampler"/> must augment as
    /// <see cref="TrainingOptions.Augmentation"/> says (that is what options.json records), and then the split's photos
    /// must be on disk.
    /// </param>
    public Trainer(TrainingOptions options, PoseDataset dataset, DatasetSplit split, Func<PoseModelSpec, PoseNetwork> createNetwork, IPoseSampler sampler)
    {
        options.Validate();
        SplitItems.CheckDisjoint(split);
        // A catalog backbone's spec checks what the options cannot alone (input sides in multiples of 32, the head's name).
        _ = SpecFor(options, dataset.Skeleton);
        if (options.Views is { Count: > 0 } views) ViewRegions.Owners(views, dataset.Skeleton);
        if (options.FlipTest && !options.TrainsWithHorizontalFlips)
            throw new ArgumentException("flip_test is on but the augmentation never flips photos horizontally (horizontal_flip_probability 0): " +
                                        "a model that never saw a mirror cannot be scored with the flip test. Set flip_test to false, or train with flips.");
        if (sampler is PoseSampler poseSampler)
        {
            if (poseSampler.Options != options.Augmentation)
                throw new ArgumentException("The sampler augments differently from options.augmentation, which the run folder's options.json would record: " +
                                            "build the sampler from options.Augmentation, or use new Trainer(options, dataset, split).");
            var inSplit = split.Train.Concat(split.Val).Concat(split.Test).ToHashSet(StringComparer.Ordinal);
            DatasetPaths.RequireImageFiles(dataset with { Images = dataset.Images.Where(i => inSplit.Contains(i.Path)).ToList() });
        }
        data = SplitItems.From(dataset, split, options.Views);
        // An unsized schedule is sized here, once, so options.json and a resume see the epochs trained.
        this.options = options.ForTrainSet(data.Train.Count);
        this.dataset = dataset;
        this.split = split;
        this.createNetwork = createNetwork;
        this.sampler = sampler;
    }

    /// <summary>The options this trainer trains with: the given ones, the schedule's epochs resolved (<see cref="TrainingOptions.ForTrainSet"/>).</summary>
    public TrainingOptions Options => options;

    private static PoseSampler DefaultSampler(TrainingOptions options, PoseDataset dataset)
    {
        options.Validate();
        return new PoseSampler(dataset, options.InputWidth, options.InputHeight, options.Augmentation);
    }

    /// <summary>
    /// The model spec a run of these options on this skeleton asks the network factory for. A catalog backbone brings
    /// its own input normalisation (<see cref="PoseModels.Spec"/>: e.g. the CNTK ImageNet ResNet18 wants 0–255 minus
    /// channel means); a name the catalog does not know (a caller's own network) gets torchvision's ImageNet statistics.
    /// </summary>
    public static PoseModelSpec SpecFor(TrainingOptions options, Skeleton skeleton)
    {
        var pairs = skeleton.SwapPairs.Select(p => new[] { p.Left, p.Right }).ToArray();
        var spec = PoseModels.Names.Any(b => b.Name == options.Backbone)
            ? PoseModels.Spec(options.Backbone, skeleton.Keypoints, options.InputWidth, options.InputHeight, options.Head, pairs)
            : new(options.Backbone, options.Head, options.InputWidth, options.InputHeight, skeleton.Keypoints, pairs, DefaultMean.ToArray(), DefaultStd.ToArray());
        return spec with { HeatmapStride = options.HeatmapStride, HeatmapSigma = options.HeatmapSigma };
    }

    /// <summary>Starts a new run in <paramref name="runFolder"/> (which must not hold one yet).</summary>
    public TrainingResult Train(string runFolder, IProgress<TrainingEvent>? progress = null, CancellationToken cancellationToken = default) =>
        Run(new RunFolder(runFolder), resume: false, progress, cancellationToken);

    /// <summary>
    /// Continues a run after the last completed epoch in checkpoints/last.ckpt (weights, optimizer state, history), with
    /// the same schedule; options and split must equal the ones the run folder recorded.
    /// </summary>
    public TrainingResult Resume(string runFolder, IProgress<TrainingEvent>? progress = null, CancellationToken cancellationToken = default) =>
        Run(new RunFolder(runFolder), resume: true, progress, cancellationToken);

    private TrainingResult Run(RunFolder run, bool resume, IProgress<TrainingEvent>? progress, CancellationToken cancellationToken)
    {
        if (data.Train.Count == 0) throw new ArgumentException("The train split holds no labelled animal; there is nothing to learn from.");
        if (resume) CheckResumable(run);

        TorchRuntime.EnsureLoaded();
        var device = TorchRuntime.ResolveDevice(options.Device);
        torch.set_num_threads(options.Threads);
        torch.manual_seed(options.Seed);
        using var network = createNetwork(SpecFor(options, dataset.Skeleton));
        if (options.InitFrom is { } initFrom) StartFrom(network, initFrom);
        network.to(device);
        using var optimizer = TrainingSession.BuildOptimizer(network, options);

        if (!resume) StartRun(run);
        var state = resume && File.Exists(run.LastCheckpoint) ? Checkpoint.Load(run.LastCheckpoint, network, optimizer) : TrainingState.Start;
        run.Log(resume
            ? $"resume after epoch {state.Epoch} of {options.ScheduledEpochs}"
            : $"start: {data.Train.Count} train, {data.Validation.Count} validation, {data.Test.Count} test animals; device {device}, {options.Threads} threads");

        var session = new TrainingSession(options, network, CardFor(network.Spec), optimizer, run, data, dataset, new PipelineSettings(sampler, network.Spec,
            options.BatchSize, options.Workers, options.Seed, Augment: true), progress, cancellationToken);
        state = session.TrainEpochs(state);
        var result = session.Finish(state);
        // The model (model.json + model.weights) is what a finished run is for; the last epoch's weights and optimizer
        // state only served a resume, which a finished run no longer needs.
        if (!options.KeepCheckpoints) Checkpoint.SaveState(run.LastCheckpoint, network.Spec, state);
        return result;
    }

    /// <summary>
    /// The model card saved beside the weights: what the sampler cropped and mirrored (a <see cref="PoseSampler"/> says;
    /// a caller's own sampler leaves the crop policy at its default and the flips "not recorded"), the skeleton, and a
    /// rig's views with the links between them.
    /// </summary>
    private ModelCard CardFor(PoseModelSpec spec)
    {
        var card = ModelCard.Describe(spec, dataset.Skeleton, (sampler as PoseSampler)?.Options);
        if (options.Views is not { Count: > 0 } views) return card;
        // The links come from the train side's labels only: validation and test frames are scored with them.
        var train = split.Train.ToHashSet(StringComparer.Ordinal);
        var links = ViewLinkFit.Fit(views, dataset.Skeleton, dataset.Images.Where(i => train.Contains(i.Path)));
        return card with { Views = views, ViewLinks = links.Count > 0 ? links : null };
    }

    /// <summary>Loads an earlier run's best weights (its model.json + model.weights) into the new network (<see cref="TrainingOptions.InitFrom"/>), refusing a model of another shape.</summary>
    private static void StartFrom(PoseNetwork network, string folder)
    {
        var earlierRun = new RunFolder(folder);
        if (!File.Exists(earlierRun.ModelFile) || !File.Exists(earlierRun.ModelWeights))
            throw new FileNotFoundException($"init_from {folder}: no training run there ({earlierRun.ModelFile} or {earlierRun.ModelWeights} not found).", earlierRun.ModelWeights);
        // The network itself checks that the weights fit; the spec is read to name what differs (a caller's own backbone too).
        var earlier = PoseModels.ParseSpec(File.ReadAllText(earlierRun.ModelFile), earlierRun.ModelFile, registeredOnly: false);
        var spec = network.Spec;
        var differences = new List<string>();
        if (earlier.Backbone != spec.Backbone) differences.Add($"backbone {earlier.Backbone} vs {spec.Backbone}");
        if (earlier.Head != spec.Head) differences.Add($"head {earlier.Head} vs {spec.Head}");
        if (earlier.HeatmapStride != spec.HeatmapStride) differences.Add($"heatmap stride {earlier.HeatmapStride} vs {spec.HeatmapStride}");
        if ((earlier.InputWidth, earlier.InputHeight) != (spec.InputWidth, spec.InputHeight)) differences.Add($"input {earlier.InputWidth}x{earlier.InputHeight} vs {spec.InputWidth}x{spec.InputHeight}");
        if (!earlier.Keypoints.SequenceEqual(spec.Keypoints)) differences.Add($"keypoints ({string.Join(", ", earlier.Keypoints)}) vs ({string.Join(", ", spec.Keypoints)})");
        if (differences.Count > 0)
            throw new InvalidOperationException($"init_from {folder}: that model differs from this run's ({string.Join("; ", differences)}); train it with the same backbone, head, heatmap stride, input size and keypoints, or leave init_from out.");
        try { network.load(earlierRun.ModelWeights); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            throw new InvalidDataException($"init_from {earlierRun.ModelWeights}: the weights do not fit this run's network ({e.Message}).", e);
        }
    }

    private void StartRun(RunFolder run)
    {
        if (File.Exists(run.LastCheckpoint) || File.Exists(run.MetricsCsv) || File.Exists(run.OptionsFile))
            throw new InvalidOperationException($"{run.Path} already holds a training run: resume it, or train into a new folder.");
        Directory.CreateDirectory(Path.GetDirectoryName(run.LastCheckpoint)!);
        options.Save(run.OptionsFile);
        split.Save(run.SplitFile);
    }

    private void CheckResumable(RunFolder run)
    {
        if (!File.Exists(run.OptionsFile)) throw new InvalidOperationException($"{run.Path} holds no training run to resume (no options.json).");
        var saved = TrainingOptions.Load(run.OptionsFile);
        // keep_checkpoints only decides what is left when the run ends: a resume may change it.
        // Compared as options.json (the lists inside, e.g. views, have no value equality).
        if ((saved with { KeepCheckpoints = options.KeepCheckpoints }).ToJson() != options.ToJson())
            throw new InvalidOperationException($"{run.OptionsFile} differs from the options given; a resumed run must use the options it started with (load them with TrainingOptions.Load).");
        if (DatasetSplit.Load(run.SplitFile).ToJson() != split.ToJson())
            throw new InvalidOperationException($"{run.SplitFile} differs from the split given; a resumed run must use the split it started with.");
        if (File.Exists(run.LastCheckpoint) && Checkpoint.ReadState(run.LastCheckpoint) is { } state && state.IsFinished(options))
            throw new InvalidOperationException($"{run.Path} is a finished run: it trained {state.Epoch} of {options.ScheduledEpochs} epochs" +
                (state.StoppedEarly ? " and stopped early" : "") + $" (best epoch {state.BestEpoch}); there is nothing to resume. " +
                "Its model is model.json + model.weights and its scores are in metrics.json; to train more, start a new run in another folder.");
    }
}
