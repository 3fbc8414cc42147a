using System.CommandLine;
using NewtPose.Data;

namespace NewtPose.Cli.Commands;

/// <summary>The options every command that reads labels shares, turned into one <see cref="PoseLoadOptions"/>.</summary>
internal sealed class LabelLoadOptions
{
    public readonly Option<string?> Category = new("--category") { Description = "COCO: the keypoint category to read (name or id) when categories have different keypoint lists." };
    public readonly Option<string?> Predictions = new("--predictions") { Description = "SLEAP: skip (default) the predicted instances, or read only them." };
    public readonly Option<string?> ImageFolder = new("--image-folder") { Description = "Label Studio: the folder holding the uploaded photos its export names by URL." };

    public IEnumerable<Option> All => [Category, Predictions, ImageFolder];

    public void AddTo(Command command)
    {
        foreach (var o in All) command.Options.Add(o);
    }

    public PoseLoadOptions Read(ParseResult parse) => new(
        parse.GetValue(Category),
        parse.GetValue(Predictions)?.Trim().ToLowerInvariant() switch
        {
            null or "skip" => PredictedInstances.Skip,
            "only" => PredictedInstances.Only,
            var other => throw new ArgumentException($"--predictions: '{other}' is not skip or only."),
        },
        parse.GetValue(ImageFolder));
}
