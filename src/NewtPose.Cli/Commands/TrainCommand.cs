using System.CommandLine;
using NewtPose.Augmentation;
using NewtPose.Cli.Progress;
using NewtPose.Data;
using NewtPose.Data.Splits;
using NewtPose.Training;

namespace NewtPose.Cli.Commands;

/// <summary>
/// `newtpose train --data PATH --out RUN_DIR [--split FILE] [--config FILE] [--backbone NAME] [--head heatmap|integral]
/// [--input-size N] [--epochs N] [--batch N] [--augment PRESET] [--seed S] [--threads N] [--device auto|cpu|cuda] [--resume]`.
/// Settings come from <see cref="PoseTraining.Recommended"/> (bench/configs/full.json), then --config, then the flags given; with --resume
/// they start from the run folder's options.json and split.json instead.
/// </summary>
internal static class TrainCommand
{
    /// <summary>The flags shared by `train` and `demo` that override options.</summary>
    internal sealed class OverrideOptions
    {
        public readonly Option<string?> Config = new("--config") { Description = "Training options JSON (snake_case, as options.json in a run folder; e.g. bench/configs/full.json)." };
        public readonly Option<string?> Backbone = new("--backbone") { Description = "Backbone name (see `newtpose models`); default resnet18-imagenet." };
        public readonly Option<string?> Head = new("--head") { Description = "heatmap (default) or integral." };
        public readonly Option<int?> InputSize = new("--input-size") { Description = "Network input side in pixels, a multiple of 32." };
        public readonly Option<int?> Epochs = new("--epochs") { Description = "Epochs to train." };
        public readonly Option<int?> Batch = new("--batch") { Description = "Batch size." };
        public readonly Option<string?> Augment = new("--augment") { Description = $"Augmentation preset: {string.Join(", ", AugmentationOptions.PresetNames)}." };
        public readonly Option<int?> Seed = new("--seed") { Description = "Seed of the weights, the batches and the default split." };
        public readonly Option<int?> Threads = new("--threads") { Description = "libtorch threads (default 2)." };
        public readonly Option<string?> Device = new("--device") { Description = "auto, cpu or cuda[:N]." };
        public readonly Option<bool?> FlipTest = new("--flip-test") { Description = "Score validation and test with the flip test (true/false; on in the recommended config, off with --augment none or rig: it needs a model trained with flips)." };

        public readonly Option<string?> InitFrom = new("--init-from") { Description = "Start from the weights of an earlier run folder (same backbone, head, input size and keypoints): the retrain step of a refinement round." };

        public IEnumerable<Option> All => [Config, Backbone, Head, InputSize, Epochs, Batch, Augment, Seed, Threads, Device, FlipTest, InitFrom];

