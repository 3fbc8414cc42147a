using NewtPose.Data;
using NewtPose.Data.Splits;

namespace NewtPose.Training;

/// <summary>
/// Shortcuts around <see cref="Trainer"/> for the common case (what `newtpose train` and `newtpose demo` run):
/// <code>
/// var dataset = PoseData.Load("data-samples/newts/annotations.json");
/// var split = PoseTraining.DefaultSplit(dataset, seed: 42);
/// var result = PoseTraining.Train(dataset, split, TrainingOptions.Load("bench/configs/demo.json"), "runs/newts-01");
/// RunReport.Write("runs/newts-01", dataset, result);
/// </code>
/// </summary>
public static class PoseTraining
{
    /// <summary>
    /// The configuration recommended for a lab dataset of ~100–200 photos on a CPU: the defaults of
    /// <see cref="TrainingOptions"/> (one set of defaults; bench/configs/full.json holds the same, field by field).
    /// </summary>
    public static TrainingOptions Recommended { get; } = new();

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
        // Pseudo-labels name no individual and go to train anyway: the labelled photos alone decide the grouping.
        var byIndividual = dataset.Images.Where(i => i.IsLabeled && !i.IsPseudoLabelled)
            .All(i => i.Instances.Any(p => !string.IsNullOrEmpty(p.Individual ?? p.Attributes.GetValueOrDefault("individual"))));
        return DatasetSplitter.Split(dataset, new SplitOptions(seed, DefaultValFraction, DefaultTestFraction, byIndividual ? "individual" : null));
    }

    /// <summary>
    /// Trains (or, with <paramref name="resume"/>, continues) a run through <see cref="Trainer"/>, which checks the
    /// options, the split and the image files before it writes the run folder (<see cref="RunFolder"/>).
    /// </summary>
    public static TrainingResult Train(PoseDataset dataset, DatasetSplit split, TrainingOptions options, string runFolder,
        bool resume = false, IProgress<TrainingEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        var trainer = new Trainer(options, dataset, split);
        return resume ? trainer.Resume(runFolder, progress, cancellationToken) : trainer.Train(runFolder, progress, cancellationToken);
    }
}
