// Semi-supervised training measured (issue 11; results in docs/benchmarks-accuracy.md): does a model trained on a few
// labelled photos get better when it also trains on its own agreed points of the lab's unlabelled photos?
//   dotnet run -c Release --project bench/SemiBench -- --compare /work/bench-runs/schedule-25 --out /tmp/semi
// --compare FOLDER (repeatable): a `newtpose compare` output; each of its entries is a baseline (its run folder holds the
// model, and split.json its labelled train photos and test photos). For each baseline, every other photo of the labels
// becomes the unlabelled pool (its labels are held back, used only to measure the pseudo-labels' error); the baseline's
// model pseudo-labels it (`newtpose suggest --pseudo-labels`: PoolScoring + PseudoLabels, flip-test agreement), the
// pseudo-labels are merged with the labelled photos (LabelMerge) and a new model is trained from ImageNet with the
// recommended options (the schedule sized by the train set), then scored on the baseline's test photos with found crops.
// Options: --max-disagreement 0.01, --min-kept 0.5, --threads 2. Finished entries (entries/<id>.json) are skipped on a rerun.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NewtPose.ActiveLearning;
using NewtPose.Data;
using NewtPose.Data.Splits;
using NewtPose.Evaluation;
using NewtPose.IO;
using NewtPose.Training;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

