using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using NewtPose.Inference;
using NewtPose.Models;

namespace NewtPose.Export;

/// <summary>
/// The metadata_props an exported file carries, so the .onnx alone is enough to predict: the run's model.json whole
/// (<see cref="ModelJson"/>: the model card — spec, crop policy, locator, decoding rule, pixel convention, skeleton —
/// what <see cref="ReadCard"/> rebuilds) and, when the run had one, its options.json whole, plus readable keys for people
/// and other tools. The readable keys are written from the card; they are never read back (the JSON is the one source).
/// </summary>
public static class OnnxMetadata
{
    public const string FormatVersion = "newtpose.format_version";
    public const string ModelJson = "newtpose.model_json";
    public const string OptionsJson = "newtpose.options_json";
    public const string Keypoints = "newtpose.keypoints";
    public const string SwapPairs = "newtpose.swap_pairs";
    public const string Skeleton = "newtpose.skeleton";
    public const string InputSize = "newtpose.input_size";
    public const string Input = "newtpose.input";
    public const string Output = "newtpose.output";
    public const string Head = "newtpose.head";
    public const string Decoding = "newtpose.decoding";
    public const string Crop = "newtpose.crop";
    public const string TrainedWithFlips = "newtpose.trained_with_flips";

    /// <summary>Version of this key set; a reader refuses files of a later one.</summary>
    public const string CurrentVersion = "1";

    /// <summary>Names of the graph's input and output.</summary>
    public const string InputName = "pixels";
    public const string OutputName = "output";

    private static readonly JsonSerializerOptions Snake = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The key/value pairs for <paramref name="card"/>, stored as <paramref name="modelJson"/>; <paramref name="optionsJson"/> is the run's options.json text when there is one.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> For(ModelCard card, string modelJson, string? optionsJson)
    {
        var spec = card.Spec;
        var list = new List<KeyValuePair<string, string>>
        {
            new(FormatVersion, CurrentVersion),
            new(ModelJson, modelJson),
            new(Keypoints, JsonSerializer.Serialize(spec.Keypoints)),
            new(SwapPairs, JsonSerializer.Serialize(spec.SwapPairs)),
            new(Skeleton, JsonSerializer.Serialize(card.SkeletonEdges)),
            new(InputSize, string.Create(CultureInfo.InvariantCulture, $"{spec.InputWidth}x{spec.InputHeight}")),
            new(Input, string.Create(CultureInfo.InvariantCulture,
                $"{InputName}: float32 [batch, 3, {spec.InputHeight}, {spec.InputWidth}], planar RGB in [0, 1] (the graph normalises with mean {Floats(spec.Mean)} and std {Floats(spec.Std)})")),
            new(Output, OutputDescription(card)),
            new(Head, spec.Head + (spec.Head == "heatmap" ? spec.LocationRefinement ? " with location refinement" : " without location refinement" : "")),
            new(Decoding, DecodingDescription(card)),
            new(Crop, JsonSerializer.Serialize(new { crop = card.Crop, locator = card.Locator }, Snake)),
            new(TrainedWithFlips, card.TrainedWithFlips is { } flips ? flips ? "true" : "false" : "not recorded"),
        };
        if (optionsJson is not null) list.Add(new(OptionsJson, optionsJson));
        return list;
    }

    /// <summary>
    /// The model card stored in <paramref name="properties"/> (the file's metadata_props); <see cref="InvalidDataException"/>
    /// naming <paramref name="source"/> when the file was not written by this exporter or by a later version of it.
    /// </summary>
    public static ModelCard ReadCard(IReadOnlyDictionary<string, string> properties, string source)
    {
        if (!properties.TryGetValue(ModelJson, out var json))
            throw new InvalidDataException($"{source}: no '{ModelJson}' metadata; the file was not exported by `newtpose export`, so its keypoints and input size are unknown.");
        if (properties.TryGetValue(FormatVersion, out var version) && version != CurrentVersion)
            throw new InvalidDataException($"{source}: metadata format version {version}; this NewtPose reads version {CurrentVersion}.");
        var where = $"{source} (metadata '{ModelJson}')";
        return ModelCard.Parse(json, where);
    }

    /// <summary>
    /// Whether the run exported into the file whose metadata_props are <paramref name="properties"/>
    /// (<see cref="Inference.OnnxBackend.Metadata"/>) scored with the flip test: the flip_test of its stored options.json,
    /// read as a run folder's options.json is (<see cref="Evaluation.EvaluationSplits.FlipTestOf"/>); false when the file
    /// stores no options, as for a run folder without options.json. <paramref name="source"/> names the file in errors.
    /// </summary>
    public static bool ScoredWithFlipTest(IReadOnlyDictionary<string, string> properties, string source) =>
        properties.TryGetValue(OptionsJson, out var json)
        && Training.TrainingOptionsJson.Parse(json, new Training.TrainingOptions(), $"{source} (metadata '{OptionsJson}')").FlipTest;

    /// <summary>
    /// The card stored in an exported file, read from its protobuf directly (no ONNX Runtime session, no libtorch). The
    /// bytes are read first, so a file that ML.NET's OnnxTransformer holds open can still be read.
    /// </summary>
    public static ModelCard ReadFile(string onnxPath)
    {
        if (!File.Exists(onnxPath)) throw new FileNotFoundException($"No ONNX model at {onnxPath}.", onnxPath);
        Onnx.ModelProto model;
        try { model = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnxPath)); }
        catch (Google.Protobuf.InvalidProtocolBufferException e) { throw new InvalidDataException($"{onnxPath}: not an ONNX model ({e.Message}).", e); }
        return ReadCard(model.MetadataProps.ToDictionary(p => p.Key, p => p.Value), onnxPath);
    }

    private static string OutputDescription(ModelCard card)
    {
        var spec = card.Spec;
        var k = spec.Keypoints.Count;
        var (h, w) = (spec.InputHeight / spec.HeatmapStride, spec.InputWidth / spec.HeatmapStride);
        var channels = card.Decoding == DecodingRule.HeatmapArgmaxRefined
            ? $"{3 * k}: channels 0..{k - 1} heatmap logits, then the x, y offsets (in cells) of keypoint k at {k} + 2k and {k} + 2k + 1"
            : $"{k}: heatmap logits";
        return string.Create(CultureInfo.InvariantCulture, $"{OutputName}: float32 [batch, {channels.Split(':')[0]}, {h}, {w}], raw head output at stride {spec.HeatmapStride}; {channels}");
    }

    private static string DecodingDescription(ModelCard card)
    {
        var rule = card.Decoding switch
        {
            DecodingRule.HeatmapArgmaxRefined => string.Create(CultureInfo.InvariantCulture, $"argmax cell + its predicted offset, clamped to ±{card.RefinementRadius} cells; confidence = sigmoid(peak logit)"),
            DecodingRule.HeatmapArgmaxQuadratic => "argmax cell + a quadratic fit of the log-sigmoid values on each axis; confidence = sigmoid(peak logit)",
            _ => "soft-argmax: the expectation of the softmax over each map; confidence = probability mass in the 5×5 cells around the most likely cell",
        };
        var convention = card.PixelConvention == PixelConvention.Continuous
            ? $"input pixel = (cell + 0.5) × {card.Spec.HeatmapStride}, continuous (pixel i covers [i, i + 1))"
            : "legacy cell centres (see pixel_convention in model_json)";
        return $"{JsonSerializer.Serialize(card.Decoding, Snake).Trim('"')}: {rule}; {convention}";
    }

    private static string Floats(float[] values) => "[" + string.Join(", ", values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture))) + "]";
}
