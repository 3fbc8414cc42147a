using System.CommandLine;
using NewtPose.Data;
using NewtPose.Data.Splits;

namespace NewtPose.Cli.Commands;

/// <summary>`newtpose split PATH --seed S [--val F] [--test F] [--group-by KEY|REGEX] [--shuffle N] --out FILE`.</summary>
internal static class SplitCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "Labels to split (any supported format)." };
        var seed = new Option<int>("--seed") { Description = "Seed; the same seed and shuffle give the same split.", Required = true };
        var val = new Option<double>("--val") { Description = "Validation share of labelled images.", DefaultValueFactory = _ => 0.2 };
        var test = new Option<double>("--test") { Description = "Test share of labelled images.", DefaultValueFactory = _ => 0.0 };
        var groupBy = new Option<string?>("--group-by") { Description = "Annotation attribute (e.g. individual) or a regex over the image path with one capture group." };
        var shuffle = new Option<int>("--shuffle") { Description = "Shuffle index (DeepLabCut-style): each gives another repeatable split." };
        var output = new Option<string>("--out") { Description = "Split JSON to write.", Required = true };
        var format = new Option<string?>("--format") { Description = "coco, dlc or yolo (default: detected)." };
        var command = new Command("split", "Seeded train/val/test split, whole animals to one side, saved as JSON.");
        command.Arguments.Add(path);
        foreach (var o in new Option[] { seed, val, test, groupBy, shuffle, output, format }) command.Options.Add(o);
        var load = new LabelLoadOptions();
        load.AddTo(command);
        command.SetAction(parseResult =>
        {
            var stdout = parseResult.InvocationConfiguration.Output;
            var stderr = parseResult.InvocationConfiguration.Error;
            try
            {
                var source = parseResult.GetValue(format) is { } f ? LabelFormatNames.Parse(f) : (LabelFormat?)null;
                var dataset = PoseData.Load(parseResult.GetValue(path)!, source, load.Read(parseResult));
                var options = new SplitOptions(parseResult.GetValue(seed), parseResult.GetValue(val), parseResult.GetValue(test),
                    parseResult.GetValue(groupBy), parseResult.GetValue(shuffle));
                var split = DatasetSplitter.Split(dataset, options);
                split.Save(parseResult.GetValue(output)!);
                stdout.WriteLine($"{split.Groups} groups: train {split.Train.Count}, val {split.Val.Count}, test {split.Test.Count} images -> {parseResult.GetValue(output)}");
                return 0;
            }
            catch (Exception e) when (e is DatasetFormatException or ArgumentException or IOException)
            {
                stderr.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }
}
