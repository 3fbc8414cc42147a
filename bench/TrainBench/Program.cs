// Training benchmarks through the library's Trainer (see docs/benchmarks-transfer.md and docs/benchmarks-realdata.md).
//   dotnet run -c Release --project bench/TrainBench -- transfer [--data data-samples/newts/annotations.json] [--epochs 25] [--wall-minutes 12] [--size 192] [--seed 1]
//   dotnet run -c Release --project bench/TrainBench -- real --data /path/to/dlc-folder [--epochs 90] [--wall-minutes 25] [--size 256] [--seed 1]
//   dotnet run -c Release --project bench/TrainBench -- evaluate --data /path/to/dlc-folder --run RUN_FOLDER
// Comparing backbones (and heads, train sizes, seeds) is a product command now: `newtpose compare` (docs/comparison.md).
// Every run uses the same fine-tuning config (heatmap head, batch 8, AdamW head LR 1e-3, trunk LR ×0.1, backbone BN frozen,
// cosine schedule; default augmentation and the flip test for the newts, the rig preset (light without flips) for a fixed-camera DLC rig); early stopping
// is off so each run gets the whole epoch budget. `--flip-test on|off` overrides the flip test; `evaluate` prints both.
using System.Globalization;
using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Data.Splits;
using NewtPose.Evaluation;
using NewtPose.Training;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var bench = BenchArgs.Parse(args);
var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
var outRoot = Path.GetFullPath(Path.Combine(bench.Out, $"{bench.Mode}-{stamp}"));
if (bench.Mode != "evaluate") Directory.CreateDirectory(outRoot);

var dataset = PoseData.Load(bench.Data);
foreach (var w in dataset.Warnings) Console.Error.WriteLine($"warning: {w}");
var options = new TrainingOptions
{
    Head = "heatmap",
    InputWidth = bench.Size,
    InputHeight = bench.Size,
    BatchSize = 8,
    Epochs = bench.Epochs,
    LearningRate = 1e-3,
    BackboneLearningRateFactor = 0.1,
    FreezeBackboneNormalization = true,
    Schedule = LearningRateScheduleKind.Cosine,
    EarlyStoppingPatience = 0,
    CheckpointEveryEpoch = false,
    Seed = bench.Seed,
    Threads = bench.Threads,
    Workers = 2,
    FlipTest = bench.FlipTest,
};
var budget = TimeSpan.FromMinutes(bench.WallMinutes);
// Photos of one animal share its look: split by individual when the labels say who is who, else by frame (one video rig).
var groupBy = dataset.Images.Any(i => i.Instances.Any(a => a.Individual is not null)) ? "individual" : null;
options = options with { Augmentation = Presets.Augmentation(bench.Augmentation, bench.Flips) };

Console.WriteLine($"# TrainBench {bench.Mode} — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} logical CPUs, load average at start {LoadAverage.Now()}");
Console.WriteLine($"command: TrainBench {string.Join(' ', args)}");
Console.WriteLine($"data: {bench.Data} ({dataset.Images.Count} images, {dataset.Skeleton.Keypoints.Count} keypoints)");

switch (bench.Mode)
{
    case "transfer":
    {
        var split = DatasetSplitter.Split(dataset, new SplitOptions(bench.Seed, ValFraction: bench.ValFraction, TestFraction: 0, GroupBy: groupBy));
        PrintConfig(options, split, budget);
        // Same options, split, seed and budget; only the starting weights differ.
        var runs = new[] { ("resnet18-imagenet", true), ("resnet18", false) }
            .Select(r => BenchRun.Train($"{r.Item1} ({(r.Item2 ? "ImageNet" : "random init")})", dataset, split, options with { Backbone = r.Item1 },
                r.Item2, budget, Path.Combine(outRoot, r.Item1)))
            .ToList();
        Console.WriteLine();
        Console.WriteLine(Tables.Transfer(runs, bench.Threshold));
        foreach (var r in runs) Console.WriteLine(Tables.Curve(r));
        break;
    }
    case "real":
    {
        var split = DatasetSplitter.Split(dataset, new SplitOptions(bench.Seed, ValFraction: bench.ValFraction, TestFraction: bench.TestFraction));
        PrintConfig(options, split, budget);
        var run = BenchRun.Train("resnet18-imagenet", dataset, split, options with { Backbone = "resnet18-imagenet" },
            true, budget, Path.Combine(outRoot, "resnet18-imagenet"));
        Console.WriteLine();
        Console.WriteLine(Tables.Real(run));
        Console.WriteLine(Tables.Curve(run));
        break;
    }
    case "evaluate":
    {
        // Scores a run folder's best model on its recorded split (test, else validation): for runs cut short elsewhere.
        var run = bench.Run ?? throw new ArgumentException("evaluate needs --run FOLDER (a TrainBench or `newtpose train` run folder)");
        var split = DatasetSplit.Load(Path.Combine(run, "split.json"));
        // Both ways, so a flip-test figure always comes with the plain one it is compared against (not for a model trained without flips).
        var flips = NewtPose.Models.PoseModels.LoadCard(run).TrainedWithFlips != false;
        foreach (var flipTest in flips ? new[] { false, true } : [false])
        {
            var final = BenchRun.EvaluateBest(dataset, split, run, bestEpoch: 0, flipTest);
            Console.WriteLine($"{run}: {final.Split} split, flip test {(flipTest ? "on " : "off")}, animal found by the model: {MetricColumns.Summary(final.Report.Overall)}" +
                (final.LabelCrops is { } l ? $"; {EvaluationCrops.Label}: {MetricColumns.Summary(l.Overall)}" : ""));
        }
        break;
    }
}
Console.WriteLine((bench.Mode == "evaluate" ? "" : $"run folders: {outRoot}; ") + $"load average at end {LoadAverage.Now()}");

