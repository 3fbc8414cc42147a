using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using NewtPose.Augmentation;
using NewtPose.Cli.Progress;
using NewtPose.Data;
using NewtPose.Data.Splits;
using NewtPose.Evaluation;
using NewtPose.Training;

namespace NewtPose.Cli.Commands;

/// <summary>
/// `newtpose train --data PATH --out RUN_DIR [--split FILE] [--config FILE] [flags] [--dry-run] [--resume | --force]`.
/// Settings build up in layers: the recommended configuration (<c>new TrainingOptions()</c>, bench/configs/full.json),
/// then --config (a partial file overrides it field by field), then the flags given; with --resume they start from the
/// run folder's options.json and split.json instead.
/// </summary>
internal static class TrainCommand
{
    /// <summary>What a training command has resolved before it trains.</summary>
    internal sealed record Plan(PoseDataset Dataset, TrainingOptions Options, DatasetSplit Split, string RunFolder, bool Resume, bool Force, bool DryRun,
        string LabelsPath, LabelFormat? LabelsFormat);

    /// <summary>The flags shared by `train` and `demo` that override options (each one field of options.json, docs/options.md).</summary>
    internal sealed class OverrideOptions
    {
        public readonly Option<string?> Config = new("--config") { Description = "Training options JSON laid over the recommended configuration field by field (snake_case, as options.json in a run folder; e.g. bench/configs/demo.json)." };
        public readonly Option<string?> Backbone = new("--backbone") { Description = "Backbone name (see `newtpose models`); default resnet18-imagenet." };
        public readonly Option<string?> Head = new("--head") { Description = "heatmap (default) or integral." };
        public readonly Option<int?> InputSize = CliOptions.WholeNumber("--input-size", "Network input side in pixels, a multiple of 32 (input_width and input_height).");
        public readonly Option<int?> Epochs = CliOptions.WholeNumber("--epochs", "Epochs to train, exactly (default: sized by the train set, the config's min_epochs (60) or enough to see 8000 crops when that is more).");
        public readonly Option<int?> Batch = CliOptions.WholeNumber("--batch", "Batch size.");
        public readonly Option<string?> Augment = new("--augment")
        {
            Description = $"Augmentation preset: {string.Join(", ", AugmentationOptions.PresetNames)} (a preset without flips turns the flip test off).",
            CustomParser = r =>
            {
                var name = r.Tokens[0].Value;
                try { _ = AugmentationOptions.Preset(name); }
                catch (ArgumentException e) { r.AddError($"--augment: {e.Message}"); }
                return name.ToLowerInvariant();
            },
        };
        public readonly Option<int?> Seed = CliOptions.WholeNumber("--seed", "Seed of the weights, the batches and the default split.");
        public readonly Option<int?> Threads = CliOptions.WholeNumber("--threads", "libtorch threads (default 2).");
        public readonly Option<int?> Workers = CliOptions.WholeNumber("--workers", "Background threads preparing batches (default 1; 0 = on the training thread).");
        public readonly Option<int?> Patience = CliOptions.WholeNumber("--patience", "Early stopping: epochs without a better validation error before stopping (default 0 = off).");
        public readonly Option<string?> Device = new("--device") { Description = "auto, cpu or cuda[:N]." };
        public readonly Option<string?> FlipTest = CliOptions.TrueFalse("--flip-test", "Score validation and test with the flip test (true/false; on in the recommended config, off with --augment none or rig: it needs a model trained with flips).");
        public readonly Option<bool> KeepCheckpoints = new("--keep-checkpoints") { Description = "Keep checkpoints/last.ckpt (weights and optimizer state) when the run finishes; by default only the model and the training state stay." };

        public readonly Option<string?> InitFrom = new("--init-from") { Description = "Start from the weights of an earlier run folder (same backbone, head, input size and keypoints): the retrain step of a refinement round." };

        public IEnumerable<Option> All => [Config, Backbone, Head, InputSize, Epochs, Batch, Augment, Seed, Threads, Workers, Patience, Device, FlipTest, KeepCheckpoints, InitFrom];

