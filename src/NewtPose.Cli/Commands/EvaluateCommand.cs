using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using NewtPose.Charts;
using NewtPose.Data;
using NewtPose.Evaluation;
using NewtPose.Inference;
using NewtPose.IO;
using NewtPose.Training;

namespace NewtPose.Cli.Commands;

/// <summary>
/// `newtpose evaluate --run RUN_DIR [--model model.onnx | --ensemble RUN,…] [--data PATH] [--format F] [--split test|val|train|all]
/// [--flip-test] [--json] [--report FILE] [--force]`: scores a run's model the way a new photo is processed (the animal
/// found by the model), beside the same photos on label crops. Labels default to the ones the run recorded (data.json);
/// the split to the run's split.json; the flip test to what the run scored with. With --model the network is that
/// exported file (float or int8) in the ONNX Runtime engine, scored on the run's labels and split. With --ensemble the
/// models of --run and the runs listed are averaged (<see cref="PoseEvaluator.EvaluateEnsemble"/>), on --run's split.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run folder (model.json + model.weights, split.json, options.json).", Required = true };
        var model = new Option<string?>("--model") { Description = "Score this exported model.onnx (`newtpose export`, float or int8) instead of the run's TorchSharp weights; labels and split still come from --run." };
        var ensemble = CliOptions.Ensemble(", scored on --run's split, on which no member may have trained");
        var data = new Option<string?>("--data") { Description = "Labels to score against (default: the ones the run was trained on, from its data.json)." };
        var format = new Option<string?>("--format") { Description = "coco, dlc or yolo (default: detected)." };
        var split = new Option<string>("--split") { Description = "test (default), val, train or all.", DefaultValueFactory = _ => "test" };
        split.AcceptOnlyFromAmong([.. EvaluationSplits.Names]);
        var flipTest = new Option<bool?>("--flip-test") { Description = "Use the flip test (true/false; default: as the run scored)." };
        var engineFlags = new EngineFlags();
        var json = new Option<bool>("--json") { Description = "Print one JSON object (snake_case fields) instead of the table." };
        var report = new Option<string?>("--report") { Description = "Write an HTML report (opens offline) to this file." };
        var force = new Option<bool>("--force") { Description = "Replace an existing --report file." };
        var command = new Command("evaluate", "Score a trained model on labelled photos: the animal found by the model (honest), beside label crops.");
        Option[] options = [run, model, ensemble, data, format, split, flipTest, .. engineFlags.Options, json, report, force];
        foreach (var o in options) command.Options.Add(o);
        command.SetAction((parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            try
            {
                var folder = Path.GetFullPath(parse.GetValue(run)!);
                var onnx = parse.GetValue(model) is { } m ? Path.GetFullPath(m) : null;
                if (parse.GetValue(ensemble) is not null && onnx is not null) throw new ArgumentException("--ensemble averages run folders' TorchSharp models; it cannot be combined with --model.");
                var members = CliOptions.EnsembleMembers(folder, parse.GetValue(ensemble));
                if (onnx is null && !File.Exists(Path.Combine(folder, "model.json")))
                    throw new ArgumentException($"--run {folder} holds no model (model.json + model.weights): give a run folder written by `newtpose train`.");
                var reportFile = parse.GetValue(report);
                if (reportFile is not null && File.Exists(reportFile) && !parse.GetValue(force))
                    throw new ArgumentException($"--report {reportFile} exists; pass --force to replace it.");
                var (labels, labelFormat) = Labels(folder, parse.GetValue(data), parse.GetValue(format));
                var dataset = PoseData.Load(labels, labelFormat);
                foreach (var warning in dataset.Warnings) stderr.WriteLine($"warning: {warning}");
                var splitName = parse.GetValue(split)!;
                var scoredName = members is null ? onnx ?? folder : $"{string.Join(" + ", members)} (ensemble of {members.Length})";
                stderr.WriteLine($"evaluating {scoredName} on the {splitName} photos of {labels} ...");
                var evaluation = members is null
                    ? PoseEvaluator.EvaluateRun(folder, dataset, splitName, parse.GetValue(flipTest), cancellationToken: cancellationToken,
                        onnxModel: onnx, engine: engineFlags.Apply(parse, new EngineOptions()))
                    : PoseEvaluator.EvaluateEnsemble(members, dataset, splitName, parse.GetValue(flipTest), cancellationToken: cancellationToken,
                        engine: engineFlags.Apply(parse, new EngineOptions()));
                foreach (var failed in evaluation.Photos.Where(p => p.Error is not null))
                    stderr.WriteLine($"warning: {failed.Image.Path} could not be predicted ({failed.Error}); its animals count as missed.");

                stdout.WriteLine(parse.GetValue(json) ? Json(evaluation, folder, labels, onnx, members).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) : Text(evaluation, scoredName));
                if (reportFile is not null)
                {
                    AtomicFile.WriteAllText(reportFile, EvaluationCharts.ReportHtml(evaluation, dataset, folder));
                    stderr.WriteLine($"report: {Path.GetFullPath(reportFile)}");
                }
                return Task.FromResult(0);
            }
            catch (Exception e) when (e is DatasetFormatException or ArgumentException or IOException or InvalidOperationException or InvalidDataException)
            {
                stderr.WriteLine(e.Message.ReplaceLineEndings(" "));
                return Task.FromResult(1);
            }
        });
        return command;
    }

    /// <summary>--data, else the run's data.json; a clear error when neither says.</summary>
    private static (string Path, LabelFormat? Format) Labels(string runFolder, string? data, string? format)
    {
        var given = format is { } f ? LabelFormatNames.Parse(f) : (LabelFormat?)null;
        if (data is not null) return (data, given);
        var recorded = RunFolder.RecordedData(runFolder)
            ?? throw new ArgumentException($"{runFolder} does not record the labels it was trained on (no data.json: a run trained through the library, or before NewtPose recorded them); pass --data PATH.");
        if (!File.Exists(recorded.Path) && !Directory.Exists(recorded.Path))
            throw new ArgumentException($"{runFolder}/data.json points at {recorded.Path}, which does not exist any more; pass --data PATH.");
        return (recorded.Path, given ?? recorded.Format);
    }

    private static string Text(PoseEvaluation e, string runFolder) =>
        $"{runFolder}: {e.Split} split, {e.Photos.Count} labelled photos ({e.UnlabelledPhotos} without labels skipped, {e.FailedPhotos} not predicted), " +
        $"{e.Found.Instances} animals ({e.Found.MissedInstances} missed), flip test {(e.FlipTest ? "on" : "off")}, {e.RefinePasses} refine passes{EngineFlags.Describe(e.LinkedPairs, e.LinkMisfitNu, e.OffsetVoting, e.QuarterTurns)}; animal found by the model, original photo pixels; " +
        $"OKS sigmas {e.Found.Sigmas?.Source}\n" + EvaluationTable.Of(e.Found, labelCrops: e.LabelCrops);

    /// <summary>The one JSON object of --json: the run and labels (and the .onnx scored, or the ensemble's run folders, when given), then the evaluation as metrics.json holds it.</summary>
    internal static JsonObject Json(PoseEvaluation e, string runFolder, string labels, string? onnxModel = null, IReadOnlyList<string>? ensemble = null)
    {
        var root = EvaluationReportJson.ToJsonObject(e);
        root.Insert(0, "run", runFolder);
        root.Insert(1, "data", Path.GetFullPath(labels));
        if (onnxModel is not null) root.Insert(2, "model", onnxModel);
        if (ensemble is not null) root.Insert(2, "ensemble", new JsonArray(ensemble.Select(m => (JsonNode?)JsonValue.Create(m)).ToArray()));
        return root;
    }
}