string? Value(string name) { var i = Array.IndexOf(args, name); return i < 0 ? null : i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{name} needs a value."); }
double Number(string name, double fallback) => Value(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
var compares = args.Select((a, i) => (a, i)).Where(x => x.a == "--compare" && x.i + 1 < args.Length).Select(x => Path.GetFullPath(args[x.i + 1])).ToArray();
var outFolder = Path.GetFullPath(Value("--out") ?? throw new ArgumentException("--out FOLDER is needed."));
if (compares.Length == 0) { Console.Error.WriteLine("SemiBench: give --compare FOLDER (a newtpose compare output) at least once."); return 2; }
var pseudoOptions = new PseudoLabelOptions { MaxDisagreement = Number("--max-disagreement", 0.01), MinKeptFraction = Number("--min-kept", 0.5) }.Validate();
var threads = (int)Number("--threads", 2);
var command = "SemiBench " + string.Join(' ', args);
Console.WriteLine($"# SemiBench — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} logical CPUs, {threads} threads");
Console.WriteLine($"command: {command}");
Directory.CreateDirectory(Path.Combine(outFolder, "entries"));

var rows = new List<JsonObject>();
foreach (var compare in compares)
    foreach (var entryFile in Directory.GetFiles(Path.Combine(compare, "entries"), "*.json").Order(StringComparer.Ordinal))
    {
        var baseline = JsonNode.Parse(File.ReadAllText(entryFile))!.AsObject();
        var id = Path.GetFileNameWithoutExtension(entryFile);
        var done = Path.Combine(outFolder, "entries", id + ".json");
        if (File.Exists(done)) { rows.Add(JsonNode.Parse(File.ReadAllText(done))!.AsObject()); Console.WriteLine($"{id}: done before, skipped"); continue; }
        var baselineRun = Path.Combine(compare, "runs", id);
        var labelsPath = RunFolder.RecordedData(baselineRun)?.Path ?? throw new InvalidOperationException($"{baselineRun}: no data.json naming the labels.");
        var truth = PoseData.Load(labelsPath);
        var split = DatasetSplit.Load(Path.Combine(baselineRun, "split.json"));
        var known = split.Train.Concat(split.Test).ToHashSet(StringComparer.Ordinal);
        var pool = truth.Images.Where(i => i.IsLabeled && !known.Contains(i.Path)).ToArray();
        var labelled = truth with { Images = truth.Images.Where(i => known.Contains(i.Path)).ToArray() };
        Console.WriteLine($"{id}: {split.Train.Count} labelled train photos, {split.Test.Count} test photos, pool of {pool.Length} photos (labels held back)");

        // Pseudo-labels from the baseline's model: the same engine and measures `newtpose suggest --pseudo-labels` uses.
        var watch = Stopwatch.StartNew();
        PseudoLabelSet set;
        using (var engine = PoolScoring.OpenEngine(baselineRun))
        {
            var scores = PoolScoring.Score([engine], pool.Select(truth.FullPath).ToArray(), PosePrior.FromLabels(labelled));
            set = PseudoLabels.From(scores, pseudoOptions);
        }
        var pseudoFile = Path.Combine(outFolder, id + ".pseudo.json");
        PseudoLabels.WriteCoco(set, NewtPose.Models.PoseModels.LoadCard(baselineRun), truth.Root, pseudoFile, "SemiBench_" + id);
        var pseudo = PoseData.Load(pseudoFile) with { Root = truth.Root };
        var labelSeconds = watch.Elapsed.TotalSeconds;
        var (pseudoError, pseudoPoints) = Error(pseudo, truth);
        Console.WriteLine(FormattableString.Invariant(
            $"{id}: pseudo-labelled {set.Taken.Count} of {pool.Length} photos, {set.PointsKept} points kept of {set.Taken.Count * truth.Skeleton.Count}; their error against the held-back labels {pseudoError:F2} px (mean over {pseudoPoints} points); {labelSeconds:F0} s"));

        var merged = LabelMerge.Merge(labelled, pseudo, pseudoFile).Merged;
        var trainSplit = DatasetSplit.FromLists([.. split.Train, .. set.Taken.Select(t => Relative(truth, t.Prediction.Path))], [], split.Test);
        var options = PoseTraining.Recommended with { Seed = (int)baseline["seed"]!, Threads = threads, CheckpointEveryEpoch = false };
        var run = Path.Combine(outFolder, "runs", id);
        new RunFolder(run).DeleteRun();
        watch.Restart();
        var result = PoseTraining.Train(merged, trainSplit, options, run);
        var trainSeconds = watch.Elapsed.TotalSeconds;
        var found = result.Evaluation!.Found.Overall;
        var row = new JsonObject
        {
            ["id"] = id, ["seed"] = baseline["seed"]!.DeepClone(), ["labelled"] = split.Train.Count, ["pool"] = pool.Length,
            ["pseudo_photos"] = set.Taken.Count, ["pseudo_points"] = set.PointsKept, ["pseudo_error_px"] = Math.Round(pseudoError, 3),
            ["max_disagreement"] = pseudoOptions.MaxDisagreement, ["min_kept"] = pseudoOptions.MinKeptFraction,
            ["epochs"] = result.EpochsCompleted, ["train_minutes"] = Math.Round(trainSeconds / 60, 2), ["label_seconds"] = Math.Round(labelSeconds, 1),
            ["baseline_epochs"] = baseline["epochs"]!.DeepClone(), ["baseline_minutes"] = Math.Round((double)baseline["wall_seconds"]! / 60, 2),
            ["baseline"] = baseline["found"]!.DeepClone(),
            // The run's metrics.json: the trainer's found-crop figures on the baseline's test photos, in the same fields as the baseline's.
            ["semi"] = JsonNode.Parse(File.ReadAllText(new RunFolder(run).MetricsJson))!.AsObject() is var m
                ? new JsonObject(MetricColumns.All.Select(c => KeyValuePair.Create(c.Key, m[c.Key]?.DeepClone())))
                : null,
        };
        AtomicFile.WriteAllText(done, row.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        rows.Add(row);
        Console.WriteLine($"{id}: baseline {MetricColumns.Summary(MetricColumns.Read(baseline["found"]!.AsObject()))}; with pseudo-labels {MetricColumns.Summary(found)}");
    }

var table = new StringBuilder("| entry | labelled | pseudo photos (points) | pseudo-label error px | epochs | train min | baseline mean px | mean px | median px | PCK@.05 baseline → semi | OKS AP baseline → semi |\n");
table.Append("|---|---|---|---|---|---|---|---|---|---|---|\n");
foreach (var r in rows)
{
    var (b, s) = (r["baseline"]!, r["semi"]!);
    table.Append(FormattableString.Invariant(
        $"| {r["id"]} | {r["labelled"]} | {r["pseudo_photos"]} ({r["pseudo_points"]}) | {(double)r["pseudo_error_px"]!:F2} | {r["epochs"]} | {(double)r["train_minutes"]!:F1} | {(double)b["mean_px_error"]!:F2} | {(double)s["mean_px_error"]!:F2} | {(double)s["median_px_error"]!:F2} | {(double)b["pck_0_05"]!:P1} → {(double)s["pck_0_05"]!:P1} | {(double)b["oks_ap"]!:F3} → {(double)s["oks_ap"]!:F3} |\n"));
}
Console.WriteLine();
Console.WriteLine(table);
AtomicFile.WriteAllText(Path.Combine(outFolder, "results.md"), $"{command}\n\n{table}");
return 0;

static string Relative(PoseDataset dataset, string fullPath) => Path.GetRelativePath(dataset.Root, fullPath).Replace('\\', '/');

// Mean distance of the pseudo-labels' kept points from the held-back labels of the same photos.
static (double Mean, int Points) Error(PoseDataset pseudo, PoseDataset truth)
{
    var byPath = truth.Images.ToDictionary(truth.FullPath, StringComparer.Ordinal);
    var distances = new List<double>();
    foreach (var image in pseudo.Images)
    {
        var labels = byPath[pseudo.FullPath(image)].Instances[0].Keypoints;
        var points = image.Instances[0].Keypoints;
        for (var j = 0; j < points.Count; j++)
            if (points[j].IsLabeled && labels[j].IsLabeled)
                distances.Add(Math.Sqrt((points[j].X - labels[j].X) * (points[j].X - labels[j].X) + (points[j].Y - labels[j].Y) * (points[j].Y - labels[j].Y)));
    }
    return (distances.Count == 0 ? double.NaN : distances.Average(), distances.Count);
}