        /// <summary><paramref name="start"/>, then --config over it, then each flag given (through the same layering as the file).</summary>
        public TrainingOptions Apply(ParseResult parse, TrainingOptions start)
        {
            var options = parse.GetValue(Config) is { } config ? TrainingOptions.Load(config, start) : start;
            var flags = new JsonObject();
            void Set(string field, JsonNode? value) { if (value is not null) flags[field] = value; }
            Set("backbone", parse.GetValue(Backbone));
            Set("head", parse.GetValue(Head));
            Set("input_width", parse.GetValue(InputSize));
            Set("input_height", parse.GetValue(InputSize));
            Set("epochs", parse.GetValue(Epochs));
            Set("batch_size", parse.GetValue(Batch));
            Set("augmentation", parse.GetValue(Augment));
            Set("seed", parse.GetValue(Seed));
            Set("threads", parse.GetValue(Threads));
            Set("workers", parse.GetValue(Workers));
            Set("early_stopping_patience", parse.GetValue(Patience));
            Set("device", parse.GetValue(Device));
            Set("flip_test", parse.GetBool(FlipTest));
            Set("init_from", parse.GetValue(InitFrom) is { } initFrom ? Path.GetFullPath(initFrom) : null);
            if (parse.GetValue(KeepCheckpoints)) Set("keep_checkpoints", true);
            return flags.Count == 0 ? options : options.Layer(flags, "the command line");
        }
    }

    /// <summary>The flags of `train` and `demo` that decide what happens to the run folder.</summary>
    internal sealed class RunOptions
    {
        public readonly Option<bool> DryRun = new("--dry-run") { Description = "Print the resolved options (JSON) and the split sizes, check the data, and stop: nothing is trained or written." };
        public readonly Option<bool> Force = CliOptions.Force("the run in --out (its run files are deleted first)");

