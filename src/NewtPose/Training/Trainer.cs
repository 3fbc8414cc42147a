using System.Text.Json;
using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.IO;
using NewtPose.Models;
using NewtPose.Runtime;
using TorchSharp;

namespace NewtPose.Training;

/// <summary>
/// Trains a <see cref="PoseNetwork"/> on a dataset split and writes a run folder (<see cref="RunFolder"/>). The network
/// and the sampler come from the caller, so any registered model and augmentation preset plug in:
/// <code>
/// var trainer = new Trainer(options, dataset, split, spec => registry.Create(spec), sampler);
/// var result = trainer.Train("runs/newts-01", progress, cancellationToken);   // or trainer.Resume("runs/newts-01")
/// </code>
/// The network built for the run is disposed at the end; the best weights are in checkpoints/best.ckpt
/// (<see cref="Checkpoint.ReadSpec"/> + <see cref="Checkpoint.LoadWeights"/>).
/// </summary>
public sealed class Trainer
{
    /// <summary>ImageNet channel statistics in [0, 1] units, the spec's default normalisation.</summary>
    public static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    public static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];

    private readonly TrainingOptions options;
    private readonly PoseDataset dataset;
    private readonly TrainingSplit split;
    private readonly Func<PoseModelSpec, PoseNetwork> createNetwork;
    private readonly IPoseSampler sampler;
    private readonly IImageSource images;

    /// <param name="options">Validated here; never changed.</param>
    /// <param name="dataset">Images and labels; split paths refer to its <see cref="LabeledImage.Path"/>.</param>
    /// <param name="split">Train, validation and (optional) test images.</param>
    /// <param name="createNetwork">Builds the network for <see cref="SpecFor"/>'s spec (the trainer owns and disposes it).</param>
    /// <param name="sampler">Crops/augments to the input size of the options.</param>
    /// <param name="images">Pixel source; decodes from disk by default.</param>
    public Trainer(TrainingOptions options, PoseDataset dataset, TrainingSplit split, Func<PoseModelSpec, PoseNetwork> createNetwork,
        IPoseSampler sampler, IImageSource? images = null)
    {
        options.Validate();
        split.CheckDisjoint();
        this.options = options;
        this.dataset = dataset;
        this.split = split;
        this.createNetwork = createNetwork;
        this.sampler = sampler;
        this.images = images ?? new DiskImageSource();
    }

    /// <summary>The model spec a run of these options on this skeleton asks the network factory for.</summary>
    public static PoseModelSpec SpecFor(TrainingOptions options, Skeleton skeleton) => new(
        options.Backbone, options.Head, options.InputWidth, options.InputHeight, skeleton.Keypoints,
        skeleton.SwapPairs.Select(p => new[] { p.Left, p.Right }).ToArray(), ImageNetMean.ToArray(), ImageNetStd.ToArray());

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
        var data = new SplitItems(
            TrainingSplit.Items(dataset, split.Train, "train"),
            TrainingSplit.Items(dataset, split.Validation, "validation"),
            TrainingSplit.Items(dataset, split.Test, "test"));
        if (data.Train.Count == 0) throw new ArgumentException("The train split holds no labelled animal; there is nothing to learn from.");

        TorchRuntime.EnsureLoaded();
        var device = TorchRuntime.ResolveDevice(options.Device);
        torch.set_num_threads(options.Threads);
        torch.manual_seed(options.Seed);
        using var network = createNetwork(SpecFor(options, dataset.Skeleton));
        network.to(device);
        using var optimizer = TrainingSession.BuildOptimizer(network, options);

        if (resume) CheckSameRun(run); else StartRun(run, network.Spec);
        var state = resume && File.Exists(run.LastCheckpoint) ? Checkpoint.Load(run.LastCheckpoint, network, optimizer) : TrainingState.Start;
        run.Log(resume
            ? $"resume after epoch {state.Epoch} of {options.Epochs}"
            : $"start: {data.Train.Count} train, {data.Validation.Count} validation, {data.Test.Count} test animals; device {device}, {options.Threads} threads");

        var session = new TrainingSession(options, network, optimizer, run, data, new PipelineSettings(images, sampler, network.Spec,
            options.BatchSize, options.Workers, options.Seed, Augment: true), progress, cancellationToken);
        state = session.TrainEpochs(state);
        return session.Finish(state);
    }

    private void StartRun(RunFolder run, PoseModelSpec spec)
    {
        if (File.Exists(run.LastCheckpoint) || File.Exists(run.MetricsCsv) || File.Exists(run.OptionsFile))
            throw new InvalidOperationException($"{run.Path} already holds a training run: resume it, or train into a new folder.");
        Directory.CreateDirectory(Path.GetDirectoryName(run.LastCheckpoint)!);
        options.Save(run.OptionsFile);
        split.Save(run.SplitFile);
        AtomicFile.WriteAllText(run.ModelFile, JsonSerializer.Serialize(spec, TrainingOptions.Json) + "\n");
    }

    private void CheckSameRun(RunFolder run)
    {
        if (!File.Exists(run.OptionsFile)) throw new InvalidOperationException($"{run.Path} holds no training run to resume (no options.json).");
        var saved = TrainingOptions.Load(run.OptionsFile);
        if (saved != options)
            throw new InvalidOperationException($"{run.OptionsFile} differs from the options given; a resumed run must use the options it started with (load them with TrainingOptions.Load).");
        var savedSplit = TrainingSplit.Load(run.SplitFile);
        string Json(TrainingSplit s) => JsonSerializer.Serialize(s, TrainingOptions.Json);
        if (Json(savedSplit) != Json(split))
            throw new InvalidOperationException($"{run.SplitFile} differs from the split given; a resumed run must use the split it started with.");
    }
}

/// <summary>The labelled animals of each part of the split.</summary>
internal sealed record SplitItems(IReadOnlyList<TrainingItem> Train, IReadOnlyList<TrainingItem> Validation, IReadOnlyList<TrainingItem> Test);