void PrintConfig(TrainingOptions o, DatasetSplit split, TimeSpan budget) =>
    Console.WriteLine($"split: seed {split.Seed}, {split.Train.Count} train / {split.Val.Count} val / {split.Test.Count} test images" +
        (split.GroupBy is null ? " (by frame)" : $" (grouped by {split.GroupBy}, {split.Groups} groups)") + "\n" +
        $"config: {o.Head} head, input {o.InputWidth}x{o.InputHeight} crops around the animal, batch {o.BatchSize}, AdamW head LR {o.LearningRate:G3}, " +
        $"trunk LR x{o.BackboneLearningRateFactor:G3}, backbone BN {(o.FreezeBackboneNormalization ? "frozen" : "trained")}, {bench.Augmentation}{(bench.Flips ? "" : " without flips")} augmentation, " +
        $"{o.Schedule.ToString().ToLowerInvariant()} schedule with {o.WarmupEpochs:G3} warm-up epoch, weight decay {o.WeightDecay:G3}, {o.Epochs} epochs, " +
        $"early stopping off, flip test {(o.FlipTest ? "on" : "off")}, wall cap {budget.TotalMinutes:G3} min per run, {o.Threads} threads, {o.Workers} data workers, seed {o.Seed}");

internal sealed record BenchArgs(string Mode, string Data, int Epochs, double WallMinutes, int Size, int Seed, int Threads,
    double ValFraction, double TestFraction, double Threshold, string Out, string Augmentation, bool Flips, bool FlipTest, string? Run)
{
    public static BenchArgs Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("transfer" or "real" or "evaluate"))
            throw new ArgumentException("usage: TrainBench transfer|real|evaluate [--data PATH] [--run FOLDER] [--epochs N] [--wall-minutes M] [--size PX] [--seed N] [--threads N] [--val F] [--test F] [--threshold F] [--out DIR] [--augmentation none|light|rig|default|heavy] [--flips on|off] [--flip-test on|off]");
        var mode = args[0];
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"expected '--name value' at '{args[i]}'");
            values[args[i][2..]] = args[i + 1];
        }
        string S(string name, string fallback) => values.Remove(name, out var v) ? v : fallback;
        double D(string name, double fallback) => double.Parse(S(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        bool OnOff(string name, string fallback) => S(name, fallback) switch
        {
            "on" => true, "off" => false, var f => throw new ArgumentException($"--{name} must be on or off, not '{f}'"),
        };
        int I(string name, int fallback) => int.Parse(S(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var real = mode is "real" or "evaluate";
        var parsed = new BenchArgs(mode,
            S("data", real ? "" : "data-samples/newts/annotations.json"),
            I("epochs", real ? 90 : 25),
            D("wall-minutes", real ? 25 : 12),
            I("size", real ? 256 : 192),
            I("seed", 1),
            I("threads", 2),
            D("val", real ? 0.1 : 0.2),
            D("test", real ? 0.1 : 0),
            D("threshold", 0.95),
            S("out", Path.Combine(Path.GetTempPath(), "trainbench")),
            // A fixed-camera rig (the real DLC data) is never seen upside down or mirrored: the rig preset (light, no flips).
            S("augmentation", real ? "rig" : "default"),
            OnOff("flips", "on"),
            // The flip test only makes sense for a model trained with flips.
            OnOff("flip-test", real ? "off" : "on"),
            values.Remove("run", out var runFolder) ? runFolder : null);
        if (values.Count > 0) throw new ArgumentException($"unknown option(s): {string.Join(", ", values.Keys.Select(k => "--" + k))}");
        if (parsed.Data.Length == 0) throw new ArgumentException($"{mode} needs --data PATH (a label file or dataset folder)");
        return parsed;
    }
}

internal static class Presets
{
    public static AugmentationOptions Augmentation(string name, bool flips)
    {
        AugmentationOptions preset;
        try { preset = AugmentationOptions.Preset(name); }
        catch (ArgumentException e) { throw new ArgumentException($"--augmentation: {e.Message}", e); }
        return flips ? preset : preset with { HorizontalFlipProbability = 0, VerticalFlipProbability = 0 };
    }
}