        public IEnumerable<Option> All => [DryRun, Force];
    }

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Labels (COCO JSON, DeepLabCut project/CSV/H5, YOLO data.yaml).", Required = true };
        var output = new Option<string>("--out") { Description = "Run folder to create (or to continue with --resume).", Required = true };
        var split = new Option<string?>("--split") { Description = "Split JSON from `newtpose split` (default: seeded 70/15/15 %, grouped by individual when named)." };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out after its last completed epoch (options and split from the run folder)." };
        var format = CliOptions.Format("coco, dlc or yolo (default: detected).");
        var overrides = new OverrideOptions();
        var run = new RunOptions();
        var command = new Command("train", "Train a pose model; writes a run folder with the best model, metrics.json (test split) and report.html.");
        foreach (var o in new Option[] { data, output, split, resume, format }.Concat(overrides.All).Concat(run.All)) command.Options.Add(o);
        var load = new LabelLoadOptions();
        load.AddTo(command);
        command.Validators.Add(r =>
        {
            if (r.GetValue(resume) && r.GetValue(run.Force)) r.AddError("--resume and --force do not go together: --resume continues the run in --out, --force replaces it.");
            if (r.GetValue(resume) && r.GetValue(split) is not null) r.AddError("--resume takes the split the run started with (split.json in --out); leave out --split.");
        });
        command.SetAction((parse, cancellationToken) => Task.FromResult(Run(parse, () =>
        {
            var dataset = PoseData.Load(parse.GetValue(data)!, parse.GetValue(format), load.Read(parse));
            var folder = new RunFolder(parse.GetValue(output)!);
            var resuming = parse.GetValue(resume);
            if (resuming && !File.Exists(folder.OptionsFile)) throw new ArgumentException($"--resume: {folder.Path} holds no training run (no options.json).");
            var options = overrides.Apply(parse, resuming ? TrainingOptions.Load(folder.OptionsFile) : new TrainingOptions());
            var chosen = resuming ? DatasetSplit.Load(folder.SplitFile)
                : parse.GetValue(split) is { } file ? DatasetSplit.Load(file) : PoseTraining.DefaultSplit(dataset, options.Seed);
            return new Plan(dataset, options, chosen, folder.Path, resuming, parse.GetValue(run.Force), parse.GetValue(run.DryRun), parse.GetValue(data)!, parse.GetValue(format));
        }, cancellationToken)));
        return command;
    }

    /// <summary>
    /// Trains what <paramref name="prepare"/> sets up, prints the result table and writes report.html; returns the exit
    /// code of <see cref="ExitCodes"/> with a one-line reason on stderr for bad input.
    /// </summary>
    /// <remarks>The labels' path and format are recorded in the run folder's data.json once training has run, for `newtpose evaluate --run`.</remarks>
    internal static int Run(ParseResult parse, Func<Plan> prepare, CancellationToken cancellationToken) => CommandRunner.Run(parse, (stdout, stderr) =>
    {
        var plan = prepare();
        var (dataset, options, split) = (plan.Dataset, plan.Options, plan.Split);
        foreach (var warning in dataset.Warnings) stderr.WriteLine($"warning: {warning}");
        stdout.WriteLine($"{dataset.Images.Count} images, {dataset.Skeleton.Count} keypoints; split train {split.Train.Count} / val {split.Val.Count} / test {split.Test.Count} images" +
                         (split.GroupBy is null ? "" : $" (grouped by {split.GroupBy})"));
        // The trainer checks options, split and image files here, before anything is written, and sizes an unsized schedule.
        var trainer = new Trainer(options, dataset, split);
        stdout.WriteLine(PlanLine(trainer.Options, plan.RunFolder, sizedByTrainSet: options.Epochs is null));
        if (plan.DryRun)
        {
            stdout.WriteLine(trainer.Options.ToJson());
            stdout.WriteLine("dry run: nothing trained, nothing written.");
            return ExitCodes.Ok;
        }
        var folder = new RunFolder(plan.RunFolder);
        if (!plan.Resume)
        {
            CommandRunner.RefuseExisting(folder.Path, plan.Force, "a run folder");
            if (plan.Force) folder.DeleteRun();
        }
        var progress = new ConsoleTrainingProgress(stderr, interactive: ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        TrainingResult result;
        try
        {
            result = plan.Resume ? trainer.Resume(folder.Path, progress, cancellationToken) : trainer.Train(folder.Path, progress, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("cancelled; continue with --resume.");
            return ExitCodes.Cancelled;
        }
        RunFolder.RecordData(folder.Path, plan.LabelsPath, plan.LabelsFormat);
        var report = RunReport.Write(folder.Path, dataset, result);
        stdout.WriteLine();
        stdout.WriteLine($"{result.FinalSplit} split, best epoch {result.BestEpoch} of {result.EpochsCompleted}, {watch.Elapsed.TotalMinutes:F1} min:");
        stdout.WriteLine(EvaluationTable.Of(result.Final, labelCrops: result.FinalLabelCrops).ToString());
        stdout.WriteLine($"model: {folder.Path} (PoseModels.Load), metrics: {folder.MetricsJson}, report: {report}");
        return ExitCodes.Ok;
    });

    /// <summary>
    /// One line with what decides the run, e.g. "resnet18-imagenet + heatmap head, 224x224, 60 epochs, batch 8; learning rate
    /// head 0.001, trunk 0.0001 (BatchNorm frozen); augmentation default; flip test on; early stopping off; 2 threads, 1 data worker, device auto -> runs/x".
    /// </summary>
    /// <param name="sizedByTrainSet">The epochs were sized by the train set (<see cref="TrainingOptions.EpochsFor"/>), which the line says.</param>
    internal static string PlanLine(TrainingOptions o, string runFolder, bool sizedByTrainSet = false)
    {
        var augmentation = AugmentationOptions.PresetNames.FirstOrDefault(n => AugmentationOptions.Preset(n) == o.Augmentation) ?? "custom (see options.json)";
        var stopping = o.EarlyStoppingPatience > 0 ? $"early stopping after {o.EarlyStoppingPatience} epochs without a better validation error" : "early stopping off";
        // Said only when changed, so the usual line stays short.
        var defaults = new TrainingOptions();
        var heatmaps = (o.HeatmapStride, o.HeatmapSigma) == (defaults.HeatmapStride, defaults.HeatmapSigma)
            ? "" : string.Create(CultureInfo.InvariantCulture, $" (heatmaps at stride {o.HeatmapStride}, target sigma {o.HeatmapSigma:G3} cells)");
        return string.Create(CultureInfo.InvariantCulture,
            $"{o.Backbone} + {o.Head} head{heatmaps}, {o.InputWidth}x{o.InputHeight}, {Schedule(o, sizedByTrainSet)}, batch {o.BatchSize}; " +
            $"learning rate head {o.LearningRate:G3}, trunk {o.LearningRate * o.BackboneLearningRateFactor:G3}{(o.FreezeBackboneNormalization ? " (BatchNorm frozen)" : "")}, {o.Schedule.ToString().ToLowerInvariant()} schedule; " +
            $"augmentation {augmentation}; flip test {(o.FlipTest ? "on" : "off")}; {stopping}; " +
            $"{o.Threads} threads, {o.Workers} data worker{(o.Workers == 1 ? "" : "s")}, device {o.Device} -> {runFolder}");
    }

    private static string Schedule(TrainingOptions o, bool sizedByTrainSet) => o.Epochs switch
    {
        null => $"{o.MinEpochs} epochs or more (sized by the train set: at least {TrainingOptions.SizedScheduleTrainCrops} train crops)",
        { } e when sizedByTrainSet => $"{e} epochs (sized by the train set: {o.MinEpochs}, or at least {TrainingOptions.SizedScheduleTrainCrops} train crops)",
        { } e => $"{e} epochs",
    };
}
