using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
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

    /// <summary>The base options with this variant's fields laid over them (invalid fields name the variant).</summary>
    public TrainingOptions Apply(TrainingOptions baseOptions) => Overrides.Count == 0 ? baseOptions : baseOptions.Layer(Overrides, $"variant {Name}");

    /// <summary>Whether <see cref="Name"/> is usable in a file name.</summary>
    public bool HasFileName => Name.Length is > 0 and <= 80 && FileName().IsMatch(Name);

    [GeneratedRegex("^[A-Za-z0-9._+-]+$")]
    private static partial Regex FileName();
}
