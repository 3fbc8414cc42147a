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
    public string LastCheckpoint => Combine("checkpoints", "last.ckpt");

    /// <summary>
    /// Deletes the files of the run this folder holds (those named above, nothing else the folder may hold), so a new
    /// run can start there: what `newtpose train --force` does.
    /// </summary>
    public void DeleteRun()
    {
        foreach (var file in new[] { OptionsFile, SplitFile, ModelFile, ModelWeights, ReportHtml, MetricsCsv, MetricsJson, LogFile, LastCheckpoint })
            if (File.Exists(file)) File.Delete(file);
        var checkpoints = System.IO.Path.GetDirectoryName(LastCheckpoint)!;
        if (Directory.Exists(checkpoints) && !Directory.EnumerateFileSystemEntries(checkpoints).Any()) Directory.Delete(checkpoints);
    }

    private string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Columns of metrics.csv; wall times are left out so the same seed and threads give the same file.</summary>
    public const string CsvHeader = "epoch,train_loss,lr,backbone_lr,val_count,val_mean_px_error,val_rmse_px,val_pck_0_05,val_pck_0_1,val_pck_0_2";

    internal void WriteMetrics(IReadOnlyList<EpochRecord> history, JsonObject? final)
    {
        var csv = new StringBuilder(CsvHeader).Append('\n');
        foreach (var r in history)
        {
            var v = r.Validation;
            csv.AppendJoin(',', r.Epoch.ToString(CultureInfo.InvariantCulture), F(r.TrainLoss), F(r.LearningRate), F(r.BackboneLearningRate),
                (v?.Count ?? 0).ToString(CultureInfo.InvariantCulture), F(v?.MeanPxError), F(v?.RmsePx), F(v?.Pck005), F(v?.Pck01), F(v?.Pck02)).Append('\n');
        }
        AtomicFile.WriteAllText(MetricsCsv, csv.ToString());

        var json = final ?? new JsonObject();
        json["epochs"] = JsonSerializer.SerializeToNode(history, TrainingOptions.Json);
        AtomicFile.WriteAllText(MetricsJson, json.ToJsonString(TrainingOptions.Json) + "\n");
    }

    /// <summary>The final report with the split it was computed on, as written at the top of metrics.json.</summary>
    internal static JsonObject FinalJson(EvaluationReport report, string split, int bestEpoch, bool flipTest)
    {
        var json = EvaluationReportJson.ToJsonObject(report);
        json.Insert(0, "split", split);
        json.Insert(1, "best_epoch", bestEpoch);
        json.Insert(2, "flip_test", flipTest);
        return json;
    }

    internal void Log(string line) =>
        File.AppendAllText(LogFile, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}Z {line}\n");

    private static string F(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}
