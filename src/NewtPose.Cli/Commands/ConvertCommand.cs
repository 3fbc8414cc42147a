using System.CommandLine;
using NewtPose.Data;

namespace NewtPose.Cli.Commands;

/// <summary>`newtpose convert --input PATH --output PATH --to coco|dlc|yolo [--from F] [--force]`: nothing is written unless the input reads cleanly.</summary>
internal static class ConvertCommand
{
    /// <summary>Names that are label files, not folders: DLC and YOLO write a folder, and a folder called x.json is a typo.</summary>
    private static readonly string[] FileExtensions = [".json", ".csv", ".h5", ".yaml", ".yml", ".txt", ".slp"];

    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "Labels to read (file or folder).", Required = true };
        var output = new Option<string>("--output") { Description = "COCO: a .json file or folder; DLC and YOLO: a folder.", Required = true };
        var to = new Option<LabelFormat?>("--to") { Description = "Target format: coco, dlc, yolo, or labelstudio (pre-annotations to import).", Required = true, CustomParser = r => CliOptions.ParseFormat(r, "--to") };
        var from = new Option<LabelFormat?>("--from") { Description = "Source format: coco, dlc, yolo, sleap or labelstudio (default: detected from the input path).", CustomParser = r => CliOptions.ParseFormat(r, "--from") };
        var swap = new Option<string?>("--swap-pairs") { Description = "Left/right pairs to use instead of the file's or the inferred ones: left:right,left:right." };
        var split = new Option<string?>("--split") { Description = "YOLO: the split JSON (newtpose split) whose train/val/test sides become images/train, images/val, images/test." };
        var force = CliOptions.Force("label files already at the output");
        var command = new Command("convert", "Convert labels between COCO, DeepLabCut, YOLO pose and Label Studio; reports what the target cannot hold.");
        foreach (var o in new Option[] { input, output, to, from, swap, split, force }) command.Options.Add(o);
        var load = new LabelLoadOptions();
        load.AddTo(command);
        command.Validators.Add(r =>
        {
            if (r.GetValue(to) is { } target && target != LabelFormat.Coco && target != LabelFormat.LabelStudio && r.GetValue(output) is { } path
                && FileExtensions.Contains(Path.GetExtension(path).ToLowerInvariant()))
                r.AddError($"--output {path}: {target.Name()} labels are written to a folder (e.g. --output {Path.ChangeExtension(path, null)}), not to a {Path.GetExtension(path)} file.");
        });
        command.SetAction(parse => CommandRunner.Run(parse, (stdout, _) =>
        {
            var dataset = PoseData.Load(parse.GetValue(input)!, parse.GetValue(from), load.Read(parse));
            if (parse.GetValue(swap) is { } pairs) dataset = SwapPairs.Apply(dataset, SwapPairs.Parse(pairs, dataset.Skeleton));
            var sides = parse.GetValue(split) is { } s ? NewtPose.Data.Splits.DatasetSplit.Load(s) : null;
            var report = PoseData.Save(dataset, parse.GetValue(output)!, parse.GetValue(to)!.Value, parse.GetValue(force), sides);
            stdout.WriteLine($"wrote {report.Format.Name()} labels to {report.OutputPath}: {report.Images} images, {report.Instances} instances, " +
                $"{report.LabeledPoints} labelled points, {report.CopiedImages} image files copied.");
            foreach (var w in dataset.Warnings) stdout.WriteLine("warning: " + w);
            foreach (var note in report.Notes) stdout.WriteLine("note: " + note);
            foreach (var loss in report.Losses) stdout.WriteLine("not kept: " + loss);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
