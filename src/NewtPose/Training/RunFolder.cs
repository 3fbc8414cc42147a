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
/// the final test figures at the top level), checkpoints/best.ckpt and checkpoints/last.ckpt (with optimizer state, for
/// resuming), train.log, and report.html when a report was written.
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
    public string BestCheckpoint => Combine("checkpoints", "best.ckpt");
    public string LastCheckpoint => Combine("checkpoints", "last.ckpt");

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
    /// The top of metrics.json: the split, best epoch and flip test, the honest figures (animal found by the model, crop
    /// "found") at the top level, and the same photos on label crops under <c>label_crops</c>.
    /// </summary>
    internal static JsonObject FinalJson(EvaluationReport found, string crop, EvaluationReport? labelCrops, string split, int bestEpoch, bool flipTest)
    {
        var json = EvaluationReportJson.ToJsonObject(found);
        json.Insert(0, "split", split);
        json.Insert(1, "best_epoch", bestEpoch);
        json.Insert(2, "flip_test", flipTest);
        json.Insert(3, "crop", crop);
        if (labelCrops is not null)
        {
            var label = EvaluationReportJson.ToJsonObject(labelCrops);
            label.Insert(0, "crop", EvaluationCrops.Label);
            json["label_crops"] = label;
        }
        return json;
    }

    internal void Log(string line) =>
        File.AppendAllText(LogFile, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}Z {line}\n");

    private static string F(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}
