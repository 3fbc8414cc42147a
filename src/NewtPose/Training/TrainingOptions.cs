using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using NewtPose.Augmentation;
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
/// (snake_case, every field, the augmentation field by field; docs/options.md), and <see cref="Load(string, TrainingOptions?)"/>
/// reads such a file back, or a partial one (what <c>--config FILE</c> passes) laid over a starting configuration.
/// The defaults are the configuration recommended for a lab dataset of ~100–200 photos on a CPU (bench/configs/full.json;
/// what `newtpose train` uses without --config): the ImageNet ResNet18 with a heatmap head at 224², batch 8, trunk
/// learning rate 10× below the head's, trunk BatchNorm frozen, the Default augmentation (full-circle rotation and flips:
/// belly photos come at any angle), a cosine schedule sized by the train set (<see cref="EpochsFor"/>: 60 epochs, more below
/// 134 train crops), the flip test when scoring, no early stopping.
/// docs/benchmarks-training.md and docs/benchmarks-accuracy.md have what they measured.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Backbone registry name, copied into the model spec.</summary>
    public string Backbone { get; init; } = "resnet18-imagenet";
    /// <summary>Head name ("heatmap" or "integral"), copied into the model spec.</summary>
    public string Head { get; init; } = "heatmap";
    public int InputWidth { get; init; } = 224;
    public int InputHeight { get; init; } = 224;
    /// <summary>Heatmap output stride relative to the input (<see cref="Models.PoseModelSpec.HeatmapStride"/>): 2, 4 or 8.</summary>
    public int HeatmapStride { get; init; } = 4;
    /// <summary>σ of the heatmap head's Gaussian target in heatmap cells (<see cref="Models.PoseModelSpec.HeatmapSigma"/>).</summary>
    public double HeatmapSigma { get; init; } = Models.PoseModelSpec.DefaultHeatmapSigma;
    public int BatchSize { get; init; } = 8;
    /// <summary>
    /// Epochs of the schedule. Null (the default) sizes it by the train set (<see cref="EpochsFor"/>); a number is trained
    /// exactly. The trainer resolves it before it starts, so a run folder's options.json records the epochs it trained.
    /// </summary>
    public int? Epochs { get; init; }
    /// <summary>
    /// The fewest epochs an unsized schedule trains (<see cref="Epochs"/> null), which is what a large train set trains.
    /// The recommended configuration's 60 at 224² costs the newts about the training time 80 epochs at 192² did, and was
    /// more accurate (docs/benchmarks-accuracy.md); a rig's configuration states its own (bench/configs/mouse-views-sized.json).
    /// </summary>
    public int MinEpochs { get; init; } = 60;
    /// <summary>
    /// The train crops an unsized schedule sees at least: a small train set trains for more epochs (25 photos: 320), which
    /// is what docs/benchmarks-accuracy.md measured to matter most with few labels.
    /// </summary>
    public const int SizedScheduleTrainCrops = 8000;

    /// <summary>
    /// The epochs a run on <paramref name="trainCrops"/> training crops (photos, or photos × views) trains: <see cref="Epochs"/>
    /// when given, else <see cref="MinEpochs"/> or as many as it takes to see <see cref="SizedScheduleTrainCrops"/> crops.
    /// </summary>
    public int EpochsFor(int trainCrops) =>
        Epochs ?? Math.Max(MinEpochs, (int)Math.Ceiling(SizedScheduleTrainCrops / (double)Math.Max(1, trainCrops)));

    /// <summary>These options with <see cref="Epochs"/> resolved for a train set of <paramref name="trainCrops"/> crops (<see cref="EpochsFor"/>).</summary>
    public TrainingOptions ForTrainSet(int trainCrops) => this with { Epochs = EpochsFor(trainCrops) };

    /// <summary>The schedule's epochs once resolved (<see cref="ForTrainSet"/>; the trainer does it).</summary>
    [JsonIgnore]
    internal int ScheduledEpochs => Epochs ?? throw new InvalidOperationException("The schedule is not sized yet: resolve the epochs with ForTrainSet(train crops) first.");
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
    /// <summary>
    /// How training samples are cropped and augmented (the record itself, stored field by field in options.json). A
    /// config file may name a preset instead (<c>"augmentation": "rig"</c>, see <see cref="AugmentationOptions.Preset"/>),
    /// which is resolved into the record when the file is read.
    /// </summary>
    public AugmentationOptions Augmentation { get; init; } = AugmentationOptions.Default;
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
    public int EarlyStoppingPatience { get; init; }
    /// <summary>Background threads preparing batches (decode + augment); 0 prepares them on the training thread.</summary>
    public int Workers { get; init; } = 1;
    /// <summary>
    /// Score validation and the final test with the flip test (each crop's prediction averaged with its mirror's, left/right
    /// names swapped). Only for models trained with horizontal flips (the trainer refuses it otherwise); twice the evaluation compute.
    /// </summary>
    public bool FlipTest { get; init; } = true;
    /// <summary>
    /// A run folder whose best weights (model.weights) the network starts from instead of its own initialisation:
    /// the retrain step of a refinement round. Its backbone, head, input size and keypoints must be these options' and the
    /// labels'. Null: start from the backbone's own (e.g. ImageNet) weights.
    /// </summary>
    public string? InitFrom { get; init; }
    /// <summary>
    /// The views of a multi-view rig (<see cref="ViewRegion"/>: e.g. the top and bottom views of a mirror rig), each
    /// cropped, trained and predicted on its own keypoints; null or empty for one view of the whole photo. Written to
    /// options.json only when set.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ViewRegion>? Views { get; init; }
    /// <summary>Write checkpoints/last.ckpt after every epoch (needed to resume after a kill); otherwise only at the end.</summary>
    public bool CheckpointEveryEpoch { get; init; } = true;
    /// <summary>
    /// Keep checkpoints/last.ckpt (weights and optimizer state) when the run finishes. Off by default: a finished run keeps
    /// its model (model.json + model.weights) and the training state only, a third of the checkpoint's size.
    /// Housekeeping only: a resume may change it.
    /// </summary>
    public bool KeepCheckpoints { get; init; }

    /// <summary>Whether <see cref="Augmentation"/> ever mirrors a photo left/right (what the flip test relies on).</summary>
    [JsonIgnore]
    public bool TrainsWithHorizontalFlips => Augmentation.HorizontalFlipProbability > 0;

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid setting.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        void Check(bool ok, string problem) { if (!ok) problems.Add(problem); }
        Check(!string.IsNullOrWhiteSpace(Backbone), "backbone is empty");
        Check(!string.IsNullOrWhiteSpace(Head), "head is empty");
        Check(InputWidth >= 8 && InputHeight >= 8, $"input size {InputWidth}x{InputHeight} is below 8 px");
        Check(Models.PoseModelSpec.HeatmapStrides.Contains(HeatmapStride), $"heatmap_stride {HeatmapStride} must be one of {string.Join(", ", Models.PoseModelSpec.HeatmapStrides)}");
        Check(HeatmapSigma >= Models.PoseModelSpec.MinHeatmapSigma && HeatmapSigma <= Models.PoseModelSpec.MaxHeatmapSigma,
            FormattableString.Invariant($"heatmap_sigma {HeatmapSigma} must be in [{Models.PoseModelSpec.MinHeatmapSigma}, {Models.PoseModelSpec.MaxHeatmapSigma}] heatmap cells"));
        Check(Head != "integral" || HeatmapSigma == Models.PoseModelSpec.DefaultHeatmapSigma, $"heatmap_sigma {HeatmapSigma} is set, but the integral head trains on no Gaussian target (leave it at {Models.PoseModelSpec.DefaultHeatmapSigma})");
        Check(BatchSize >= 1, $"batch_size {BatchSize} must be at least 1");
        Check(Epochs is null or >= 1, $"epochs {Epochs} must be at least 1");
        Check(MinEpochs >= 1, $"min_epochs {MinEpochs} must be at least 1");
        // An unsized schedule trains at least MinEpochs, so the bounds below hold for every train set.
        var fewestEpochs = Epochs ?? MinEpochs;
        Check(LearningRate > 0 && double.IsFinite(LearningRate), $"learning_rate {LearningRate} must be positive");
        Check(BackboneLearningRateFactor >= 0 && BackboneLearningRateFactor <= 10, $"backbone_learning_rate_factor {BackboneLearningRateFactor} must be in [0, 10]");
        Check(WarmupEpochs >= 0 && WarmupEpochs <= fewestEpochs, $"warmup_epochs {WarmupEpochs} must be in [0, epochs]");
        Check(MinLearningRateFactor >= 0 && MinLearningRateFactor <= 1, $"min_learning_rate_factor {MinLearningRateFactor} must be in [0, 1]");
        Check(StepEveryEpochs >= 1, $"step_every_epochs {StepEveryEpochs} must be at least 1");
        Check(StepGamma > 0 && StepGamma <= 1, $"step_gamma {StepGamma} must be in (0, 1]");
        Check(WeightDecay >= 0, $"weight_decay {WeightDecay} must not be negative");
        Check(FreezeBackboneEpochs >= 0 && FreezeBackboneEpochs <= fewestEpochs, $"freeze_backbone_epochs {FreezeBackboneEpochs} must be in [0, epochs]");
        Check(Threads >= 1, $"threads {Threads} must be at least 1");
        Check(Device is not null && (Device == "auto" || Device == "cpu" || Device.StartsWith("cuda", StringComparison.Ordinal)), $"device '{Device}' must be auto, cpu or cuda[:N]");
        Check(EarlyStoppingPatience >= 0, $"early_stopping_patience {EarlyStoppingPatience} must not be negative");
        Check(Workers >= 0 && Workers <= 64, $"workers {Workers} must be in [0, 64]");
        foreach (var view in Views ?? [])
            try { (view ?? throw new ArgumentException("a view is null")).Validate(); }
            catch (ArgumentException e) { problems.Add("views: " + e.Message.TrimEnd('.')); }
        if (Augmentation is null) problems.Add("augmentation is missing");
        else
            try { Augmentation.Validate(); }
            catch (ArgumentException e) { problems.Add("augmentation: " + e.Message.TrimEnd('.')); }
        if (problems.Count > 0) throw new ArgumentException("Invalid training options: " + string.Join("; ", problems) + ".");
    }

    internal static JsonSerializerOptions Json => TrainingOptionsJson.Options;

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Writes the options as snake_case JSON, atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    /// <summary>
    /// Reads options from a JSON file laid over <paramref name="start"/> (default: <c>new TrainingOptions()</c>, the
    /// recommended configuration) field by field: a field the file names replaces the start's, a field it leaves out keeps
    /// the start's (inside "augmentation" too). See <see cref="Layer"/> for the two settings that follow others. Unknown
    /// fields, bad values and invalid settings are <see cref="DatasetFormatException"/>s naming the file and the field.
    /// </summary>
    public static TrainingOptions Load(string path, TrainingOptions? start = null) => TrainingOptionsJson.Load(path, start ?? new TrainingOptions());

    /// <summary>
    /// <paramref name="overrides"/> (snake_case fields, as in options.json; "augmentation" may be a preset name) laid over
    /// these options field by field; <paramref name="source"/> names where they came from in errors (a file, "the command line").
    /// Two settings follow others unless the overrides set them too: a new augmentation that never flips turns the flip test
    /// off, and fewer epochs than the warm-up shorten the warm-up.
    /// </summary>
    public TrainingOptions Layer(JsonObject overrides, string source) => TrainingOptionsJson.Layer(this, overrides, source);
}
