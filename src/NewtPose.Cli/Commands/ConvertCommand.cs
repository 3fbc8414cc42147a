using System.CommandLine;
using NewtPose.Data;

namespace NewtPose.Cli.Commands;

/// <summary>`newtpose convert --input PATH --output PATH --to coco|dlc|yolo [--from F]`: nothing is written unless the input reads cleanly.</summary>
internal static class ConvertCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "Labels to read (file or folder).", Required = true };
        var output = new Option<string>("--output") { Description = "COCO: a .json file or folder; DLC and YOLO: a folder.", Required = true };
        var to = new Option<string>("--to") { Description = "Target format: coco, dlc, yolo, or labelstudio (pre-annotations to import).", Required = true };
        var from = new Option<string?>("--from") { Description = "Source format: coco, dlc, yolo, sleap or labelstudio (default: detected from the input path)." };
        var swap = new Option<string?>("--swap-pairs") { Description = "Left/right pairs to use instead of the file's or the inferred ones: left:right,left:right." };
        var split = new Option<string?>("--split") { Description = "YOLO: the split JSON (newtpose split) whose train/val/test sides become images/train, images/val, images/test." };
        var force = new Option<bool>("--force") { Description = "Overwrite label files already at the output." };
        var command = new Command("convert", "Convert labels between COCO, DeepLabCut and YOLO pose; reports what the target cannot hold.");
        foreach (var o in new Option[] { input, output, to, from, swap, split, force }) command.Options.Add(o);
        var load = new LabelLoadOptions();
        load.AddTo(command);
        command.SetAction(parseResult =>
        {
            var stdout = parseResult.InvocationConfiguration.Output;
            var stderr = parseResult.InvocationConfiguration.Error;
            try
            {
                var target = LabelFormatNames.Parse(parseResult.GetValue(to)!);
                var source = parseResult.GetValue(from) is { } f ? LabelFormatNames.Parse(f) : (LabelFormat?)null;
                var dataset = PoseData.Load(parseResult.GetValue(input)!, source, load.Read(parseResult));
                if (parseResult.GetValue(swap) is { } pairs) dataset = SwapPairs.Apply(dataset, SwapPairs.Parse(pairs, dataset.Skeleton));
                var sides = parseResult.GetValue(split) is { } s ? NewtPose.Data.Splits.DatasetSplit.Load(s) : null;
                var report = PoseData.Save(dataset, parseResult.GetValue(output)!, target, parseResult.GetValue(force), sides);
                stdout.WriteLine($"wrote {report.Format.Name()} labels to {report.OutputPath}: {report.Images} images, {report.Instances} instances, " +
                    $"{report.LabeledPoints} labelled points, {report.CopiedImages} image files copied.");
                foreach (var w in dataset.Warnings) stdout.WriteLine("warning: " + w);
                foreach (var note in report.Notes) stdout.WriteLine("note: " + note);
                foreach (var loss in report.Losses) stdout.WriteLine("not kept: " + loss);
                return 0;
            }
            catch (Exception e) when (e is DatasetFormatException or ArgumentException or IOException or InvalidOperationException)
            {
                stderr.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }
}
