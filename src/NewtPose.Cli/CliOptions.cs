using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using NewtPose.Data;
using NewtPose.Inference;

namespace NewtPose.Cli;

/// <summary>
/// Options shared by several commands, and value parsers whose errors say what was expected
/// ("--epochs: 'ten' is not a whole number") instead of naming a .NET type.
/// </summary>
internal static class CliOptions
{
    /// <summary>The one overwrite policy: a command that writes refuses an existing output unless given --force.</summary>
    public static Option<bool> Force(string what) => new("--force") { Description = $"Overwrite {what} if it exists (without it, an existing output is refused)." };

    public static Option<int?> WholeNumber(string name, string description) =>
        new(name) { Description = description, CustomParser = r => Parse<int>(r, name, "a whole number", t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null) };

    public static Option<int> WholeNumber(string name, string description, int fallback) =>
        new(name)
        {
            Description = description, DefaultValueFactory = _ => fallback,
            CustomParser = r => Parse<int>(r, name, "a whole number", t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null) ?? fallback,
        };

    /// <summary>`--ensemble RUN,…` of the commands that run the inference engine on run folders (predict, evaluate).</summary>
    public static Option<string?> Ensemble(string scoredOn) =>
        new("--ensemble") { Description = $"Other run folders (comma-separated) whose models are averaged with --run's: an ensemble (same input size, keypoints, head, heatmap stride and crop policy){scoredOn}." };

    /// <summary>--run followed by the --ensemble folders, as full paths; null without --ensemble. Each must hold a model.</summary>
    public static string[]? EnsembleMembers(string run, string? ensemble)
    {
        if (ensemble is null) return null;
        var members = ensemble.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Path.GetFullPath).Prepend(Path.GetFullPath(run)).ToArray();
        if (members.Length < 2) throw new ArgumentException("--ensemble lists no run folder.");
        foreach (var member in members.Skip(1))
            if (!File.Exists(Path.Combine(member, "model.json")))
                throw new ArgumentException($"--ensemble: {member} holds no model (model.json + model.weights).");
        return members;
    }

    public static Option<double> Number(string name, string description, double fallback) =>
        new(name)
        {
            Description = description, DefaultValueFactory = _ => fallback,
            CustomParser = r => Parse<double>(r, name, "a number (e.g. 0.15)", t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : (double?)null) ?? fallback,
        };

    /// <summary>A comma-separated list of whole numbers ("10,25,50"); a bad item names the option and the item.</summary>
    public static Option<int[]?> WholeNumbers(string name, string description) =>
        new(name)
        {
            Description = description,
            CustomParser = r =>
            {
                var items = (r.Tokens.Count == 1 ? r.Tokens[0].Value : "").Split(',', StringSplitOptions.TrimEntries);
                var values = new List<int>();
                foreach (var item in items)
                {
                    if (int.TryParse(item, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) values.Add(v);
                    else { r.AddError($"{name}: '{item}' is not a whole number (give a comma-separated list, e.g. 10,25,50)"); return null; }
                }
                return values.ToArray();
            },
        };

    /// <summary>A comma-separated list of names ("resnet18,mobilenetv2"); empty items are an error naming the option.</summary>
    public static Option<string[]?> Names(string name, string description) =>
        new(name)
        {
            Description = description,
            CustomParser = r =>
            {
                var items = (r.Tokens.Count == 1 ? r.Tokens[0].Value : "").Split(',', StringSplitOptions.TrimEntries);
                if (items.Any(i => i.Length == 0)) { r.AddError($"{name}: '{string.Join(",", items)}' has an empty item (give a comma-separated list, e.g. a,b)"); return null; }
                return items;
            },
        };

    /// <summary>
    /// true or false, as a string option: System.CommandLine hands a bool option only the tokens "true" and "false", so
    /// "--flip-test yes" would otherwise fail as an unknown argument instead of saying what is expected.
    /// </summary>
    public static Option<string?> TrueFalse(string name, string description) =>
        new(name)
        {
            Description = description,
            CustomParser = r =>
            {
                var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
                if (bool.TryParse(text, out var value)) return value ? "true" : "false";
                r.AddError($"{name}: '{text}' is not true or false");
                return null;
            },
        };

    /// <summary>The value of a <see cref="TrueFalse"/> option, null when it was not given.</summary>
    public static bool? GetBool(this ParseResult parse, Option<string?> option) => parse.GetValue(option) is { } text ? bool.Parse(text) : null;

    /// <summary>--format coco|dlc|yolo, checked while parsing.</summary>
    public static Option<LabelFormat?> Format(string description) =>
        new("--format") { Description = description, CustomParser = r => ParseFormat(r, "--format") };

    public static LabelFormat? ParseFormat(ArgumentResult result, string name)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        try { return LabelFormatNames.Parse(text); }
        catch (ArgumentException e) { result.AddError($"{name}: {e.Message}"); return null; }
    }

    private static T? Parse<T>(ArgumentResult result, string name, string expected, Func<string, T?> parse) where T : struct
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (parse(text) is { } value) return value;
        result.AddError($"{name}: '{text}' is not {expected}");
        return null;
    }
}
