using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NewtPose.Models;
using NewtPose.Training;

namespace NewtPose.Comparison;

/// <summary>
/// How long each entry trains: the recipe's own schedule (the options' epochs, or sized by the entry's train set:
/// <see cref="TrainingOptions.EpochsFor"/>), a fixed number of epochs, or a wall budget in minutes turned into a whole
/// cosine schedule per variant and train size (<see cref="PoseComparison"/> measures the speed on a three-epoch probe first).
/// </summary>
public sealed record ComparisonBudget
{
    /// <summary>Every entry trains this many epochs.</summary>
    public int? Epochs { get; init; }
    /// <summary>Every entry gets this wall time; its epochs are chosen so the whole schedule fits.</summary>
    public double? Minutes { get; init; }

    /// <summary>Neither epochs nor minutes: each entry trains as `newtpose train` would on its train set (what a lab gets with that many photos).</summary>
    public static ComparisonBudget Recipe => new();
    public static ComparisonBudget OfEpochs(int epochs) => new() { Epochs = epochs };
    public static ComparisonBudget OfMinutes(double minutes) => new() { Minutes = minutes };

    /// <summary>Whether each entry keeps its recipe's schedule.</summary>
    public bool IsRecipe => Epochs is null && Minutes is null;

    /// <summary>"10 epochs", "5 min per entry" or "the recipe's schedule".</summary>
    public override string ToString() => Epochs is { } e ? $"{e} epochs"
        : Minutes is { } m ? string.Create(CultureInfo.InvariantCulture, $"{m:G4} min per entry")
        : "the recipe's schedule per train size";
}

/// <summary>
/// What a comparison trains: every variant × train size × seed, on one split of one dataset, under one budget. Validate()
/// lists every problem; the plan is written to plan.json in the output folder, and a resumed comparison must match it.
/// </summary>
public sealed record ComparisonPlan
{
    /// <summary>The labels (COCO JSON, DeepLabCut project/CSV/H5, YOLO data.yaml, SLEAP .slp): what PoseData.Load reads.</summary>
    public required string Data { get; init; }
    /// <summary>The options every variant starts from (default: <see cref="PoseTraining.Recommended"/>); epochs and seed are set per entry.</summary>
    public TrainingOptions BaseOptions { get; init; } = PoseTraining.Recommended;
    public required IReadOnlyList<ComparisonVariant> Variants { get; init; }
    /// <summary>Labelled training photos per entry (nested subsets of the train split, <see cref="PoseComparison.Subset"/>); null: the whole train split only.</summary>
    public IReadOnlyList<int>? TrainSizes { get; init; }
    /// <summary>One entry per seed (weights, batch order and which photos a train size takes); the spread over seeds is reported.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [1];
    public ComparisonBudget Budget { get; init; } = ComparisonBudget.Recipe;
    /// <summary>Seed of <see cref="PoseTraining.DefaultSplit"/>: the same test photos for every entry (unless <see cref="SplitPerSeed"/>).</summary>
    public int SplitSeed { get; init; } = 42;
    /// <summary>
    /// Each seed draws its own split (the seed is the split's seed), so the spread over seeds includes which photos are
    /// tested: seeded splits, the way to state a recipe's error with its spread. Off: one split for every entry.
    /// </summary>
    public bool SplitPerSeed { get; init; }
    /// <summary>The wall cap of a budgeted entry as a multiple of the budget (a guard; the chosen epochs should end well inside it).</summary>
    public double WallCapFactor { get; init; } = 1.5;

