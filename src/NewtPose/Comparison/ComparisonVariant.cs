using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NewtPose.Data;
using NewtPose.IO;
using NewtPose.Training;

namespace NewtPose.Comparison;

/// <summary>
/// One arm of a comparison: a name and the training options it changes, as snake_case fields of options.json laid over
/// the plan's base options (<see cref="TrainingOptions.Layer"/>, the path --config takes). A backbone × head grid is
/// <see cref="BackboneAndHead"/>; any other knob (<c>{"input_width": 128, "input_height": 128}</c>, an augmentation preset)
/// is a variant the same way, so one runner serves backbone comparisons and ablations.
/// </summary>
/// <param name="Name">Shown in tables and charts, and part of file names: letters, digits and <c>. _ + -</c>.</param>
/// <param name="Overrides">Fields of options.json this variant sets (docs/options.md).</param>
public sealed partial record ComparisonVariant(string Name, JsonObject Overrides)
{
    /// <summary>A backbone with a head; named after the backbone alone when <paramref name="nameWithHead"/> is false.</summary>
    public static ComparisonVariant BackboneAndHead(string backbone, string head, bool nameWithHead) =>
        new(nameWithHead ? $"{backbone}+{head}" : backbone, new JsonObject { ["backbone"] = backbone, ["head"] = head });

    /// <summary>
    /// The variants of a variants file (an ablation's arms, <c>newtpose compare --variants FILE</c>):
    /// <c>{"variants": [{"name": "default", "options": {}}, {"name": "input-192", "options": {"input_width": 192, "input_height": 192}}]}</c>,
    /// or the list alone. Each options object holds fields of options.json; they are checked against the base options by
    /// <see cref="ComparisonPlan.Validate"/>. A malformed file or record is refused naming the file and the record.
    /// </summary>
    public static IReadOnlyList<ComparisonVariant> Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"not found: {path} (variants file)", path);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: TrainingOptionsJson.Document);
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException(path, JsonErrors.Location(e), $"invalid JSON: {JsonErrors.Problem(e)}", e);
        }
        const string Shape = "expected {\"variants\": [{\"name\": …, \"options\": {…}}, …]} (docs/comparison.md)";
        var list = root switch
        {
            JsonArray a => a,
            JsonObject o when o.Count == 1 && o["variants"] is JsonArray a => a,
            _ => throw new DatasetFormatException(path, null, Shape),
        };
        if (list.Count == 0) throw new DatasetFormatException(path, "variants", "the list is empty");
        var variants = new List<ComparisonVariant>();
        for (var i = 0; i < list.Count; i++)
        {
            var where = $"variants[{i}]";
            if (list[i] is not JsonObject item) throw new DatasetFormatException(path, where, "expected an object with \"name\" and \"options\"");
            foreach (var (key, _) in item)
                if (key is not ("name" or "options")) throw new DatasetFormatException(path, where, $"unknown field '{key}' (a variant has \"name\" and \"options\")");
            if (item["name"] is not JsonValue nameValue || !nameValue.TryGetValue<string>(out var name) || string.IsNullOrWhiteSpace(name))
                throw new DatasetFormatException(path, where, "\"name\" must be a non-empty string");
            var options = item["options"] switch
            {
                null => new JsonObject(),
                JsonObject o => o.DeepClone().AsObject(),
                _ => throw new DatasetFormatException(path, $"{where} ({name})", "\"options\" must be an object of options.json fields"),
            };
            foreach (var fixedField in new[] { "epochs", "seed" })
                if (options.ContainsKey(fixedField))
                    throw new DatasetFormatException(path, $"{where} ({name})", $"'{fixedField}' is set per entry by the comparison (its budget and seeds), not by a variant");
            variants.Add(new ComparisonVariant(name, options));
        }
        return variants;
    }

    /// <summary>The base options with this variant's fields laid over them (invalid fields name the variant).</summary>
    public TrainingOptions Apply(TrainingOptions baseOptions) => Overrides.Count == 0 ? baseOptions : baseOptions.Layer(Overrides, $"variant {Name}");

    /// <summary>Whether <see cref="Name"/> is usable in a file name.</summary>
    public bool HasFileName => Name.Length is > 0 and <= 80 && FileName().IsMatch(Name);

    [GeneratedRegex("^[A-Za-z0-9._+-]+$")]
    private static partial Regex FileName();
}
