// Inference benchmarks through the library's PoseEngine (see docs/inference.md).
//   dotnet run -c Release --project bench/InferBench -- measure --run RUN_FOLDER [--data data-samples/newts/annotations.json] [--split test|val|train|all] [--passes 0,1,2] [--flip-test auto|on|off] [--threads 2]
//       label crops (the crop around each photo's labels: the figure named so) next to the honest figure (the animal found
//       by the model, for each number of refine passes), scored in the photos' pixels with KeypointMetrics.
//   dotnet run -c Release --project bench/InferBench -- train --out RUN_FOLDER [--data PATH] [--config bench/configs/demo.json] [--whole-photo 0.25] [--threads 1]
//       trains like `newtpose train --config`, with the preset's WholePhotoProbability replaced (0 = the network never sees a whole photo).
using System.Globalization;
using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Data.Splits;
using NewtPose.Evaluation;
using NewtPose.Inference;
using NewtPose.Models;
using NewtPose.Training;
using TorchSharp;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Length == 0 || args[0] is not ("measure" or "train"))
{
    Console.Error.WriteLine("usage: InferBench measure --run RUN [--data PATH] [--split test|val|train|all] [--passes 0,1,2] [--flip-test auto|on|off] [--threads N]\n" +
                            "       InferBench train --out RUN [--data PATH] [--config FILE] [--whole-photo P] [--threads N]");
    return 2;
}
var values = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i < args.Length; i += 2)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length) throw new ArgumentException($"expected '--name value' at '{args[i]}'");
    values[args[i][2..]] = args[i + 1];
}
string Arg(string name, string fallback) => values.Remove(name, out var v) ? v : fallback;
var data = Arg("data", "data-samples/newts/annotations.json");
var threads = int.Parse(Arg("threads", "1"), CultureInfo.InvariantCulture);
Console.WriteLine($"# InferBench {args[0]} — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} logical CPUs");
Console.WriteLine($"command: InferBench {string.Join(' ', args)}");
var dataset = PoseData.Load(data);

if (args[0] == "train")
{
    var output = Arg("out", "") is { Length: > 0 } o ? o : throw new ArgumentException("train needs --out RUN_FOLDER");
    var options = TrainingOptions.Load(Arg("config", "bench/configs/demo.json")) with { Threads = threads };
    var wholePhoto = double.Parse(Arg("whole-photo", "0.25"), CultureInfo.InvariantCulture);
    Check();
    var augmentation = AugmentationOptions.Preset(options.Augmentation) with { WholePhotoProbability = wholePhoto };
    var sampler = new PoseSampler(dataset, options.InputWidth, options.InputHeight, augmentation);
    var trainer = new Trainer(options, dataset, PoseTraining.DefaultSplit(dataset, options.Seed), spec => PoseModels.Create(spec), sampler);
    var result = trainer.Train(output);
    Console.WriteLine($"{output}: whole-photo probability {wholePhoto}, best epoch {result.BestEpoch}, {result.FinalSplit} (label crops, as the trainer scores) " +
                      $"mean {result.Final.Overall.MeanPxError:F2} px");
    return 0;
}

var run = Arg("run", "") is { Length: > 0 } r ? r : throw new ArgumentException("measure needs --run RUN_FOLDER");
var splitName = Arg("split", "test");
var passes = Arg("passes", "0,1,2").Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
var card = PoseModels.LoadCard(run);
var flipTest = Arg("flip-test", "auto") switch
{
    "auto" => card.TrainedWithFlips != false,
    "on" => true,
    "off" => false,
    var f => throw new ArgumentException($"--flip-test must be auto, on or off, not '{f}'"),
};
Check();
torch.set_num_threads(threads);
var images = ImagesOf(splitName);
Console.WriteLine($"run: {run} ({card.Spec.Backbone}, {card.Spec.InputWidth}², whole-photo probability in training {card.Locator.WholePhotoProbability}); " +
                  $"data: {data}, {splitName} split, {images.Count} photos; flip test {(flipTest ? "on" : "off")}; {threads} threads");

var rows = new List<(string Name, EvaluationReport Report)>();
using (var engine = PoseEngine.Open(run, new EngineOptions { FlipTest = flipTest }))
    rows.Add(("label crops (crop around the labels)", Score(image => engine.PredictInBox(dataset.FullPath(image), LabelBox(image)))));
foreach (var p in passes)
{
    using var engine = PoseEngine.Open(run, new EngineOptions { FlipTest = flipTest, RefinePasses = p });
    rows.Add(($"found by the model, {p} refine pass{(p == 1 ? "" : "es")}", Score(image => engine.Predict(dataset.FullPath(image)))));
}
var reference = rows[0].Report.Overall.MeanPxError!.Value;
Console.WriteLine("| crop | points | mean px | RMSE px | median px | PCK@0.05 | PCK@0.1 | vs label crops |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
foreach (var (name, report) in rows)
{
    var o = report.Overall;
    Console.WriteLine($"| {name} | {o.Count} | {o.MeanPxError:F2} | {o.RmsePx:F2} | {o.MedianPxError:F2} | {o.Pck005:P1} | {o.Pck01:P1} | {(o.MeanPxError!.Value / reference - 1):+0.0%;-0.0%} |");
}
return 0;

void Check()
{
    foreach (var key in values.Keys) throw new ArgumentException($"unknown option --{key}");
}

IReadOnlyList<LabeledImage> ImagesOf(string name)
{
    var labelled = dataset.Images.Where(i => i.IsLabeled).ToArray();
    if (name == "all") return labelled;
    var split = DatasetSplit.Load(Path.Combine(run, "split.json"));
    var wanted = (name switch { "test" => split.Test, "val" => split.Val, "train" => split.Train, _ => throw new ArgumentException($"--split {name}: test, val, train or all") }).ToHashSet();
    return labelled.Where(i => wanted.Contains(i.Path)).ToArray();
}

// One animal per photo (the mission's data): the first labelled instance is the one scored.
static PoseInstance Animal(LabeledImage image) => image.Instances.First(i => i.LabeledCount > 0);

static BoundingBox LabelBox(LabeledImage image) => Animal(image).Box ?? BoundingBox.AroundLabeled(Animal(image).Keypoints)!.Value;

EvaluationReport Score(Func<LabeledImage, PhotoPrediction> predict) =>
    KeypointMetrics.Evaluate(card.Keypoints, images.Select(image => new EvaluationCase(Animal(image).Keypoints, predict(image).Keypoints, Animal(image).Box)).ToArray());
