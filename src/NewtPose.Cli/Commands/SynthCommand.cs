using System.CommandLine;
using NewtPose.Data;
using NewtPose.Drawing;
using NewtPose.IO;
using NewtPose.Synthesis;
using SkiaSharp;
using Spectre.Console;

namespace NewtPose.Cli.Commands;

/// <summary>`newtpose synth --out DIR [--count N] [--seed S] [--individuals M] [--size WxH] [--grid FILE] [--force]`: writes synthetic ventral newt photos with exact COCO keypoints.</summary>
internal static class SynthCommand
{
    public static Command Create()
    {
        var outOption = new Option<string>("--out") { Description = "Output folder (annotations.json and images/).", Required = true };
        var countOption = CliOptions.WholeNumber("--count", "Number of photos.", 200);
        var seedOption = CliOptions.WholeNumber("--seed", "Random seed: the same arguments give byte-identical files.", 1);
        var individualsOption = CliOptions.WholeNumber("--individuals", "Number of distinct animals (photo i shows animal i mod M).", 40);
        var sizeOption = new Option<(int Width, int Height)>("--size")
        {
            Description = "Photo size WxH in pixels (default 1600x1200).", DefaultValueFactory = _ => (1600, 1200),
            CustomParser = r =>
            {
                try { return ParseSize(r.Tokens[0].Value); }
                catch (ArgumentException e) { r.AddError(e.Message); return default; }
            },
        };
        var fillOption = new Option<(float Min, float Max)>("--fill")
        {
            Description = "Span of the animal along the frame's tighter side, MIN:MAX (default 0.42:0.78; 0.15:0.6 for a small newt in a large photo).",
            DefaultValueFactory = _ => (NewtSceneSampler.DefaultMinFill, NewtSceneSampler.DefaultMaxFill),
            CustomParser = r =>
            {
                try { return ParseFill(r.Tokens[0].Value); }
                catch (ArgumentException e) { r.AddError(e.Message); return default; }
            },
        };
        var gridOption = new Option<string?>("--grid") { Description = "Also write a JPEG contact sheet of the first 12 photos with keypoints and skeleton drawn." };
        var force = CliOptions.Force("the output folder's files");
        var command = new Command("synth", "Generate synthetic belly photos of newts with exact keypoints (COCO).");
        foreach (var o in new Option[] { outOption, countOption, seedOption, individualsOption, sizeOption, fillOption, gridOption, force }) command.Options.Add(o);
        command.SetAction(parse => CommandRunner.Run(parse, (stdout, _) =>
        {
            var (width, height) = parse.GetValue(sizeOption);
            var options = new SynthOptions(parse.GetValue(outOption)!, parse.GetValue(countOption), parse.GetValue(seedOption),
                parse.GetValue(individualsOption), width, height) { MinFill = parse.GetValue(fillOption).Min, MaxFill = parse.GetValue(fillOption).Max };
            options.Validate();
            CommandRunner.RefuseExisting(options.OutputFolder, parse.GetValue(force), "a folder that is not empty");
            if (parse.GetValue(gridOption) is { } sheetPath) CommandRunner.RefuseExisting(sheetPath, parse.GetValue(force), "the contact sheet");
            var started = DateTime.UtcNow;
            PoseDataset? dataset = null;
            AnsiConsole.Progress().Start(context =>
            {
                var task = context.AddTask($"Rendering {options.Count} photos", maxValue: options.Count);
                dataset = NewtSynthesizer.Generate(options, new SynchronousProgress(p => task.Value = p.Done));
            });
            var folder = Path.GetFullPath(options.OutputFolder);
            stdout.WriteLine($"Wrote {options.Count} photos of {Math.Min(options.Individuals, options.Count)} newts to {folder} " +
                $"({NewtSynthesizer.AnnotationsFile}, images/) in {(DateTime.UtcNow - started).TotalSeconds:F1} s.");
            if (parse.GetValue(gridOption) is { } grid)
            {
                using var sheet = DatasetSheet.Compose(dataset!);
                using var jpeg = sheet.Encode(SKEncodedImageFormat.Jpeg, 88);
                AtomicFile.WriteAllBytes(grid, jpeg.ToArray());
                stdout.WriteLine($"Wrote the contact sheet {Path.GetFullPath(grid)}.");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    internal static (int Width, int Height) ParseSize(string text)
    {
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], out var w) && int.TryParse(parts[1], out var h)) return (w, h);
        throw new ArgumentException($"--size '{text}' is not WxH (e.g. 1600x1200).");
    }

    internal static (float Min, float Max) ParseFill(string text)
    {
        var parts = text.Split(':');
        if (parts.Length == 2 && float.TryParse(parts[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var min)
            && float.TryParse(parts[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var max)) return (min, max);
        throw new ArgumentException($"--fill '{text}' is not MIN:MAX (e.g. 0.15:0.6).");
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to a thread pool and could arrive after the end).</summary>
    private sealed class SynchronousProgress(Action<SynthProgress> report) : IProgress<SynthProgress>
    {
        private readonly Lock _gate = new();
        public void Report(SynthProgress value) { lock (_gate) report(value); }
    }
}
