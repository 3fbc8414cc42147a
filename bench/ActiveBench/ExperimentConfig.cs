using System.Text.Json;
using System.Text.Json.Nodes;
using NewtPose.Training;

/// <summary>
/// What decides the simulated experiment: the labels, the split, the seeds, how many photos start labelled and how many
/// each round reveals, and the training of every round. Written to the output folder as config.json; a resumed
/// experiment must have the same one, or its finished entries would mix two experiments.
/// </summary>
internal sealed record ExperimentConfig
{
    /// <summary>The labels (all of them: the pool's are the held-out truth that a correction reveals).</summary>
    public required string Data { get; init; }
    /// <summary>Seed of the grouped train/val/test split (<see cref="PoseTraining.DefaultSplit"/>), the same for every arm and seed.</summary>
    public int SplitSeed { get; init; } = 42;
    public required int[] Seeds { get; init; }
    /// <summary>Photos of the train split labelled before round 1.</summary>
    public required int Start { get; init; }
    /// <summary>Photos revealed per round.</summary>
    public required int Add { get; init; }
    public required int Rounds { get; init; }
    /// <summary>Optimizer steps of round 0, the model both arms start from (trained from the backbone's ImageNet weights, so it needs more than a refinement round).</summary>
    public required int StartSteps { get; init; }
    /// <summary>Optimizer steps of every later round (each round's epochs = steps ÷ batches per epoch, rounded), the same for both arms.</summary>
    public required int Steps { get; init; }
    /// <summary>The training of every round; the bench sets the epochs, the seed and init_from per round.</summary>
    public required TrainingOptions Training { get; init; }

    public ExperimentConfig Validate()
    {
        if (Seeds.Length == 0 || Seeds.Distinct().Count() != Seeds.Length) throw new ArgumentException("--seeds: give one or more different seeds.");
        if (Start < 1 || Add < 1 || Rounds < 1 || Steps < 1 || StartSteps < 1)
            throw new ArgumentException($"--start {Start}, --add {Add}, --rounds {Rounds}, --start-steps {StartSteps} and --steps {Steps} must all be at least 1.");
        Training.Validate();
        return this;
    }

    /// <summary>Epochs of <paramref name="round"/> on <paramref name="labelled"/> photos: as close to its optimizer steps (<see cref="StartSteps"/> for round 0, else <see cref="Steps"/>) as whole epochs allow.</summary>
    public int EpochsFor(int round, int labelled) =>
        Math.Max(1, (int)Math.Round((double)(round == 0 ? StartSteps : Steps) / BatchesPerEpoch(labelled), MidpointRounding.AwayFromZero));

    public int BatchesPerEpoch(int labelled) => (labelled + Training.BatchSize - 1) / Training.BatchSize;

    public string ToJson() => new JsonObject
    {
        // As given (relative to the clone when run from its root), so the experiment resumes from another checkout of the same data.
        ["data"] = Data.Replace('\\', '/'), ["split_seed"] = SplitSeed, ["seeds"] = new JsonArray(Seeds.Select(s => (JsonNode)s).ToArray()),
        ["start"] = Start, ["add"] = Add, ["rounds"] = Rounds, ["start_steps"] = StartSteps, ["steps"] = Steps,
        ["training"] = JsonNode.Parse(Training.ToJson()),
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}