    /// <summary>The variants for a backbone × head grid (named by backbone alone when one head is compared).</summary>
    public static IReadOnlyList<ComparisonVariant> Grid(IReadOnlyList<string> backbones, IReadOnlyList<string> heads) =>
        backbones.SelectMany(b => heads.Select(h => ComparisonVariant.BackboneAndHead(b, h, heads.Count > 1))).ToArray();

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem (each variant's options are checked too).</summary>
    public ComparisonPlan Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Data)) problems.Add("no data path");
        if (BaseOptions is null) problems.Add("no base options");
        if (Variants is null || Variants.Count == 0) problems.Add("no variants (backbones) to compare");
        else
        {
            foreach (var name in Variants.GroupBy(v => v.Name).Where(g => g.Count() > 1)) problems.Add($"variant '{name.Key}' appears twice");
            foreach (var v in Variants.Where(v => !v.HasFileName)) problems.Add($"variant name '{v.Name}' must be letters, digits and . _ + - only");
            if (BaseOptions is not null)
                foreach (var v in Variants)
                {
                    try
                    {
                        var options = v.Apply(BaseOptions);
                        if (!PoseModels.Names.Any(b => b.Name == options.Backbone))
                            problems.Add($"variant {v.Name}: unknown backbone '{options.Backbone}' (known: {string.Join(", ", PoseModels.Names.Select(b => b.Name))})");
                        if (!PoseModels.Heads.Contains(options.Head))
                            problems.Add($"variant {v.Name}: unknown head '{options.Head}' (known: {string.Join(", ", PoseModels.Heads)})");
                    }
                    catch (Exception e) when (e is ArgumentException or global::NewtPose.Data.DatasetFormatException) { problems.Add(e.Message.TrimEnd('.')); }
                }
        }
        if (TrainSizes is { } sizes)
        {
            if (sizes.Count == 0) problems.Add("train sizes is empty (leave it null for the whole train split)");
            if (sizes.Any(n => n < 1)) problems.Add($"train sizes must be at least 1 ({string.Join(", ", sizes)})");
            if (sizes.Distinct().Count() != sizes.Count) problems.Add($"train sizes repeat ({string.Join(", ", sizes)})");
        }
        if (Seeds is null || Seeds.Count == 0) problems.Add("no seeds");
        else if (Seeds.Distinct().Count() != Seeds.Count) problems.Add($"seeds repeat ({string.Join(", ", Seeds)})");
        if (Budget is null || (Budget.Epochs is not null && Budget.Minutes is not null)) problems.Add("the budget must be epochs, minutes or the recipe's schedule (neither), not both");
        else if (Budget.Epochs is < 1) problems.Add($"budget epochs {Budget.Epochs} must be at least 1");
        else if (Budget.Minutes is { } m && !(m > 0 && double.IsFinite(m))) problems.Add($"budget minutes {m} must be positive");
        if (!(WallCapFactor >= 1 && double.IsFinite(WallCapFactor))) problems.Add($"wall cap factor {WallCapFactor} must be at least 1");
        if (problems.Count > 0) throw new ArgumentException("Invalid comparison plan: " + string.Join("; ", problems) + ".");
        return this;
    }

    /// <summary>Entries in the order they are trained: train size, then seed, then variant (so a stopped run has whole groups).</summary>
    public IReadOnlyList<EntryKey> Entries() =>
        (TrainSizes?.Select(n => (int?)n) ?? [null]).SelectMany(n => Seeds.SelectMany(s => Variants.Select(v => new EntryKey(v.Name, n, s)))).ToArray();

    /// <summary>plan.json: every field, the data path absolute, the base options field by field.</summary>
    public string ToJson()
    {
        var json = new JsonObject
        {
            ["data"] = Path.GetFullPath(Data),
            ["split_seed"] = SplitSeed,
            ["split_per_seed"] = SplitPerSeed,
            ["budget"] = new JsonObject { ["epochs"] = Budget.Epochs, ["minutes"] = Budget.Minutes },
            ["wall_cap_factor"] = WallCapFactor,
            ["train_sizes"] = TrainSizes is null ? null : new JsonArray(TrainSizes.Select(n => (JsonNode)n).ToArray()),
            ["seeds"] = new JsonArray(Seeds.Select(s => (JsonNode)s).ToArray()),
            ["variants"] = new JsonArray(Variants.Select(v => (JsonNode)new JsonObject { ["name"] = v.Name, ["overrides"] = v.Overrides.DeepClone() }).ToArray()),
            ["base_options"] = JsonNode.Parse(BaseOptions.ToJson()),
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}

/// <summary>One entry of a plan: a variant trained on a train size (null: the whole train split) with a seed.</summary>
public sealed record EntryKey(string Variant, int? TrainSize, int Seed)
{
    /// <summary>"resnet18-n25-seed1" ("-all" for the whole train split): the entry's file and run folder name.</summary>
    public string Id => $"{GroupId}-seed{Seed.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>"resnet18-n25": the variant and train size, shared by the entry's seeds (the name of a budget's speed probe).</summary>
    public string GroupId => $"{Variant}-{(TrainSize is { } n ? "n" + n.ToString(CultureInfo.InvariantCulture) : "all")}";

    public override string ToString() => $"{Variant}, {(TrainSize is { } n ? $"{n} photos" : "all train photos")}, seed {Seed}";
}
