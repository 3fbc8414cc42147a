using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using NewtPose.Inference;
using NewtPose.IO;

namespace NewtPose.ActiveLearning;

/// <summary>
/// The files `newtpose suggest` writes: the chosen photos as a COCO predictions file (written by <see cref="PredictionFiles"/>,
/// each annotation also marked <c>"source": "newtpose-suggest"</c> with its <c>suggest_rank</c> and uncertainty), and a
/// CSV of every photo's scores and rank.
/// </summary>
public static class SuggestionFiles
{
    /// <summary>The value of the <c>source</c> field on every suggested annotation.</summary>
    public const string Source = "newtpose-suggest";

    /// <summary>
    /// The chosen photos as COCO keypoints (the model's points, v = 2, with keypoint_scores and score), image names relative
    /// to <paramref name="imagesRoot"/>, written atomically.
    /// </summary>
    public static void WriteCoco(PoolScores scores, ModelCard model, string imagesRoot, string path, string scorer)
    {
        var chosen = scores.Chosen.Select(c => new PhotoResult(c.Prediction.Path, c.Prediction, null)).ToArray();
        var extras = scores.Chosen.Select(c =>
        {
            var (rank, u) = (c.Rank, c.Rank.Uncertainty);
            return (CocoExtraFields?)new CocoExtraFields(Annotation: new JsonObject
            {
                ["source"] = Source,
                ["suggest_rank"] = rank.Chosen,
                ["uncertainty"] = new JsonObject
                {
                    ["combined"] = Round(rank.Combined), ["low_confidence"] = Round(u.LowConfidence), ["flip_disagreement"] = Round(u.FlipDisagreement),
                    ["implausibility"] = Round(u.Implausibility), ["ensemble_disagreement"] = Round(u.EnsembleDisagreement),
                },
            });
        }).ToArray();
        PredictionFiles.Write(chosen, model, imagesRoot, path, PredictionFormat.Coco, scorer, extras);
    }

    /// <summary>
    /// One row per photo of the pool: image, chosen (its place among the suggestions, empty if not chosen), order (by the
    /// combined score), the combined score and each measure (empty where not measured), near_duplicate_of, error (a photo
    /// that could not be read).
    /// </summary>
    public static void WriteCsv(PoolScores scores, string imagesRoot, string path)
    {
        var text = new StringBuilder("image,chosen,order,combined,low_confidence,flip_disagreement,implausibility,ensemble_disagreement,near_duplicate_of,error\n");
        foreach (var r in scores.Ranked)
        {
            var u = r.Uncertainty;
            text.AppendJoin(',', PredictionFiles.Field(PredictionFiles.ImageName(u.Path, imagesRoot)), r.Chosen?.ToString(CultureInfo.InvariantCulture) ?? "",
                r.Order.ToString(CultureInfo.InvariantCulture), Number(r.Combined), Number(u.LowConfidence), Number(u.FlipDisagreement),
                Number(u.Implausibility), Number(u.EnsembleDisagreement),
                r.NearDuplicateOf is { } d ? PredictionFiles.Field(PredictionFiles.ImageName(d, imagesRoot)) : "", "").Append('\n');
        }
        foreach (var failed in scores.Results.Where(r => r.Prediction is null))
            text.Append(PredictionFiles.Field(PredictionFiles.ImageName(failed.Path, imagesRoot))).Append(",,,,,,,,,").Append(PredictionFiles.Field(failed.Error ?? "")).Append('\n');
        AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>An uncertainty measure as written into a labels file: four decimals, null where not measured (suggestions and pseudo-labels).</summary>
    internal static JsonNode? Round(double? v) => v is { } x ? JsonValue.Create(Math.Round(x, 4, MidpointRounding.ToEven)) : null;

    private static string Number(double? v) => v is { } x ? Math.Round(x, 4, MidpointRounding.ToEven).ToString("R", CultureInfo.InvariantCulture) : "";

}
