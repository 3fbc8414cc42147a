using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Models;
using NewtPose.Models.Heads;

namespace NewtPose.Inference;

/// <summary>Where the centre of input pixel i lies in the coordinates the head was trained and decodes in.</summary>
public enum PixelConvention
{
    /// <summary>Continuous coordinates, as in the rest of the library: pixel i covers [i, i + 1), centre i + 0.5; heatmap cell j is centred on s·(j + 0.5).</summary>
    Continuous,

    /// <summary>
    /// Models saved before the model card: the heads put cell j at s·j + (s − 1)/2 while the sampler's labels were
    /// continuous, so decoded points are half an input pixel too far right and down, and a mirrored branch is one pixel
    /// off in x. The decoder corrects both (see <see cref="PoseDecoder"/>).
    /// </summary>
    LegacyCellCentres,
}

/// <summary>How the head's raw output becomes points (it follows from the head; stated so the card says everything).</summary>
public enum DecodingRule
{
    /// <summary>Heatmap argmax + location-refinement offsets at that cell, clamped to <see cref="ModelCard.RefinementRadius"/>.</summary>
    HeatmapArgmaxRefined,
    /// <summary>Heatmap argmax + a quadratic fit on the log-probabilities of the peak and its neighbours.</summary>
    HeatmapArgmaxQuadratic,
    /// <summary>Soft-argmax: the expectation of the softmax over each map (the integral head).</summary>
    IntegralSoftArgmax,
}

/// <summary>
/// How the inference engine finds the animal in a photo nobody labelled (see <see cref="PoseEngine"/>): pass 1 runs the
/// network on the whole letterboxed photo; the points it is confident of (inside the photo) give a box, which is cropped
/// with the card's <see cref="CropPolicy"/> for pass 2, and each further refine pass re-crops around the last points.
/// </summary>
public sealed record LocatorSettings
{
    /// <summary>The fraction of training samples that showed the whole photo (0: the network was never taught to find the animal).</summary>
    public double WholePhotoProbability { get; init; }

    /// <summary>
    /// Points at or above this confidence make the box of the next pass. 0 (every point inside the photo) measured better
    /// than 0.3 on the bundled newts: a cut-off drops the least sure extremities (tail tip, feet) and the crop then cuts
    /// them off (docs/inference.md).
    /// </summary>
    public double MinConfidence { get; init; }

    /// <summary>When fewer points than this pass <see cref="MinConfidence"/>, the box is made of the this-many most confident points instead.</summary>
    public int MinPoints { get; init; } = 3;

    public LocatorSettings Validate()
    {
        if (WholePhotoProbability is not (>= 0 and <= 1)) throw new ArgumentException($"Locator whole_photo_probability {WholePhotoProbability} must be in [0, 1].");
        if (MinConfidence is not (>= 0 and <= 1)) throw new ArgumentException($"Locator min_confidence {MinConfidence} must be in [0, 1].");
        if (MinPoints < 1) throw new ArgumentException($"Locator min_points {MinPoints} must be at least 1.");
        return this;
    }
}

/// <summary>
/// Everything needed to reproduce what a model saw, with no other file: written as model.json beside model.weights
/// (<see cref="PoseModels.Save"/>), read by <see cref="PoseModels.LoadCard"/>. The JSON is the <see cref="PoseModelSpec"/>'s
/// fields (backbone, head, input size, keypoint names, swap pairs, mean/std) with the card's fields beside them, so an
/// older reader of the spec still reads it. A model.json written before the card loads with the defaults documented on
/// each field.
/// </summary>
public sealed record ModelCard
{
    /// <summary>OKS σ used when the dataset states none: the median of COCO's 17 person-keypoint σ (eyes 0.025 … hips 0.107).</summary>
    public const double DefaultOksSigma = 0.072;

    /// <summary>The network: backbone, head, input size and normalisation, keypoint names, left/right swap pairs.</summary>
    [JsonIgnore]
    public PoseModelSpec Spec { get; init; } = null!;

    /// <summary>How photos were cropped around the animal in training (older files: <see cref="CropPolicy.Default"/>, what they used).</summary>
    public CropPolicy Crop { get; init; } = CropPolicy.Default;

    /// <summary>How the engine finds the animal (older files: the defaults, with whole_photo_probability 0).</summary>
    public LocatorSettings Locator { get; init; } = new();

