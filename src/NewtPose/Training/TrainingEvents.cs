using NewtPose.Evaluation;

namespace NewtPose.Training;

/// <summary>Everything the trainer reports, through one <see cref="IProgress{T}"/> stream (console bar, notebook chart, log).</summary>
public abstract record TrainingEvent;

/// <summary>An epoch begins; <paramref name="LearningRate"/> is the head's rate at its first step.</summary>
public sealed record EpochStarted(int Epoch, int Epochs, int Batches, double LearningRate, bool BackboneFrozen) : TrainingEvent;

/// <summary>One optimizer step finished; <paramref name="ImagesPerSecond"/> counts since the epoch began.</summary>
public sealed record BatchCompleted(int Epoch, int Batch, int Batches, double Loss, double ImagesPerSecond) : TrainingEvent;

/// <summary>An epoch finished and was validated.</summary>
public sealed record EpochCompleted(EpochRecord Record) : TrainingEvent;

/// <summary>A checkpoint file was written (atomically).</summary>
public sealed record Checkpointed(int Epoch, CheckpointKind Kind, string Path) : TrainingEvent;

/// <summary>Validation stopped improving for the patience given in the options.</summary>
public sealed record EarlyStopped(int Epoch, int BestEpoch, double BestValidationError) : TrainingEvent;

/// <summary>Training and the final evaluation are done.</summary>
public sealed record Finished(TrainingResult Result) : TrainingEvent;

public enum CheckpointKind { Best, Last }

/// <summary>One row of metrics.csv / one entry of metrics.json's "epochs".</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="TrainLoss">Mean head loss over the epoch's batches.</param>
/// <param name="LearningRate">Head learning rate at the epoch's last step.</param>
/// <param name="BackboneLearningRate">Backbone learning rate at the epoch's last step (0 while frozen).</param>
/// <param name="Validation">Validation metrics in source pixels on label crops (each animal cropped around its own labels: fast, and
/// optimistic next to the final found-crop figure); null without a validation set.</param>
/// <param name="Seconds">Wall time of training and validation (not in metrics.csv, which stays reproducible).</param>
/// <param name="ImagesPerSecond">Training throughput.</param>
public sealed record EpochRecord(int Epoch, double TrainLoss, double LearningRate, double BackboneLearningRate,
    PointStatistics? Validation, double Seconds, double ImagesPerSecond);

/// <summary>What a finished run produced.</summary>
/// <param name="RunFolder">The run folder (options.json, split.json, metrics, checkpoints, train.log).</param>
/// <param name="EpochsCompleted">Epochs trained in total (a resumed run counts the earlier ones).</param>
/// <param name="BestEpoch">Epoch of the kept model (model.json + model.weights).</param>
/// <param name="BestValidationError">Validation mean pixel error of the best epoch; null without validation.</param>
/// <param name="StoppedEarly">True when early stopping ended the run.</param>
/// <param name="FinalSplit">"test", "validation" or "train": which images the final report is computed on.</param>
/// <param name="Final">Metrics of the best checkpoint on <paramref name="FinalSplit"/> with the animal found by the model (the honest
/// figure: what a new photo gets), also in metrics.json.</param>
public sealed record TrainingResult(string RunFolder, int EpochsCompleted, int BestEpoch, double? BestValidationError,
    bool StoppedEarly, string FinalSplit, EvaluationReport Final)
{
    /// <summary>Every epoch of the run (a resumed run includes the earlier ones), as in metrics.csv.</summary>
    public IReadOnlyList<EpochRecord> History { get; init; } = [];

    /// <summary>The same photos cropped around their labels (metrics.json's <c>label_crops</c>): the gap to <see cref="Final"/> is the cost of finding the animal.</summary>
    public EvaluationReport? FinalLabelCrops { get; init; }

    /// <summary>How the animals of <see cref="Final"/> were cropped: "found" (by the model), or "label crops" for a network whose head the engine cannot decode.</summary>
    public string FinalCrop { get; init; } = EvaluationCrops.Found;

    /// <summary>The whole final evaluation (every photo's prediction, for reports); null on results not made by the trainer.</summary>
    public PoseEvaluation? Evaluation { get; init; }
}
