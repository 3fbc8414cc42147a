using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using NewtPose.Augmentation;
using NewtPose.Comparison;
using NewtPose.Models;
using NewtPose.Training;

namespace NewtPose.Cli.Commands;

/// <summary>
/// `newtpose compare --data PATH (--backbones A,B [--heads H,…] | --variants FILE) (--epochs N | --budget-minutes M) [--train-sizes 10,25,50]
/// [--seeds 1,2,3] [--config FILE] [--input-size PX] [--augment PRESET] [--threads N] [--split-seed S | --split-per-seed] --out DIR`:
/// every backbone × head × train size × seed trained and scored the same way (<see cref="PoseComparison.Run"/>),
/// the table printed, results.md/csv/json and report.html written into --out. Run again with the same arguments to
/// resume: finished entries are skipped. docs/comparison.md.
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Labels (COCO JSON, DeepLabCut project/CSV/H5, YOLO data.yaml).", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder (new or empty; or a comparison to resume, run with the same arguments).", Required = true };
        var backbones = CliOptions.Names("--backbones", $"Backbones to compare, comma-separated ({string.Join(", ", PoseModels.Names.Select(b => b.Name))}).");
        var variantsFile = new Option<string?>("--variants")
        {
            Description = "A variants file instead of --backbones: named arms, each a set of options.json fields laid over the base options (an ablation; docs/comparison.md).",
        };
        var heads = CliOptions.Names("--heads", $"Heads to compare, comma-separated ({string.Join(", ", PoseModels.Heads)}; default heatmap).");
        var epochs = CliOptions.WholeNumber("--epochs", "Every entry trains this many epochs (default: the recipe's schedule, sized by each entry's train set as `newtpose train` sizes it).");
        var minutes = new Option<double?>("--budget-minutes")
        {
            Description = "Every entry gets this wall time: a three-epoch probe per backbone and train size measures the speed, and the epochs are chosen so the whole learning-rate schedule fits.",
            CustomParser = r => double.TryParse(r.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : Fail(r, "--budget-minutes", r.Tokens[0].Value, "a number of minutes (e.g. 2.5)"),
        };
        var sizes = CliOptions.WholeNumbers("--train-sizes", "Labelled training photos per entry, comma-separated (nested subsets of the train split); default: the whole train split.");
        var seeds = CliOptions.WholeNumbers("--seeds", "Seeds, comma-separated (default 1): each entry is trained once per seed and reported as mean ± sd.");
        var splitSeed = CliOptions.WholeNumber("--split-seed", "Seed of the split (the same test photos for every entry).", 42);
        var splitPerSeed = new Option<bool>("--split-per-seed") { Description = "Each seed draws its own split (seeded splits: the spread then includes which photos are tested); --split-seed is not used." };
        var config = new Option<string?>("--config") { Description = "Training options JSON laid over the recommended configuration (as `newtpose train --config`); epochs and seed are set per entry." };
        var inputSize = CliOptions.WholeNumber("--input-size", "Network input side in pixels, a multiple of 32.");
        var augment = new Option<string?>("--augment")
        {
            Description = $"Augmentation preset: {string.Join(", ", AugmentationOptions.PresetNames)} (a preset without flips turns the flip test off).",
            CustomParser = r =>
            {
                try { _ = AugmentationOptions.Preset(r.Tokens[0].Value); }
                catch (ArgumentException e) { r.AddError($"--augment: {e.Message}"); }
                return r.Tokens[0].Value.ToLowerInvariant();
            },
        };
        var threads = CliOptions.WholeNumber("--threads", "libtorch threads (default 2).");
        var command = new Command("compare", "Train and score several backbones (and heads) under one budget, split and seeds; write a table, CSV/JSON and an HTML report.");
        foreach (var o in new Option[] { data, output, backbones, variantsFile, heads, epochs, minutes, sizes, seeds, splitSeed, splitPerSeed, config, inputSize, augment, threads }) command.Options.Add(o);
        command.Validators.Add(r =>
        {
            try
            {
                if (r.GetValue(epochs) is not null && r.GetValue(minutes) is not null) r.AddError("give --epochs N or --budget-minutes M, not both (one budget for every entry; neither: the recipe's schedule).");
                var byFile = r.GetValue(variantsFile) is not null;
                if (byFile == (r.GetValue(backbones) is { Length: > 0 })) r.AddError("give either --backbones A,B,… or --variants FILE (what is compared).");
                if (byFile && r.GetValue(heads) is { Length: > 0 }) r.AddError("--heads goes with --backbones; in a variants file a variant sets its \"head\" in its options.");
                foreach (var b in r.GetValue(backbones) ?? [])
                    if (!PoseModels.Names.Any(n => n.Name == b)) r.AddError($"--backbones: unknown backbone '{b}'; known: {string.Join(", ", PoseModels.Names.Select(n => n.Name))}.");
                foreach (var h in r.GetValue(heads) ?? [])
                    if (!PoseModels.Heads.Contains(h)) r.AddError($"--heads: unknown head '{h}'; known: {string.Join(", ", PoseModels.Heads)}.");
            }
            catch (InvalidOperationException)
            {
                // A value that did not parse: its own error (naming the option) is already reported.
            }
        });
        command.SetAction((parse, cancellationToken) => Task.FromResult(CommandRunner.Run(parse, (stdout, stderr) =>
        {
            var baseOptions = parse.GetValue(config) is { } configFile ? TrainingOptions.Load(configFile) : PoseTraining.Recommended;
            var flags = new JsonObject();
            if (parse.GetValue(inputSize) is { } side) { flags["input_width"] = side; flags["input_height"] = side; }
            if (parse.GetValue(augment) is { } preset) flags["augmentation"] = preset;
            if (parse.GetValue(threads) is { } n) flags["threads"] = n;
            if (flags.Count > 0) baseOptions = baseOptions.Layer(flags, "the command line");
            var plan = new ComparisonPlan
            {
                Data = parse.GetValue(data)!,
                BaseOptions = baseOptions,
                Variants = parse.GetValue(variantsFile) is { } file
                    ? ComparisonVariant.Load(file)
                    : ComparisonPlan.Grid(parse.GetValue(backbones)!, Given(parse.GetValue(heads)) ?? ["heatmap"]),
                TrainSizes = Given(parse.GetValue(sizes)),
                Seeds = Given(parse.GetValue(seeds)) ?? [1],
                Budget = parse.GetValue(epochs) is { } e ? ComparisonBudget.OfEpochs(e)
                    : parse.GetValue(minutes) is { } m ? ComparisonBudget.OfMinutes(m) : ComparisonBudget.Recipe,
                SplitSeed = parse.GetValue(splitSeed),
                SplitPerSeed = parse.GetValue(splitPerSeed),
            }.Validate();
            var outFolder = Path.GetFullPath(parse.GetValue(output)!);
            stdout.WriteLine($"{plan.Entries().Count} entries: {plan.Variants.Count} variant(s) × {plan.TrainSizes?.Count ?? 1} train size(s) × {plan.Seeds.Count} seed(s), " +
                             $"{plan.Budget}; each entry: {TrainCommand.PlanLine(Described(plan, baseOptions), outFolder)}" +
                             (plan.Budget.Minutes is null ? "" : " (epochs chosen from the budget)"));
            var progress = new ComparisonLog(stderr);
            ComparisonResults results;
            try
            {
                results = PoseComparison.Run(plan, outFolder, progress, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                stderr.WriteLine($"cancelled; the finished entries are kept in {Path.Combine(outFolder, "entries")}: run the same command again to resume.");
                return ExitCodes.Cancelled;
            }
            stdout.WriteLine();
            stdout.WriteLine(ComparisonReport.Table(results).ToString());
            stdout.WriteLine();
            foreach (var line in ComparisonReading.Lines(results)) stdout.WriteLine(line);
            stdout.WriteLine();
            stdout.WriteLine($"results: {Path.Combine(outFolder, "results.md")}, results.csv, results.json; report: {Path.Combine(outFolder, "report.html")}");
            return ExitCodes.Ok;
        })));
        return command;
    }

    /// <summary>The base options as the plan line shows them: the variants' backbones and heads, the budget's epochs.</summary>
    private static TrainingOptions Described(ComparisonPlan plan, TrainingOptions o)
    {
        var resolved = plan.Variants.Select(v => v.Apply(o)).ToArray();
        return o with
        {
            Backbone = string.Join("|", resolved.Select(r => r.Backbone).Distinct()), Head = string.Join("|", resolved.Select(r => r.Head).Distinct()),
            Epochs = plan.Budget.Epochs ?? o.Epochs,
        };
    }

    /// <summary>A list option's value, null when it was not given (System.CommandLine hands an absent list option over as empty).</summary>
    private static T[]? Given<T>(T[]? values) => values is { Length: > 0 } ? values : null;

    private static double? Fail(System.CommandLine.Parsing.ArgumentResult r, string name, string text, string expected)
    {
        r.AddError($"{name}: '{text}' is not {expected}");
        return null;
    }
}
