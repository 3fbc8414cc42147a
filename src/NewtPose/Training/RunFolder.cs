using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NewtPose.Evaluation;
using NewtPose.IO;

namespace NewtPose.Training;

/// <summary>
/// The files of one training run: options.json, split.json (the <see cref="Data.Splits.DatasetSplit"/> JSON that
/// `newtpose split` writes), model.json + model.weights (the best epoch so far, loadable with
/// <see cref="Models.PoseModels.Load"/>(run folder)), metrics.csv and metrics.json (one entry per epoch; at the end also
/// the final test figures at the top level), checkpoints/last.ckpt (weights, optimizer state and training state of the
/// last epoch, for resuming; when the run finishes it keeps only the training state unless
/// <see cref="TrainingOptions.KeepCheckpoints"/>), train.log, and report.html when a report was written.
/// </summary>
public sealed class RunFolder
{
    public RunFolder(string path) => Path = System.IO.Path.GetFullPath(path);

    public string Path { get; }
    public string OptionsFile => Combine("options.json");
    public string SplitFile => Combine("split.json");
    public string ModelFile => Combine("model.json");
    public string ModelWeights => Combine("model.weights");
    public string ReportHtml => Combine("report.html");
    public string MetricsCsv => Combine("metrics.csv");
    public string MetricsJson => Combine("metrics.json");
    public string LogFile => Combine("train.log");
    /// <summary>data.json: the labels the run was trained on (path and format), so `newtpose evaluate --run` finds them.</summary>
    public string DataFile => Combine("data.json");
    public string LastCheckpoint => Combine("checkpoints", "last.ckpt");

    /// <summary>
    /// Deletes the files of the run this folder holds (those named above, nothing else the folder may hold), so a new
    /// run can start there: what `newtpose train --force` does.
    /// </summary>
    public void DeleteRun()
    {
        foreach (var file in new[] { OptionsFile, SplitFile, DataFile, ModelFile, ModelWeights, ReportHtml, MetricsCsv, MetricsJson, LogFile, LastCheckpoint })
            if (File.Exists(file)) File.Delete(file);
        var checkpoints = System.IO.Path.GetDirectoryName(LastCheckpoint)!;
        if (Directory.Exists(checkpoints) && !Directory.EnumerateFileSystemEntries(checkpoints).Any()) Directory.Delete(checkpoints);
    }

    private string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>
    /// Columns of metrics.csv: the epoch, its loss and rates, then every figure of <see cref="MetricColumns.All"/> on the
    /// validation animals cropped around their own labels (prefix <c>val_label_crops_</c>: the fast per-epoch figure, not
    /// the found-crop one). Wall times are left out so the same seed and threads give the same file.
    /// </summary>
    public static string CsvHeader { get; } = "epoch,train_loss,lr,backbone_lr," + string.Join(',', MetricColumns.All.Select(c => ValidationCsvPrefix + c.Key));

    public const string ValidationCsvPrefix = "val_label_crops_";

    /// <summary>What the per-epoch validation figures are, as metrics.json states it.</summary>
    public const string ValidationCrop = "label crops: each validation animal cropped around its own labels (fast; optimistic next to the final found-crop figures)";

    internal void WriteMetrics(IReadOnlyList<EpochRecord> history, JsonObject? final)
    {
        var csv = new StringBuilder(CsvHeader).Append('\n');
        foreach (var r in history)
        {
            csv.AppendJoin(',', [r.Epoch.ToString(CultureInfo.InvariantCulture), F(r.TrainLoss), F(r.LearningRate), F(r.BackboneLearningRate),
                .. MetricColumns.CsvCells(r.Validation)]).Append('\n');
        }
        AtomicFile.WriteAllText(MetricsCsv, csv.ToString());

        var json = final ?? new JsonObject();
        json["epochs_validation"] = ValidationCrop;
        json["epochs"] = JsonSerializer.SerializeToNode(history, TrainingOptions.Json);
        AtomicFile.WriteAllText(MetricsJson, json.ToJsonString(TrainingOptions.Json) + "\n");
    }

    /// <summary>
    /// The top of metrics.json: the best epoch, then the final evaluation as `newtpose evaluate --json` writes it
    /// (<see cref="EvaluationReportJson.ToJsonObject(PoseEvaluation)"/>: split, flip test, the found-crop figures at the
    /// top level, label crops under <c>label_crops</c>).
    /// </summary>
    internal static JsonObject FinalJson(JsonObject evaluation, int bestEpoch)
    {
        evaluation.Insert(0, "best_epoch", bestEpoch);
        return evaluation;
    }

    /// <summary>Records the labels a run was trained on in its data.json (absolute path, format when given), atomically.</summary>
    public static void RecordData(string runFolder, string labelsPath, Data.LabelFormat? format)
    {
        var run = new RunFolder(runFolder);
        var json = new JsonObject { ["path"] = System.IO.Path.GetFullPath(labelsPath), ["format"] = format is { } f ? Data.LabelFormatNames.Name(f) : null };
        AtomicFile.WriteAllText(run.DataFile, json.ToJsonString(TrainingOptions.Json) + "\n");
    }

    /// <summary>The labels path and format from data.json; null when the run did not record them.</summary>
    public static (string Path, Data.LabelFormat? Format)? RecordedData(string runFolder)
    {
        var file = new RunFolder(runFolder).DataFile;
        if (!File.Exists(file)) return null;
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(file))!;
            var path = (string?)json["path"] ?? throw new InvalidDataException("no \"path\"");
            return (path, (string?)json["format"] is { } f ? Data.LabelFormatNames.Parse(f) : null);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"{file} is not a data record of NewtPose ({e.Message}).", e);
        }
    }

    internal void Log(string line) =>
        File.AppendAllText(LogFile, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}Z {line}\n");

    private static string F(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}
