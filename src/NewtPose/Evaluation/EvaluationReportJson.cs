using System.Text.Json;
using System.Text.Json.Nodes;
using NewtPose.IO;

namespace NewtPose.Evaluation;

/// <summary>
/// Writes an <see cref="EvaluationReport"/> as flat snake_case JSON: the overall figures at the top level
/// (<c>mean_px_error</c>, <c>rmse_px</c>, <c>median_px_error</c>, <c>pck_0_05</c>, <c>pck_0_1</c>, <c>pck_0_2</c>,
/// <c>count</c>, <c>pck_count</c>, <c>instances</c>) and <c>per_keypoint</c>: a list of the same fields plus <c>name</c>.
/// Missing values are JSON null.
/// </summary>
public static class EvaluationReportJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The report as a JSON object, for callers that add fields (e.g. the split or the epochs).</summary>
    public static JsonObject ToJsonObject(EvaluationReport report)
    {
        var root = new JsonObject { ["instances"] = report.Instances };
        AddStatistics(root, report.Overall);
        var perKeypoint = new JsonArray();
        foreach (var keypoint in report.PerKeypoint)
        {
            var entry = new JsonObject { ["name"] = keypoint.Name };
            AddStatistics(entry, keypoint.Statistics);
            perKeypoint.Add(entry);
        }
        root["per_keypoint"] = perKeypoint;
        return root;
    }

    public static string ToJson(EvaluationReport report) => ToJsonObject(report).ToJsonString(Indented);

    /// <summary>Writes the report atomically.</summary>
    public static void Save(EvaluationReport report, string path) => AtomicFile.WriteAllText(path, ToJson(report) + "\n");

    private static void AddStatistics(JsonObject target, PointStatistics s)
    {
        target["count"] = s.Count;
        target["mean_px_error"] = s.MeanPxError;
        target["rmse_px"] = s.RmsePx;
        target["median_px_error"] = s.MedianPxError;
        target["pck_count"] = s.PckCount;
        target["pck_0_05"] = s.Pck005;
        target["pck_0_1"] = s.Pck01;
        target["pck_0_2"] = s.Pck02;
    }
}