        /// <summary>The starting options with --config and then each given flag applied.</summary>
        public TrainingOptions Apply(ParseResult parse, TrainingOptions start)
        {
            var options = parse.GetValue(Config) is { } config ? TrainingOptions.Load(config) : start;
            if (parse.GetValue(Backbone) is { } backbone) options = options with { Backbone = backbone };
            if (parse.GetValue(Head) is { } head) options = options with { Head = head };
            if (parse.GetValue(InputSize) is { } size) options = options with { InputWidth = size, InputHeight = size };
            if (parse.GetValue(Epochs) is { } epochs) options = options with { Epochs = epochs, WarmupEpochs = Math.Min(options.WarmupEpochs, epochs) };
            if (parse.GetValue(Batch) is { } batch) options = options with { BatchSize = batch };
            if (parse.GetValue(Augment) is { } augment)
            {
                _ = AugmentationOptions.Preset(augment); // refuses an unknown name, listing the known ones
                options = options with { Augmentation = augment.ToLowerInvariant() };
            }
            if (parse.GetValue(Seed) is { } seed) options = options with { Seed = seed };
            if (parse.GetValue(Threads) is { } threads) options = options with { Threads = threads };
            if (parse.GetValue(Device) is { } device) options = options with { Device = device };
            if (parse.GetValue(InitFrom) is { } initFrom) options = options with { InitFrom = Path.GetFullPath(initFrom) };
            if (parse.GetValue(FlipTest) is { } flipTest) options = options with { FlipTest = flipTest };
            // `--augment none` alone switches the flip test off: a model that never saw a mirror cannot be scored with one.
            else if (parse.GetValue(Augment) is not null && !PoseTraining.TrainsWithHorizontalFlips(options)) options = options with { FlipTest = false };
            options.Validate();
            return options;
        }
    }

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Labels (COCO JSON, DeepLabCut project/CSV/H5, YOLO data.yaml).", Required = true };
        var output = new Option<string>("--out") { Description = "Run folder to create (or to continue with --resume).", Required = true };
        var split = new Option<string?>("--split") { Description = "Split JSON from `newtpose split` (default: seeded 70/15/15 %, grouped by individual when named)." };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out after its last completed epoch (options and split from the run folder)." };
        var format = new Option<string?>("--format") { Description = "coco, dlc or yolo (default: detected)." };
        var overrides = new OverrideOptions();
        var command = new Command("train", "Train a pose model; writes a run folder with the best model, metrics.json (test split) and report.html.");
        foreach (var o in new Option[] { data, output, split, resume, format }.Concat(overrides.All)) command.Options.Add(o);
        command.SetAction((parse, cancellationToken) => Task.FromResult(Run(parse, () =>
        {
            var source = parse.GetValue(format) is { } f ? LabelFormatNames.Parse(f) : (LabelFormat?)null;
            var dataset = PoseData.Load(parse.GetValue(data)!, source);
            var run = new RunFolder(parse.GetValue(output)!);
            var resuming = parse.GetValue(resume);
            if (resuming && !File.Exists(run.OptionsFile)) throw new ArgumentException($"--resume: {run.Path} holds no training run (no options.json).");
            var options = overrides.Apply(parse, resuming ? TrainingOptions.Load(run.OptionsFile) : PoseTraining.Recommended);
            var chosen = resuming ? DatasetSplit.Load(run.SplitFile)
                : parse.GetValue(split) is { } file ? DatasetSplit.Load(file) : PoseTraining.DefaultSplit(dataset, options.Seed);
            return (dataset, options, chosen, run.Path, resuming);
        }, cancellationToken)));
        return command;
    }

    /// <summary>
    /// Trains what <paramref name="prepare"/> sets up, prints the result table and writes report.html; returns the exit
    /// code: 0, or 1 with a one-line reason on stderr for bad input.
    /// </summary>
    internal static int Run(ParseResult parse, Func<(PoseDataset Dataset, TrainingOptions Options, DatasetSplit Split, string RunFolder, bool Resume)> prepare,
        CancellationToken cancellationToken)
    {
        var stdout = parse.InvocationConfiguration.Output;
        var stderr = parse.InvocationConfiguration.Error;
        try
        {
            var (dataset, options, split, runFolder, resume) = prepare();
            foreach (var warning in dataset.Warnings) stderr.WriteLine($"warning: {warning}");
            stdout.WriteLine($"{dataset.Images.Count} images, {dataset.Skeleton.Count} keypoints; split train {split.Train.Count} / val {split.Val.Count} / test {split.Test.Count} images" +
                             (split.GroupBy is null ? "" : $" (grouped by {split.GroupBy})"));
            stdout.WriteLine($"{options.Backbone} + {options.Head} head, {options.InputWidth}x{options.InputHeight}, {options.Epochs} epochs, batch {options.BatchSize}, augmentation {options.Augmentation}, {options.Threads} threads -> {runFolder}");
            var progress = new ConsoleTrainingProgress(stderr, interactive: ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = PoseTraining.Train(dataset, split, options, runFolder, resume, progress, cancellationToken);
            var report = RunReport.Write(runFolder, dataset, result);
            stdout.WriteLine();
            stdout.WriteLine($"{result.FinalSplit} split, best epoch {result.BestEpoch} of {result.EpochsCompleted}, {watch.Elapsed.TotalMinutes:F1} min:");
            stdout.Write(MetricsTable.Format(result.Final));
            stdout.WriteLine($"model: {runFolder} (PoseModels.Load), metrics: {Path.Combine(runFolder, "metrics.json")}, report: {report}");
            return 0;
        }
        catch (Exception e) when (e is DatasetFormatException or ArgumentException or IOException or InvalidOperationException or InvalidDataException)
        {
            stderr.WriteLine(e.Message.ReplaceLineEndings(" "));
            return 1;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("cancelled; continue with --resume.");
            return 130;
        }
    }
}
