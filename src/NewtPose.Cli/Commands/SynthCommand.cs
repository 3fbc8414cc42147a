using System.CommandLine;
using NewtPose.Data;
using NewtPose.Drawing;
using NewtPose.IO;
using NewtPose.Synthesis;
using SkiaSharp;
using Spectre.Console;

namespace NewtPose.Cli.Commands;

/// <summary>`newtpose synth`: writes synthetic ventral newt photos with exact COCO keypoints.</summary>
internal static class SynthCommand
{
    public static Command Create()
    {
        var outOption = new Option<string>("--out") { Description = "Output folder (annotations.json and images/).", Required = true };
        var countOption = new Option<int>("--count") { Description = "Number of photos.", DefaultValueFactory = _ => 200 };
        var seedOption = new Option<int>("--seed") { Description = "Random seed: the same arguments give byte-identical files.", DefaultValueFactory = _ => 1 };
        var individualsOption = new Option<int>("--individuals") { Description = "Number of distinct animals (photo i shows animal i mod M).", DefaultValueFactory = _ => 40 };
        var sizeOption = new Option<string>("--size") { Description = "Photo size WxH in pixels.", DefaultValueFactory = _ => "1600x1200" };
        var fillOption = new Option<string>("--fill") { Description = "Span of the animal along the frame's tighter side, MIN:MAX (0.15:0.6 for a small newt in a large photo).", DefaultValueFactory = _ => "0.42:0.78" };
        var gridOption = new Option<string?>("--grid") { Description = "Also write a JPEG contact sheet of the first 12 photos with keypoints and skeleton drawn." };
        var command = new Command("synth", "Generate synthetic belly photos of newts with exact keypoints (COCO).");
        command.Options.Add(outOption); command.Options.Add(countOption); command.Options.Add(seedOption);
        command.Options.Add(individualsOption); command.Options.Add(sizeOption); command.Options.Add(fillOption); command.Options.Add(gridOption);
        command.SetAction(parseResult =>
        {
            try
            {
                var (width, height) = ParseSize(parseResult.GetValue(sizeOption)!);
                var options = new SynthOptions(parseResult.GetValue(outOption)!, parseResult.GetValue(countOption), parseResult.GetValue(seedOption),
                    parseResult.GetValue(individualsOption), width, height) { MinFill = ParseFill(parseResult.GetValue(fillOption)!).Min, MaxFill = ParseFill(parseResult.GetValue(fillOption)!).Max };
                options.Validate();
                var started = DateTime.UtcNow;
                PoseDataset? dataset = null;
                AnsiConsole.Progress().Start(context =>
                {
                    var task = context.AddTask($"Rendering {options.Count} photos", maxValue: options.Count);
                    dataset = NewtSynthesizer.Generate(options, new SynchronousProgress(p => task.Value = p.Done));
                });
                var folder = Path.GetFullPath(options.OutputFolder);
                Console.WriteLine($"Wrote {options.Count} photos of {Math.Min(options.Individuals, options.Count)} newts to {folder} " +
                    $"({NewtSynthesizer.AnnotationsFile}, images/) in {(DateTime.UtcNow - started).TotalSeconds:F1} s.");
                if (parseResult.GetValue(gridOption) is { } grid)
                {
                    using var sheet = DatasetSheet.Compose(dataset!);
                    using var jpeg = sheet.Encode(SKEncodedImageFormat.Jpeg, 88);
                    AtomicFile.WriteAllBytes(grid, jpeg.ToArray());
                    Console.WriteLine($"Wrote the contact sheet {Path.GetFullPath(grid)}.");
                }
                return 0;
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"synth: {e.Message}");
                return 2;
            }
        });
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
