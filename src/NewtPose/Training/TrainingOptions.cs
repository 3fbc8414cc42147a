using System.Text.Json;
using System.Text.Json.Serialization;
using NewtPose.Data;
using NewtPose.IO;

namespace NewtPose.Training;

/// <summary>How the learning rate moves after the linear warm-up.</summary>
public enum LearningRateScheduleKind
{
    /// <summary>Cosine decay from the base rate to <see cref="TrainingOptions.MinLearningRateFactor"/> × base at the last step.</summary>
    Cosine,
    /// <summary>Multiply by <see cref="TrainingOptions.StepGamma"/> every <see cref="TrainingOptions.StepEveryEpochs"/> epochs.</summary>
    Step,
}

/// <summary>
/// Everything that decides a training run. The trainer never changes it; it is written to the run folder as options.json
/// (snake_case), and <see cref="Load"/> reads such a file back (what <c>--config FILE</c> passes).
/// Defaults follow the fine-tuning lessons in the platform notes: head LR 1e-3, trunk 10× lower, trunk BatchNorm frozen.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Backbone registry name, copied into the model spec.</summary>
    public string Backbone { get; init; } = "resnet18-imagenet";
    /// <summary>Head name ("heatmap" or "integral"), copied into the model spec.</summary>
    public string Head { get; init; } = "heatmap";
    public int InputWidth { get; init; } = 256;
    public int InputHeight { get; init; } = 256;
    public int BatchSize { get; init; } = 8;
    public int Epochs { get; init; } = 50;
    /// <summary>Learning rate of the head (AdamW).</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Backbone learning rate = <see cref="LearningRate"/> × this (pretrained trunks collapse at the head's rate).</summary>
    public double BackboneLearningRateFactor { get; init; } = 0.1;
    public LearningRateScheduleKind Schedule { get; init; } = LearningRateScheduleKind.Cosine;
    /// <summary>Linear warm-up from ~0 to the base rate over this many epochs (counted in steps).</summary>
    public double WarmupEpochs { get; init; } = 1;
    /// <summary>Cosine schedule: the factor reached at the very last step.</summary>
    public double MinLearningRateFactor { get; init; } = 0.01;
    /// <summary>Step schedule: decay period in epochs.</summary>
    public int StepEveryEpochs { get; init; } = 20;
    /// <summary>Step schedule: multiplier applied at each period.</summary>
    public double StepGamma { get; init; } = 0.1;
    public double WeightDecay { get; init; } = 1e-4;
    /// <summary>Name of the augmentation preset the caller's sampler was built from (recorded, not interpreted here).</summary>
    public string Augmentation { get; init; } = "default";
    /// <summary>The backbone gets no updates during the first N epochs (the head settles first).</summary>
    public int FreezeBackboneEpochs { get; init; }
    /// <summary>Keep the backbone's BatchNorm running statistics frozen while training (recommended for small data).</summary>
    public bool FreezeBackboneNormalization { get; init; } = true;
    public int Seed { get; init; } = 42;
    /// <summary>libtorch intra-op threads; results are bit-identical only for the same count.</summary>
    public int Threads { get; init; } = 2;
    /// <summary>"auto", "cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; init; } = "auto";
    /// <summary>Stop after this many epochs without a better validation mean pixel error; 0 turns early stopping off.</summary>
    public int EarlyStoppingPatience { get; init; } = 10;
    /// <summary>Background threads preparing batches (decode + augment); 0 prepares them on the training thread.</summary>
    public int Workers { get; init; } = 2;
    /// <summary>
    /// Score validation and the final test with the flip test (each crop's prediction averaged with its mirror's, left/right
    /// names swapped). Only for models trained with horizontal flips; twice the evaluation compute.
    /// </summary>
    public bool FlipTest { get; init; }
    /// <summary>
    /// A run folder whose best weights (checkpoints/best.ckpt) the network starts from instead of its own initialisation:
    /// the retrain step of a refinement round. Its backbone, head, input size and keypoints must be these options' and the
    /// labels'. Null: start from the backbone's own (e.g. ImageNet) weights.
    /// </summary>
    public string? InitFrom { get; init; }
    /// <summary>Write checkpoints/last.ckpt after every epoch (needed to resume after a kill); otherwise only at the end.</summary>
    public bool CheckpointEveryEpoch { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid setting.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        void Check(bool ok, string problem) { if (!ok) problems.Add(problem); }
        Check(!string.IsNullOrWhiteSpace(Backbone), "backbone is empty");
        Check(!string.IsNullOrWhiteSpace(Head), "head is empty");
        Check(InputWidth >= 8 && InputHeight >= 8, $"input size {InputWidth}x{InputHeight} is below 8 px");
        Check(BatchSize >= 1, $"batch_size {BatchSize} must be at least 1");
        Check(Epochs >= 1, $"epochs {Epochs} must be at least 1");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), $"learning_rate {LearningRate} must be positive");
        Check(BackboneLearningRateFactor >= 0 && BackboneLearningRateFactor <= 10, $"backbone_learning_rate_factor {BackboneLearningRateFactor} must be in [0, 10]");
        Check(WarmupEpochs >= 0 && WarmupEpochs <= Epochs, $"warmup_epochs {WarmupEpochs} must be in [0, epochs]");
        Check(MinLearningRateFactor >= 0 && MinLearningRateFactor <= 1, $"min_learning_rate_factor {MinLearningRateFactor} must be in [0, 1]");
        Check(StepEveryEpochs >= 1, $"step_every_epochs {StepEveryEpochs} must be at least 1");
        Check(StepGamma > 0 && StepGamma <= 1, $"step_gamma {StepGamma} must be in (0, 1]");
        Check(WeightDecay >= 0, $"weight_decay {WeightDecay} must not be negative");
        Check(FreezeBackboneEpochs >= 0 && FreezeBackboneEpochs <= Epochs, $"freeze_backbone_epochs {FreezeBackboneEpochs} must be in [0, epochs]");
        Check(Threads >= 1, $"threads {Threads} must be at least 1");
        Check(Device is not null && (Device == "auto" || Device == "cpu" || Device.StartsWith("cuda", StringComparison.Ordinal)), $"device '{Device}' must be auto, cpu or cuda[:N]");
        Check(EarlyStoppingPatience >= 0, $"early_stopping_patience {EarlyStoppingPatience} must not be negative");
        Check(Workers >= 0 && Workers <= 64, $"workers {Workers} must be in [0, 64]");
        if (problems.Count > 0) throw new ArgumentException("Invalid training options: " + string.Join("; ", problems) + ".");
    }

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        // A checkpoint taken before any validation stores an infinite best error.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Writes the options as snake_case JSON, atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    /// <summary>Reads options from JSON; missing fields keep their defaults, unknown fields and bad values are errors naming the file.</summary>
    public static TrainingOptions Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: training options file not found.", path);
        TrainingOptions? options;
        try
        {
            options = JsonSerializer.Deserialize<TrainingOptions>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException(path, e.Path is null ? null : $"line {e.LineNumber + 1}, field {e.Path}", e.Message, e);
        }
        if (options is null) throw new DatasetFormatException(path, null, "the file holds JSON null, not training options.");
        try { options.Validate(); }
        catch (ArgumentException e) { throw new DatasetFormatException(path, null, e.Message, e); }
        return options;
    }
}
