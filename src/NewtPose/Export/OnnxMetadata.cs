using System.Globalization;
using System.Text.Json;
using NewtPose.Models;

namespace NewtPose.Export;

/// <summary>
/// The metadata_props an exported file carries, so the .onnx alone is enough to predict: the run's model.json whole
/// (<see cref="ModelJson"/>, what <see cref="Read"/> rebuilds the spec from) and, when the run had one, its options.json
/// whole, plus readable keys for people and other tools. The readable keys are written from the spec; they are never
/// read back (the JSON is the one source).
/// </summary>
public static class OnnxMetadata
{
    public const string FormatVersion = "newtpose.format_version";
    public const string ModelJson = "newtpose.model_json";
    public const string OptionsJson = "newtpose.options_json";
    public const string Keypoints = "newtpose.keypoints";
    public const string SwapPairs = "newtpose.swap_pairs";
    public const string InputSize = "newtpose.input_size";
    public const string Input = "newtpose.input";
    public const string Output = "newtpose.output";
    public const string Head = "newtpose.head";
    public const string Decoding = "newtpose.decoding";
    public const string FlipTest = "newtpose.flip_test";
    public const string Crop = "newtpose.crop";

    /// <summary>Version of this key set; a reader refuses files of a later one.</summary>
    public const string CurrentVersion = "1";

    /// <summary>Names of the graph's input and output.</summary>
    public const string InputName = "pixels";
    public const string OutputName = "output";

    /// <summary>The key/value pairs for <paramref name="spec"/>; <paramref name="optionsJson"/> is the run's options.json text when there is one.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> For(PoseModelSpec spec, string modelJson, string? optionsJson)
    {
        var list = new List<KeyValuePair<string, string>>
        {
            new(FormatVersion, CurrentVersion),
            new(ModelJson, modelJson),
            new(Keypoints, JsonSerializer.Serialize(spec.Keypoints)),
            new(SwapPairs, JsonSerializer.Serialize(spec.SwapPairs)),
            new(InputSize, string.Create(CultureInfo.InvariantCulture, $"{spec.InputWidth}x{spec.InputHeight}")),
            new(Input, string.Create(CultureInfo.InvariantCulture,
                $"{InputName}: float32 [batch, 3, {spec.InputHeight}, {spec.InputWidth}], planar RGB in [0, 1] (the graph normalises with mean {Floats(spec.Mean)} and std {Floats(spec.Std)})")),
            new(Output, OutputDescription(spec)),
            new(Head, spec.Head + (spec.Head == "heatmap" ? spec.LocationRefinement ? " with location refinement" : " without location refinement" : "")),
            new(Decoding, DecodingRule(spec)),
        };
        if (optionsJson is not null)
        {
            list.Add(new(OptionsJson, optionsJson));
            using var options = JsonDocument.Parse(optionsJson);
            if (options.RootElement.TryGetProperty("flip_test", out var flip)) list.Add(new(FlipTest, flip.GetBoolean() ? "true" : "false"));
            if (options.RootElement.TryGetProperty("augmentation", out var preset))
                list.Add(new(Crop, $"the animal's box plus the crop margin of augmentation preset '{preset.GetString()}', squared and letterboxed to the input size (PoseSampler.Crop); predictions map back through the same affine map"));
        }
        return list;
    }

    /// <summary>
    /// The spec stored in <paramref name="properties"/> (the file's metadata_props); <see cref="InvalidDataException"/>
    /// naming <paramref name="source"/> when the file was not written by this exporter or by a later version of it.
    /// </summary>
    public static PoseModelSpec Read(IReadOnlyDictionary<string, string> properties, string source)
    {
        if (!properties.TryGetValue(ModelJson, out var json))
            throw new InvalidDataException($"{source}: no '{ModelJson}' metadata; the file was not exported by `newtpose export`, so its keypoints and input size are unknown.");
        if (properties.TryGetValue(FormatVersion, out var version) && version != CurrentVersion)
            throw new InvalidDataException($"{source}: metadata format version {version}; this NewtPose reads version {CurrentVersion}.");
        return PoseModels.ParseSpec(json, $"{source} (metadata '{ModelJson}')");
    }

    /// <summary>
    /// The spec stored in an exported file, read from its protobuf directly (no ONNX Runtime session, no libtorch). The
    /// bytes are read first, so a file that ML.NET's OnnxTransformer holds open can still be read.
    /// </summary>
    public static PoseModelSpec ReadFile(string onnxPath)
    {
        if (!File.Exists(onnxPath)) throw new FileNotFoundException($"No ONNX model at {onnxPath}.", onnxPath);
        Onnx.ModelProto model;
        try { model = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnxPath)); }
        catch (Google.Protobuf.InvalidProtocolBufferException e) { throw new InvalidDataException($"{onnxPath}: not an ONNX model ({e.Message}).", e); }
        return Read(model.MetadataProps.ToDictionary(p => p.Key, p => p.Value), onnxPath);
    }

    private static string OutputDescription(PoseModelSpec spec)
    {
        var k = spec.Keypoints.Count;
        var (h, w) = (spec.InputHeight / spec.HeatmapStride, spec.InputWidth / spec.HeatmapStride);
        var channels = spec.Head == "heatmap" && spec.LocationRefinement
            ? $"{3 * k}: channels 0..{k - 1} heatmap logits, then x, y offsets (in cells) of keypoint k at {k} + 2k and {k} + 2k + 1"
            : $"{k} heatmap logits";
        return string.Create(CultureInfo.InvariantCulture, $"{OutputName}: float32 [batch, {channels.Split(':')[0]}, {h}, {w}], raw head output at stride {spec.HeatmapStride}; {channels}");
    }

    private static string DecodingRule(PoseModelSpec spec)
    {
        var s = spec.HeatmapStride;
        var pixel = string.Create(CultureInfo.InvariantCulture, $"input pixel = cell × {s} + {(s - 1) / 2.0}");
        if (spec.Head == "integral")
            return $"soft-argmax: softmax over each map, expected (x, y) in cells; {pixel}; confidence = probability mass in the 5×5 cells around the most likely cell";
        return spec.LocationRefinement
            ? $"argmax cell + its predicted offset (clamped to ±2 cells); {pixel}; confidence = sigmoid(peak logit)"
            : $"argmax cell + quadratic fit of the log-sigmoid values on each axis (±0.5 cell); {pixel}; confidence = sigmoid(peak logit)";
    }

    private static string Floats(float[] values) => "[" + string.Join(", ", values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture))) + "]";
}
