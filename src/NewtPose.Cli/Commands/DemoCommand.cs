using System.CommandLine;
using NewtPose.Data;
using NewtPose.Notebooks;
using NewtPose.Training;

namespace NewtPose.Cli.Commands;

/// <summary>
/// `newtpose demo [--out DIR] [--quick] [--data PATH] [--dry-run] [--force]`: trains on the bundled synthetic newts (data-samples/newts) with
/// a configuration sized to finish within 10 minutes on 2 CPU cores, prints the test-split table and writes
/// report.html + metrics.json into the run folder. --quick trains a tiny configuration for a seconds-long smoke test.
/// </summary>
internal static class DemoCommand
{
    /// <summary>
    /// The demo configuration (also bench/configs/demo.json; docs/benchmarks-training.md has its figures): 128², batch 8,
    /// 40 epochs, flip test; about 6 minutes on an idle 2-core machine (22 img/s), several times that when the machine is shared.
    /// </summary>
    internal static readonly TrainingOptions Demo = new() { InputWidth = 128, InputHeight = 128, Epochs = 40 };

    /// <summary>A smoke-test configuration: seconds, not accuracy.</summary>
    internal static readonly TrainingOptions QuickDemo = Demo with { InputWidth = 64, InputHeight = 64, BatchSize = 8, Epochs = 1, WarmupEpochs = 0 };

    public static Command Create()
    {
        var output = new Option<string?>("--out") { Description = "Run folder to create (default: runs/demo-YYYYMMDD-HHMMSS)." };
        var quick = new Option<bool>("--quick") { Description = "A tiny configuration that runs in seconds (a smoke test, not a result)." };
        var data = new Option<string?>("--data") { Description = $"Labels to use instead of {SampleData.BundledNewts}." };
        var run = new TrainCommand.RunOptions();
        var command = new Command("demo", "Train on the bundled synthetic newts and write a report (about 10 minutes on 2 cores).");
        foreach (var o in new Option[] { output, quick, data }.Concat(run.All)) command.Options.Add(o);
        command.SetAction((parse, cancellationToken) => Task.FromResult(TrainCommand.Run(parse, () =>
        {
            var labels = parse.GetValue(data) ?? FindSampleData();
            var dataset = PoseData.Load(labels);
            var options = parse.GetValue(quick) ? QuickDemo : Demo;
            var folder = parse.GetValue(output) ?? Path.Combine("runs", $"demo-{DateTime.Now:yyyyMMdd-HHmmss}");
            return new TrainCommand.Plan(dataset, options, PoseTraining.DefaultSplit(dataset, options.Seed), folder, Resume: false,
                parse.GetValue(run.Force), parse.GetValue(run.DryRun), labels, null);
        }, cancellationToken)));
        return command;
    }

    /// <summary>data-samples/newts in the working folder or above it, else beside or above the executable.</summary>
    private static string FindSampleData()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, SampleData.BundledNewts);
                if (File.Exists(candidate)) return candidate;
            }
        throw new ArgumentException($"{SampleData.BundledNewts} was not found in {Directory.GetCurrentDirectory()}, the executable's folder or any folder above them. " +
                                    "Run the demo from a NewtPose clone, or pass --data PATH to your own labels.");
    }
}
