using System.CommandLine;
using NewtPose.Data;
using NewtPose.Data.Inspection;

namespace NewtPose.Cli.Commands;

/// <summary>`newtpose inspect PATH [--format F] [--json]`: what a label file holds, and everything wrong with it.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A COCO .json, a DeepLabCut project folder or CollectedData CSV, or a YOLO data.yaml / folder." };
        var format = CliOptions.Format("coco, dlc or yolo (default: detected from the path).");
        var swap = new Option<string?>("--swap-pairs") { Description = "Left/right pairs to use instead of the file's or the inferred ones: left:right,left:right." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (snake_case fields) instead of a table." };
        var command = new Command("inspect", "Summarise a labelled dataset: images, instances, keypoints, missing files, swap pairs, warnings.");
        command.Arguments.Add(path);
        command.Options.Add(format);
        command.Options.Add(json);
        command.Options.Add(swap);
        var load = new LabelLoadOptions();
        load.AddTo(command);
        command.SetAction(parse => CommandRunner.Run(parse, (stdout, _) =>
        {
            var input = parse.GetValue(path)!;
            var resolved = parse.GetValue(format) ?? PoseData.Detect(input);
            var dataset = PoseData.Load(input, resolved, load.Read(parse));
            if (parse.GetValue(swap) is { } pairs) dataset = SwapPairs.Apply(dataset, SwapPairs.Parse(pairs, dataset.Skeleton));
            var summary = DatasetInspector.Inspect(dataset, resolved);
            stdout.WriteLine(parse.GetValue(json) ? summary.ToJson() : Table(summary));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string Table(DatasetSummary s)
    {
        string Size(int[]? v) => v is null ? "unknown" : $"{v[0]}x{v[1]}";
        var lines = new List<string>
        {
            $"format              {s.Format}",
            $"root                {s.Root}",
            $"images              {s.Images} ({s.LabeledImages} labelled, {s.MissingImageFiles} files missing)",
            $"instances           {s.Instances}",
            $"points              {s.LabeledPoints} labelled, {s.OccludedPoints} of them occluded, {s.MissingPoints} not labelled",
            $"image sizes         {Size(s.ImageSizeMin)} .. {Size(s.ImageSizeMax)}",
            $"swap pairs          {(s.SwapPairs.Count == 0 ? "none" : string.Join(", ", s.SwapPairs.Select(p => $"{p[0]}/{p[1]}")))}",
            "",
            "keypoint            labelled",
        };
        var width = Math.Max(20, s.Keypoints.Max(k => k.Length) + 2);
        lines.AddRange(s.Keypoints.Select((k, i) => k.PadRight(width) + s.LabeledPerKeypoint[i]));
        if (s.SuggestedViews is { } views)
        {
            lines.Add("");
            lines.Add($"views               a multi-view rig: the keypoints' suffixes name {views.Count} views, each in its own band of the frame");
            lines.AddRange(views.Select(v => $"  {v.Name,-17} region [{string.Join(", ", v.Region.Select(x => x.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)))}] (x, y, width, height of the frame): {string.Join(", ", v.Keypoints)}"));
            lines.Add("  to crop and predict each view on its own, train with these views (a --config file):");
            lines.Add("  " + ViewSuggestion.ToOptionsJson(views));
        }
        if (s.Warnings.Count > 0)
        {
            lines.Add("");
            lines.Add($"warnings ({s.Warnings.Count})");
            lines.AddRange(s.Warnings.Select(w => "  - " + w));
        }
        return string.Join(Environment.NewLine, lines);
    }
}