    /// <summary>How raw output is decoded (older files: from the head).</summary>
    public DecodingRule Decoding { get; init; }

    /// <summary>Location-refinement offsets are clamped to ± this many heatmap cells (the radius they were trained in).</summary>
    public double RefinementRadius { get; init; } = HeatmapHead.RefinementRadius;

    /// <summary>The coordinate convention of the head (older files: <see cref="PixelConvention.LegacyCellCentres"/>).</summary>
    public PixelConvention PixelConvention { get; init; } = PixelConvention.Continuous;

    /// <summary>
    /// Whether training mirrored photos (horizontal or vertical flips), so whether the flip test is allowed; null when the
    /// file does not say (older files, or a trainer given its own sampler): then the flip test is allowed.
    /// </summary>
    public bool? TrainedWithFlips { get; init; }

    /// <summary>
    /// The largest rotation training applied, in degrees (0 when it did not rotate), so whether the engine's quarter turns
    /// (<see cref="EngineOptions.QuarterTurns"/>) show the model what it learnt from; null when the file does not say
    /// (older files, or a trainer given its own sampler): then they are used only when asked for.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? TrainedRotationDegrees { get; init; }

    /// <summary>Whether a square model saw the animal turned by a quarter turn or more in training, so the engine turns its final crop by default.</summary>
    [JsonIgnore]
    public bool LearntQuarterTurns => Spec.InputWidth == Spec.InputHeight && PixelConvention == PixelConvention.Continuous && TrainedRotationDegrees >= 90;

    /// <summary>Skeleton edges as keypoint index pairs, for drawing (older files: none).</summary>
    public IReadOnlyList<int[]> SkeletonEdges { get; init; } = [];

    /// <summary>Per-keypoint OKS σ (as fractions of √area, COCO's definition), in keypoint order (older files: <see cref="DefaultOksSigma"/> each).</summary>
    public IReadOnlyList<double> OksSigmas { get; init; } = [];

    /// <summary>Where <see cref="OksSigmas"/> came from: "dataset" or "default" (<see cref="DefaultOksSigma"/> for every keypoint).</summary>
    public string OksSigmaSource { get; init; } = "default";

    /// <summary>
    /// The views of a multi-view rig the model was trained on (<see cref="ViewRegion"/>): the engine searches each view's
    /// region for that view's keypoints. Null (older files, and one view of the whole photo): the whole photo.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ViewRegion>? Views { get; init; }

    /// <summary>
    /// Body points seen in two of the <see cref="Views"/> and the frame coordinate their sightings share, fitted on the
    /// training labels (<see cref="ViewLinkFit.Fit"/>); the engine decodes each linked pair jointly
    /// (<see cref="EngineOptions.LinkViews"/>). Null or empty (older files, a model of the whole photo, a rig whose views
    /// name no point twice): every keypoint is decoded on its own.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ViewLink>? ViewLinks { get; init; }

    /// <summary>The keypoint names, in output order.</summary>
    public IReadOnlyList<string> Keypoints => Spec.Keypoints;

    /// <summary>The skeleton the card describes (names, edges, swap pairs), for overlays and label files.</summary>
    public Skeleton Skeleton() => new(Spec.Keypoints, SkeletonEdges.Select(e => new Edge(e[0], e[1])).ToArray(),
        (Spec.SwapPairs ?? []).Select(p => new SwapPair(p[0], p[1])).ToArray());

    /// <summary>
    /// The card for a network trained with <paramref name="augmentation"/> on <paramref name="skeleton"/>; either may be
    /// null when unknown (then flips are "not recorded" and the crop policy is the default).
    /// </summary>
    public static ModelCard Describe(PoseModelSpec spec, Skeleton? skeleton = null, AugmentationOptions? augmentation = null, IReadOnlyList<double>? oksSigmas = null)
    {
        var card = new ModelCard
        {
            Spec = spec,
            Crop = augmentation?.Crop ?? CropPolicy.Default,
            Locator = new LocatorSettings { WholePhotoProbability = augmentation?.WholePhotoProbability ?? 0 },
            Decoding = RuleFor(spec),
            TrainedWithFlips = augmentation is null ? null : augmentation.HorizontalFlipProbability > 0 || augmentation.VerticalFlipProbability > 0,
            TrainedRotationDegrees = augmentation is null ? null : augmentation.RotationProbability > 0 ? augmentation.MaxRotationDegrees : 0,
            SkeletonEdges = skeleton?.Edges.Select(e => new[] { e.From, e.To }).ToArray() ?? [],
            OksSigmas = oksSigmas?.ToArray() ?? Enumerable.Repeat(DefaultOksSigma, spec.Keypoints.Count).ToArray(),
            OksSigmaSource = oksSigmas is null ? "default" : "dataset",
        };
        return card.Validate();
    }

