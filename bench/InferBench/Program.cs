// Inference benchmarks through the library's PoseEngine (see docs/inference.md).
//   dotnet run -c Release --project bench/InferBench -- measure --run RUN_FOLDER [--data data-samples/newts/annotations.json] [--split test|val|train|all] [--passes 0,1,2] [--flip-test auto|on|off] [--threads 2]
//       label crops (the crop around each photo's labels: the figure named so) next to the honest figure (the animal found
//       by the model, for each number of refine passes), scored by the one evaluator (PoseEvaluator) in the photos' pixels.
//   dotnet run -c Release --project bench/InferBench -- train --out RUN_FOLDER [--data PATH] [--config bench/configs/demo.json] [--whole-photo 0.25] [--threads 1]
//       trains like `newtpose train --config`, with the preset's WholePhotoProbability replaced (0 = the network never sees a whole photo).
//   dotnet run -c Release --project bench/InferBench -- speed [...]   img/s of the network per engine beside the CPU's ceiling (SpeedBench.cs)
//   dotnet run -c Release --project bench/InferBench -- e2e [...]     photos/s of the engine from a .onnx or a run folder (EndToEndBench.cs)
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
if (args is ["speed", ..]) return SpeedBench.Run(args[1..]);
if (args is ["e2e", ..]) return EndToEndBench.Run(args[1..]);
if (args.Length == 0 || args[0] is not ("measure" or "train"))
{
    Console.Error.WriteLine("usage: InferBench measure --run RUN [--data PATH] [--split test|val|train|all] [--passes 0,1,2] [--flip-test auto|on|off] [--threads N]\n" +
                            "       InferBench train --out RUN [--data PATH] [--config FILE] [--whole-photo P] [--threads N]\n" +
                            "       InferBench speed [--sizes 192,256] [--batches 1,8] [--backbone NAME] [--head heatmap|integral] [--threads N] [--iterations N] [--rounds N] [--engines torch,onnx,onnx-basic,onnx-int8,mlnet]\n" +
                            "       InferBench e2e --model model.onnx|RUN --photos DIR [--batch 8] [--passes 2] [--threads 2] [--rounds 2] [--flip-test off|on] [--quarter-turns auto|on|off]");
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
    var augmentation = options.Augmentation with { WholePhotoProbability = wholePhoto };
    options = options with { Augmentation = augmentation };
    var sampler = new PoseSampler(dataset, options.InputWidth, options.InputHeight, augmentation);
    var trainer = new Trainer(options, dataset, PoseTraining.DefaultSplit(dataset, options.Seed), spec => PoseModels.Create(spec), sampler);
    var result = trainer.Train(output);
    Console.WriteLine($"{output}: whole-photo probability {wholePhoto}, best epoch {result.BestEpoch}, {result.FinalSplit} (label crops, as the trainer scores) " +
                      $"{result.FinalCrop}: mean {result.Final.Overall.MeanPxError:F2} px");
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
var images = EvaluationSplits.Images(run, dataset, splitName);
Console.WriteLine($"run: {run} ({card.Spec.Backbone}, {card.Spec.InputWidth}², whole-photo probability in training {card.Locator.WholePhotoProbability}); " +
                  $"data: {data}, {splitName} split, {images.Count} photos; flip test {(flipTest ? "on" : "off")}; {threads} threads");

var rows = new List<(string Name, EvaluationReport Report, double Relative)>();
foreach (var (p, index) in passes.Select((p, i) => (p, i)))
{
    using var engine = PoseEngine.Open(run, new EngineOptions { FlipTest = flipTest, RefinePasses = p });
    // The label-crop figure does not depend on the refine passes: it comes with the first evaluation only.
    var evaluation = new PoseEvaluator(engine, new EvaluatorOptions { LabelCrops = index == 0 }).Evaluate(dataset, images, splitName);
    if (evaluation.LabelCrops is { } labelCrops)
        rows.Add(("label crops (crop around the labels)", labelCrops, Relative(evaluation, found: false)));
    rows.Add(($"found by the model, {p} refine pass{(p == 1 ? "" : "es")}", evaluation.Found, Relative(evaluation, found: true)));
}
var reference = rows[0].Report.Overall.MeanPxError!.Value;
Console.WriteLine("| crop | points | mean px | RMSE px | median px | mean / animal size | PCK@0.05 | PCK@0.1 | OKS AP | mean vs label crops |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
foreach (var (name, report, relative) in rows)
{
    var o = report.Overall;
    Console.WriteLine($"| {name} | {o.Count} | {o.MeanPxError:F2} | {o.RmsePx:F2} | {o.MedianPxError:F2} | {relative:P2} | {o.Pck005:P1} | {o.Pck01:P1} | {o.OksAp:F3} | {(o.MeanPxError!.Value / reference - 1):+0.0%;-0.0%} |");
}
return 0;

void Check()
{
    foreach (var key in values.Keys) throw new ArgumentException($"unknown option --{key}");
}

// The mean point error as a fraction of the animal's size (the PCK normaliser: the longer side of its labelled box or
// of the box around its labels), averaged over the photos' matched animals: it compares photos of different resolutions.
static double Relative(PoseEvaluation evaluation, bool found)
{
    var fractions = new List<double>();
    foreach (var photo in evaluation.Photos)
    {
        var predictions = found
            ? (photo.MatchedAnimal >= 0 && photo.Found is { } f ? [(photo.MatchedAnimal, f)] : Array.Empty<(int, PhotoPrediction)>())
            : photo.LabelCrops.Select((p, i) => (i, p)).Where(x => x.p is not null).Select(x => (x.i, x.p!)).ToArray();
        foreach (var (animal, prediction) in predictions)
        {
            var truth = photo.Image.Instances[animal];
            var size = KeypointMetrics.InstanceSize(truth.Keypoints, truth.Box);
            var errors = truth.Keypoints.Select((t, k) => (t, p: prediction.Keypoints[k])).Where(x => x.t.IsLabeled)
                .Select(x => Math.Sqrt(Math.Pow(x.p.X - x.t.X, 2) + Math.Pow(x.p.Y - x.t.Y, 2))).ToArray();
            if (errors.Length > 0 && size > 0) fractions.Add(errors.Average() / size);
        }
    }
    return fractions.Count > 0 ? fractions.Average() : double.NaN;
}
