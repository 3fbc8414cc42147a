using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Data.Splits;
using NewtPose.Imaging;
using NewtPose.Models;

namespace NewtPose.Training;

/// <summary>
/// The one call that trains a registry model on a dataset (what `newtpose train` and `newtpose demo` run):
/// <code>
/// var dataset = PoseData.Load("data-samples/newts/annotations.json");
/// var split = PoseTraining.DefaultSplit(dataset, seed: 42);
/// var result = PoseTraining.Train(dataset, split, TrainingOptions.Load("bench/configs/demo.json"), "runs/newts-01");
/// RunReport.Write("runs/newts-01", dataset, result);
/// </code>
/// The sampler is a <see cref="PoseSampler"/> over the dataset with the options' augmentation preset, so every photo is
/// decoded once, at the reduced scale its crop needs, into an <see cref="ImageCache"/>.
/// </summary>
public static class PoseTraining
{
    /// <summary>
    /// The configuration recommended for a lab dataset of ~100–200 photos on a CPU (bench/configs/full.json; what
    /// `newtpose train` uses without --config): the ImageNet ResNet18 with a heatmap head at 192², batch 8, trunk learning
    /// rate 10× below the head's, trunk BatchNorm frozen, full-circle rotation and flips (belly photos come at any angle),
    /// 80 epochs on a cosine schedule, the flip test when scoring. Sized by optimizer steps (about 1400
    /// on 140 training photos), about 22 minutes on 2 idle cores. docs/benchmarks-training.md has what it and the demo
    /// configuration measured.
    /// </summary>
    public static TrainingOptions Recommended { get; } = new()
    {
        Backbone = "resnet18-imagenet", Head = "heatmap", InputWidth = 192, InputHeight = 192, BatchSize = 8, Epochs = 80,
        LearningRate = 1e-3, BackboneLearningRateFactor = 0.1, WarmupEpochs = 1, Augmentation = "default",
        FreezeBackboneNormalization = true, EarlyStoppingPatience = 0, Seed = 42, Threads = 2, Workers = 1, FlipTest = true,
    };

    /// <summary>Validation share of the default split.</summary>
    public const double DefaultValFraction = 0.15;
    /// <summary>Test share of the default split.</summary>
    public const double DefaultTestFraction = 0.15;

    /// <summary>
    /// The split used when none is given: seeded, 70 / 15 / 15 % of the labelled images, whole individuals to one side
    /// when the annotations name individuals (the photos of one animal share its pattern: splitting them by photo would
    /// leak the test set into training).
    /// </summary>
    public static DatasetSplit DefaultSplit(PoseDataset dataset, int seed)
    {
        var byIndividual = dataset.Images.Where(i => i.IsLabeled)
            .All(i => i.Instances.Any(p => !string.IsNullOrEmpty(p.Individual ?? p.Attributes.GetValueOrDefault("individual"))));
        return DatasetSplitter.Split(dataset, new SplitOptions(seed, DefaultValFraction, DefaultTestFraction, byIndividual ? "individual" : null));
    }

    /// <summary>Whether the options' augmentation preset flips photos horizontally (what the flip test relies on).</summary>
    public static bool TrainsWithHorizontalFlips(TrainingOptions options) =>
        AugmentationOptions.Preset(options.Augmentation).HorizontalFlipProbability > 0;

    /// <summary>
    /// Trains (or, with <paramref name="resume"/>, continues) a run: checks that every image file is there, builds the
    /// sampler and the network from the options and writes the run folder (<see cref="RunFolder"/>).
    /// </summary>
    public static TrainingResult Train(PoseDataset dataset, DatasetSplit split, TrainingOptions options, string runFolder,
        bool resume = false, IProgress<TrainingEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        DatasetPaths.RequireImageFiles(dataset);
        options.Validate();
        if (options.FlipTest && !TrainsWithHorizontalFlips(options))
            throw new ArgumentException($"flip_test is on but augmentation '{options.Augmentation}' never flips horizontally: a model that never saw a mirror cannot be scored with the flip test. Set flip_test to false or choose a preset with flips.");
        var sampler = new PoseSampler(dataset, options.InputWidth, options.InputHeight, AugmentationOptions.Preset(options.Augmentation));
        var trainer = new Trainer(options, dataset, split, spec => PoseModels.Create(spec), sampler);
        return resume ? trainer.Resume(runFolder, progress, cancellationToken) : trainer.Train(runFolder, progress, cancellationToken);
    }
}
