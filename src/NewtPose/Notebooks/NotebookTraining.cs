using NewtPose.Data;
using NewtPose.Training;

namespace NewtPose.Notebooks;

/// <summary>
/// A small training run for notebooks that need a model but are not about training (notebook 05): the demo
/// configuration (bench/configs/demo.json: 128², 40 epochs, flip test) normally, a 64² two-epoch run in quick mode, into
/// <see cref="NotebookRuns.NewFolder(string, string)"/>.
/// </summary>
public static class NotebookTraining
{
    /// <summary>The options of <see cref="TrainSmall"/>: bench/configs/demo.json, shrunk in quick mode.</summary>
    public static TrainingOptions SmallOptions(string repositoryRoot)
    {
        var demo = TrainingOptions.Load(Path.Combine(repositoryRoot, "bench", "configs", "demo.json"));
        return Quick.Choose(full: demo, quick: demo with { InputWidth = 64, InputHeight = 64, Epochs = 2, BatchSize = 4, WarmupEpochs = 0 });
    }

    /// <summary>Trains <see cref="SmallOptions"/> on <paramref name="dataset"/> with its default split; returns the run folder.</summary>
    public static string TrainSmall(string repositoryRoot, string notebookName, PoseDataset dataset, IProgress<TrainingEvent>? progress = null)
    {
        var options = SmallOptions(repositoryRoot);
        var folder = NotebookRuns.NewFolder(repositoryRoot, notebookName);
        PoseTraining.Train(dataset, PoseTraining.DefaultSplit(dataset, options.Seed), options, folder, progress: progress);
        return folder;
    }
}
