using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.IO;

namespace NewtPose.Training;

/// <summary>
/// options.json: the serializer settings and the layering of a partial file (or the command line's flags) over a
/// starting configuration. One path for both, so a flag and the same field in a config file mean the same thing.
/// </summary>
internal static class TrainingOptionsJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        // A checkpoint taken before any validation stores an infinite best error.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>How a file a person writes is read: comments and trailing commas allowed (options and variants files).</summary>
    internal static readonly JsonDocumentOptions Document = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public static TrainingOptions Load(string path, TrainingOptions start)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"not found: {path} (training options file)", path);
        return Parse(File.ReadAllText(path), start, path);
    }

    /// <summary>
    /// Options JSON (a file's text, or the copy an exported model stores) laid over <paramref name="start"/>;
    /// <paramref name="source"/> names where the text came from in every error.
    /// </summary>
    public static TrainingOptions Parse(string text, TrainingOptions start, string source)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: Document);
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException(source, JsonErrors.Location(e), $"invalid JSON: {JsonErrors.Problem(e)}", e);
        }
        if (node is not JsonObject overrides)
            throw new DatasetFormatException(source, null, "expected a JSON object of training options (snake_case fields, as in a run folder's options.json; docs/options.md).");
        return Layer(start, overrides, source);
    }

    public static TrainingOptions Layer(TrainingOptions start, JsonObject overrides, string source)
    {
        var merged = JsonSerializer.SerializeToNode(start, Options)!.AsObject();
        foreach (var (key, value) in overrides)
            merged[key] = key == "augmentation" ? Augmentation(merged[key]!.DeepClone().AsObject(), value, source) : value?.DeepClone();

        TrainingOptions options;
        try
        {
            options = merged.Deserialize<TrainingOptions>(Options) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException(source, JsonErrors.Field(e), JsonErrors.Problem(e), e);
        }
        // A model that never saw a mirror cannot be scored with the flip test: a new augmentation without flips turns it off.
        if (overrides.ContainsKey("augmentation") && !overrides.ContainsKey("flip_test") && !options.TrainsWithHorizontalFlips)
            options = options with { FlipTest = false };
        if (overrides.ContainsKey("epochs") && !overrides.ContainsKey("warmup_epochs") && options.Epochs is { } epochs)
            options = options with { WarmupEpochs = Math.Min(options.WarmupEpochs, epochs) };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new DatasetFormatException(source, null, e.Message, e);
        }
        return options;
    }

    /// <summary>A preset name becomes that preset's fields; an object is laid over the current augmentation field by field.</summary>
    private static JsonObject Augmentation(JsonObject current, JsonNode? value, string source)
    {
        switch (value)
        {
            case JsonValue v when v.TryGetValue<string>(out var name):
                try { return JsonSerializer.SerializeToNode(AugmentationOptions.Preset(name), Options)!.AsObject(); }
                catch (ArgumentException e) { throw new DatasetFormatException(source, "augmentation", e.Message, e); }
            case JsonObject fields:
                foreach (var (key, field) in fields) current[key] = field?.DeepClone();
                return current;
            default:
                throw new DatasetFormatException(source, "augmentation",
                    $"expected a preset name ({string.Join(", ", AugmentationOptions.PresetNames)}) or an object of augmentation fields (docs/options.md).");
        }
    }
}