    /// <summary>The decoding rule a spec's head implies.</summary>
    public static DecodingRule RuleFor(PoseModelSpec spec) => spec.Head switch
    {
        "integral" => DecodingRule.IntegralSoftArgmax,
        _ when spec.LocationRefinement => DecodingRule.HeatmapArgmaxRefined,
        _ => DecodingRule.HeatmapArgmaxQuadratic,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field that does not fit the spec.</summary>
    public ModelCard Validate()
    {
        // The spec itself is validated where it is built or read (a trainer may run a caller's own network, whose
        // backbone is not in the catalog); the card checks only that its own fields fit it.
        if (Spec is null) throw new ArgumentException("The model card has no spec.");
        (Crop ?? throw new ArgumentException("The model card has no crop policy.")).Validate();
        (Locator ?? throw new ArgumentException("The model card has no locator settings.")).Validate();
        if (PoseModels.Heads.Contains(Spec.Head) && Decoding != RuleFor(Spec)) throw new ArgumentException($"Decoding {Decoding} does not fit a {Spec.Head} head (location refinement {Spec.LocationRefinement}): expected {RuleFor(Spec)}.");
        if (!(RefinementRadius > 0)) throw new ArgumentException($"refinement_radius {RefinementRadius} must be positive.");
        var k = Spec.Keypoints.Count;
        foreach (var e in SkeletonEdges ?? [])
            if (e is not { Length: 2 } || e.Any(i => i < 0 || i >= k))
                throw new ArgumentException($"Skeleton edge [{string.Join(", ", e ?? [])}] must name two keypoint indices in 0..{k - 1}.");
        if (OksSigmas is null || OksSigmas.Count != k) throw new ArgumentException($"oks_sigmas has {OksSigmas?.Count ?? 0} values; the model has {k} keypoints.");
        if (OksSigmas.Any(s => !(s > 0) || !double.IsFinite(s))) throw new ArgumentException("Every OKS σ must be positive and finite.");
        if (Views is { Count: > 0 } views) ViewRegions.Owners(views, Skeleton());
        if (ViewLinks is { Count: > 0 } links)
        {
            if (Views is not { Count: > 0 }) throw new ArgumentException("view_links are given, but the model has no views to link.");
            ViewLinkFit.Check(links, Views, Skeleton());
        }
        return this;
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>model.json: the spec's fields, then the card's.</summary>
    public string ToJson()
    {
        var node = JsonSerializer.SerializeToNode(Spec, Json)!.AsObject();
        foreach (var (key, value) in JsonSerializer.SerializeToNode(this, Json)!.AsObject().ToArray())
            node[key] = value?.DeepClone();
        return node.ToJsonString(Json);
    }

    /// <summary>Reads a model.json written by <see cref="PoseModels.Save"/>, old or new; errors name the file.</summary>
    public static ModelCard Read(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>A model card from its JSON text (model.json, or an exported ONNX file's metadata); errors name <paramref name="source"/>.</summary>
    public static ModelCard Parse(string text, string source)
    {
        var spec = PoseModels.ParseSpec(text, source);
        try
        {
            var node = JsonNode.Parse(text)!.AsObject();
            var card = (JsonSerializer.Deserialize<ModelCard>(text, Json) ?? throw new InvalidDataException($"{source}: the model card is empty.")) with { Spec = spec };
            // Fields an older model.json lacks: the values that describe how such models were made.
            if (!node.ContainsKey("pixel_convention")) card = card with { PixelConvention = PixelConvention.LegacyCellCentres };
            if (!node.ContainsKey("decoding")) card = card with { Decoding = RuleFor(spec) };
            if (!node.ContainsKey("oks_sigmas")) card = card with { OksSigmas = Enumerable.Repeat(DefaultOksSigma, spec.Keypoints.Count).ToArray(), OksSigmaSource = "default" };
            return card.Validate();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a model card ({e.Message}).", e);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
    }
}
