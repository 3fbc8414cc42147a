using System.CommandLine;
using NewtPose.Inference;

namespace NewtPose.Cli;

/// <summary>
/// The inference engine's settings as options of the commands that run it (predict, evaluate): --refine-passes,
/// --link-views, --link-misfit-nu, --offset-voting, --quarter-turns, each defaulting to <see cref="EngineOptions"/>'s default, so the CLI,
/// the library and the notebooks decode alike.
/// </summary>
internal sealed class EngineFlags
{
    private readonly Option<int> refinePasses =
        CliOptions.WholeNumber("--refine-passes", $"Re-crops around the points after the whole-photo pass (0-8; default {EngineOptions.DefaultRefinePasses}).", EngineOptions.DefaultRefinePasses);

    private readonly Option<bool> linkViews = new("--link-views")
    {
        Description = "Decode a rig's linked keypoints (one body point seen in two views, view_links in model.json) jointly, so both sightings agree (true/false; default true; no effect on a model without links).",
        DefaultValueFactory = _ => true,
    };

    private readonly Option<double> linkMisfitNu = CliOptions.Number("--link-misfit-nu",
        $"How linked views charge a disagreement: 0 = half its square (Gaussian), else a Student-t with this nu, heavier-tailed as nu shrinks (default {EngineOptions.DefaultLinkMisfitNu}).",
        EngineOptions.DefaultLinkMisfitNu);

    private readonly Option<bool> offsetVoting = new("--offset-voting")
    {
        Description = $"Read each point as the confidence-weighted vote of its heatmap peak's 3x3 cells and their offsets, not the peak cell's offset alone (true/false; default {EngineOptions.DefaultOffsetVoting.ToString().ToLowerInvariant()}; heads with offsets only).",
        DefaultValueFactory = _ => EngineOptions.DefaultOffsetVoting,
    };

    private readonly Option<string?> quarterTurns = CliOptions.TrueFalse("--quarter-turns",
        "Also predict the final crop turned by 90, 180 and 270 degrees and average them (true/false; default: on for a square model trained with rotations of 90 degrees or more, as model.json says).");

    public IEnumerable<Option> Options => [refinePasses, linkViews, linkMisfitNu, offsetVoting, quarterTurns];

    /// <summary><paramref name="options"/> with the settings given on the command line (their defaults where not).</summary>
    public EngineOptions Apply(ParseResult parse, EngineOptions options) => options with
    {
        RefinePasses = parse.GetValue(refinePasses),
        LinkViews = parse.GetValue(linkViews),
        LinkMisfitNu = parse.GetValue(linkMisfitNu),
        OffsetVoting = parse.GetValue(offsetVoting),
        QuarterTurns = parse.GetBool(quarterTurns),
    };

    /// <summary>The decoding part of a console line: ", quarter turns", ", offset voting" and the linked pairs with their misfit, as they ran.</summary>
    public static string Describe(int linkedPairs, double linkMisfitNu, bool offsetVoting, bool quarterTurns) =>
        (quarterTurns ? ", quarter turns" : "") + (offsetVoting ? ", offset voting" : "") +
        (linkedPairs > 0 ? $", {linkedPairs} linked view pairs ({(linkMisfitNu > 0 ? $"Student-t misfit, nu {linkMisfitNu.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "Gaussian misfit")})" : "");
}
