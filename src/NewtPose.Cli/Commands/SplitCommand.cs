using System.CommandLine;
using NewtPose.Data;
using NewtPose.Data.Splits;

namespace NewtPose.Cli.Commands;

/// <summary>`newtpose split PATH --seed S [--val F] [--test F] [--group-by KEY|REGEX] [--shuffle N] --out FILE [--force]`.</summary>
internal static class SplitCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "Labels to split (any supported format)." };
        var seed = CliOptions.WholeNumber("--seed", "Seed; the same seed and shuffle give the same split.");
        seed.Required = true;
        var val = CliOptions.Number("--val", "Validation share of labelled images.", 0.2);
        var test = CliOptions.Number("--test", "Test share of labelled images.", 0.0);
        var groupBy = new Option<string?>("--group-by") { Description = "Annotation attribute (e.g. individual) or a regex over the image path with one capture group." };
        var shuffle = CliOptions.WholeNumber("--shuffle", "Shuffle index (DeepLabCut-style): each gives another repeatable split.", 0);
        var output = new Option<string>("--out") { Description = "Split JSON to write.", Required = true };
        var format = CliOptions.Format("coco, dlc or yolo (default: detected).");
        var force = CliOptions.Force("the split file");
        var command = new Command("split", "Seeded train/val/test split, whole animals to one side, saved as JSON.");
        command.Arguments.Add(path);
        foreach (var o in new Option[] { seed, val, test, groupBy, shuffle, output, format, force }) command.Options.Add(o);
        var load = new LabelLoadOptions();
        load.AddTo(command);
        command.SetAction(parse => CommandRunner.Run(parse, (stdout, _) =>
        {
            var file = parse.GetValue(output)!;
            CommandRunner.RefuseExisting(file, parse.GetValue(force), "a split file");
            var dataset = PoseData.Load(parse.GetValue(path)!, parse.GetValue(format), load.Read(parse));
            var options = new SplitOptions(parse.GetValue(seed)!.Value, parse.GetValue(val), parse.GetValue(test), parse.GetValue(groupBy), parse.GetValue(shuffle));
            var split = DatasetSplitter.Split(dataset, options);
            split.Save(file);
            stdout.WriteLine($"{split.Groups} groups: train {split.Train.Count}, val {split.Val.Count}, test {split.Test.Count} images -> {file}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
