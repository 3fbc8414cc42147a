using System.Text.Json;
using System.Text.Json.Nodes;
using NewtPose.IO;

namespace NewtPose.Evaluation;

/// <summary>
/// Writes an <see cref="EvaluationReport"/> as flat snake_case JSON: every figure of <see cref="MetricColumns.All"/> at
/// the top level (<c>count</c>, <c>mean_px_error</c>, <c>rmse_px</c>, <c>pck_0_05</c>, …, <c>oks_ap</c>, <c>oks_ar</c>),
/// <c>instances</c> and <c>missed_instances</c>, the settings the figures depend on (<c>confidence_cutoff</c>,
/// <c>pck_normalizer</c>, <c>oks_area</c>, <c>oks_sigma_source</c>), and <c>per_keypoint</c>: a list of the same figures
/// plus <c>name</c> and <c>oks_sigma</c>. Missing values are JSON null, never NaN.
/// </summary>
public static class EvaluationReportJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>What the OKS area is, as the JSON and the reports state it.</summary>
    public const string OksAreaRule = "labelled box width x height, else the box around the labelled points";

    /// <summary>The report as a JSON object, for callers that add fields (e.g. the split or the epochs).</summary>
    public static JsonObject ToJsonObject(EvaluationReport report)
    {
        var root = new JsonObject { ["instances"] = report.Instances, ["missed_instances"] = report.MissedInstances };
        MetricColumns.AddTo(root, report.Overall);
        root["confidence_cutoff"] = report.Settings.ConfidenceCutoff;
        root["pck_normalizer"] = report.Settings.Normalizer.Description;
        root["oks_area"] = OksAreaRule;
        root["oks_sigma_source"] = report.Sigmas?.Source;
        var perKeypoint = new JsonArray();
        for (var j = 0; j < report.PerKeypoint.Count; j++)
        {
            var keypoint = report.PerKeypoint[j];
            var entry = new JsonObject { ["name"] = keypoint.Name };
            MetricColumns.AddTo(entry, keypoint.Statistics);
            entry["oks_sigma"] = report.Sigmas is { } s && j < s.Values.Count ? s.Values[j] : null;
            perKeypoint.Add(entry);
        }
        root["per_keypoint"] = perKeypoint;
        return root;
    }

    /// <summary>
    /// A whole evaluation: <c>split</c>, <c>flip_test</c>, <c>refine_passes</c>, <c>linked_pairs</c>, <c>link_misfit_nu</c>,
    /// <c>offset_voting</c>, <c>quarter_turns</c>, <c>crop</c> ("found"), <c>n_images</c> (labelled photos
    /// scored), <c>n_unlabelled_images</c>, <c>n_failed_images</c>, the found-crop figures as <see cref="ToJsonObject(EvaluationReport)"/>,
    /// <c>label_crops</c> (the same for label crops, with <c>crop</c> "label crops") and <c>failed_images</c> (path, error).
    /// </summary>
    public static JsonObject ToJsonObject(PoseEvaluation evaluation)
    {
        var root = ToJsonObject(evaluation.Found);
        var head = new (string Key, JsonNode? Value)[]
        {
            ("split", evaluation.Split), ("flip_test", evaluation.FlipTest), ("refine_passes", evaluation.RefinePasses), ("linked_pairs", evaluation.LinkedPairs),
            ("link_misfit_nu", evaluation.LinkMisfitNu), ("offset_voting", evaluation.OffsetVoting), ("quarter_turns", evaluation.QuarterTurns), ("crop", EvaluationCrops.Found),
            ("n_images", evaluation.Photos.Count), ("n_unlabelled_images", evaluation.UnlabelledPhotos), ("n_failed_images", evaluation.FailedPhotos),
        };
        for (var i = 0; i < head.Length; i++) root.Insert(i, head[i].Key, head[i].Value);
        if (evaluation.LabelCrops is { } l) root["label_crops"] = ToJsonObject(l, EvaluationCrops.Label);
        root["failed_images"] = new JsonArray(evaluation.Photos.Where(p => p.Error is not null)
            .Select(p => (JsonNode)new JsonObject { ["path"] = p.Image.Path, ["error"] = p.Error }).ToArray());
        return root;
    }

    /// <summary>The report with how its animals were cropped first (<c>crop</c>: <see cref="EvaluationCrops"/>).</summary>
    public static JsonObject ToJsonObject(EvaluationReport report, string crop)
    {
        var json = ToJsonObject(report);
        json.Insert(0, "crop", crop);
        return json;
    }

    public static string ToJson(EvaluationReport report) => ToJsonObject(report).ToJsonString(Indented);

    /// <summary>Writes the report atomically.</summary>
    public static void Save(EvaluationReport report, string path) => AtomicFile.WriteAllText(path, ToJson(report) + "\n");
}
