using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NewtPose.Data;
using NewtPose.IO;

namespace NewtPose.Inference;

/// <summary>The files <see cref="PredictionFiles.Write"/> can write.</summary>
public enum PredictionFormat
{
    /// <summary>
    /// COCO keypoint JSON: images, annotations (keypoints [x, y, v] with v = 2, keypoint_scores, score, bbox, area) and
    /// the category with keypoint names, skeleton and swap pairs; photos that could not be read under failed_images.
    /// Readable by `newtpose inspect`, and by CVAT and Label Studio as pre-annotations.
    /// </summary>
    Coco,

    /// <summary>A flat CSV: image, keypoint, x, y, confidence, error (one row per point; one row with the error for a photo that could not be read).</summary>
    Csv,

    /// <summary>
    /// DeepLabCut's prediction layout: three header rows (scorer / bodyparts / coords = x, y, likelihood) and one row per
    /// image; a photo that could not be read has empty cells.
    /// </summary>
    Dlc,
}

/// <summary>
/// Fields written into a COCO predictions file beside a photo's own (<see cref="PredictionFiles.Write"/>): on its image
/// record and on its annotation, e.g. `newtpose suggest`'s rank and uncertainty. A name the writer sets itself (id,
/// file_name, keypoints, score, …) is refused, so an extra field never replaces a prediction's.
/// </summary>
/// <param name="Image">Added to the photo's <c>images</c> record (to its <c>failed_images</c> entry when it could not be read).</param>
/// <param name="Annotation">Added to the photo's annotation; a photo that could not be read has none, so it must be null there.</param>
/// <param name="Kept">Per keypoint, whether its point is written as a label (v = 2); the others are written as not labelled
/// (0, 0, 0) and left out of num_keypoints (pseudo-labels keep only the points the model agrees on). Null: every point.</param>
public sealed record CocoExtraFields(JsonObject? Image = null, JsonObject? Annotation = null, IReadOnlyList<bool>? Kept = null);

/// <summary>
/// Writes the engine's results as label files, atomically (a temporary file, then a rename). Image names are written
/// relative to <c>imagesRoot</c> with '/' separators (the folder the photos were found in), so a tool that imports them
/// matches them to the uploaded photos by name.
/// </summary>
public static class PredictionFiles
{
    /// <summary>The format named by <paramref name="name"/> (coco, csv, dlc; case-insensitive).</summary>
    public static PredictionFormat Parse(string name) => name.ToLowerInvariant() switch
    {
        "coco" => PredictionFormat.Coco,
        "csv" => PredictionFormat.Csv,
        "dlc" => PredictionFormat.Dlc,
        _ => throw new ArgumentException($"Unknown prediction format '{name}'. Known: coco, csv, dlc."),
    };

    /// <param name="results">The engine's results, in order.</param>
    /// <param name="model">The model that made them (keypoint names, skeleton, swap pairs).</param>
    /// <param name="imagesRoot">The folder image names are written relative to; every photo must lie under it.</param>
    /// <param name="path">The file to write.</param>
    /// <param name="format">What to write.</param>
    /// <param name="scorer">The name DeepLabCut's scorer row and COCO's info carry (e.g. the run folder's name).</param>
    /// <param name="extras">COCO only: per result, in the same order, fields to add to its records (null entries add nothing).</param>
    public static void Write(IReadOnlyList<PhotoResult> results, ModelCard model, string imagesRoot, string path, PredictionFormat format, string scorer = "newtpose",
        IReadOnlyList<CocoExtraFields?>? extras = null)
    {
        if (extras is not null && format != PredictionFormat.Coco)
            throw new ArgumentException($"Extra fields can be written to COCO predictions only, not {format}.", nameof(extras));
        if (extras is not null && extras.Count != results.Count)
            throw new ArgumentException($"{extras.Count} sets of extra fields for {results.Count} results; give one per result (null for none).", nameof(extras));
        var text = format switch
        {
            PredictionFormat.Coco => Coco(results, model, imagesRoot, scorer, extras),
            PredictionFormat.Csv => Csv(results, model, imagesRoot),
            PredictionFormat.Dlc => Dlc(results, model, imagesRoot, scorer),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        AtomicFile.WriteAllText(path, text);
    }

    /// <summary>The name of a photo relative to the root, '/'-separated.</summary>
    public static string ImageName(string photoPath, string imagesRoot)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(imagesRoot), Path.GetFullPath(photoPath)).Replace('\\', '/');
        if (relative.StartsWith("../", StringComparison.Ordinal) || relative == ".." || Path.IsPathRooted(relative))
            throw new ArgumentException($"{photoPath} is not under the images folder {imagesRoot}.");
        return relative;
    }

    private static string Coco(IReadOnlyList<PhotoResult> results, ModelCard model, string root, string scorer, IReadOnlyList<CocoExtraFields?>? extras)
    {
        var images = new JsonArray();
        var annotations = new JsonArray();
        var failed = new JsonArray();
        var skeleton = model.Skeleton();
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            var extra = extras?[i];
            var name = ImageName(r.Path, root);
            if (r.Prediction is not { } p)
            {
                if (extra?.Annotation is not null)
                    throw new ArgumentException($"Extra annotation fields for {name}, which could not be read and has no annotation.", nameof(extras));
                failed.Add(WithExtra(new JsonObject { ["file_name"] = name, ["error"] = r.Error }, extra?.Image, name));
                continue;
            }
            var kept = extra?.Kept;
            if (kept is not null && kept.Count != p.Keypoints.Count)
                throw new ArgumentException($"Kept flags for {name}: {kept.Count} given, the prediction has {p.Keypoints.Count} keypoints.", nameof(extras));
            var id = images.Count + 1;
            images.Add(WithExtra(new JsonObject { ["id"] = id, ["file_name"] = name, ["width"] = p.Width, ["height"] = p.Height }, extra?.Image, name));
            var keypoints = new JsonArray();
            for (var j = 0; j < p.Keypoints.Count; j++)
            {
                var k = p.Keypoints[j];
                if (kept?[j] == false) { keypoints.Add(0); keypoints.Add(0); keypoints.Add(0); }
                else { keypoints.Add(Round(k.X)); keypoints.Add(Round(k.Y)); keypoints.Add(2); }
            }
            annotations.Add(WithExtra(new JsonObject
            {
                ["id"] = id, ["image_id"] = id, ["category_id"] = 1, ["iscrowd"] = 0, ["num_keypoints"] = kept?.Count(x => x) ?? p.Keypoints.Count,
                ["keypoints"] = keypoints,
                ["keypoint_scores"] = new JsonArray(p.Keypoints.Select(k => (JsonNode)Round(k.Confidence)).ToArray()),
                ["score"] = Round(p.Score),
                ["bbox"] = new JsonArray(Round(p.Box.X), Round(p.Box.Y), Round(p.Box.Width), Round(p.Box.Height)),
                ["area"] = Round(p.Box.Width * p.Box.Height),
            }, extra?.Annotation, name));
        }
        var category = new JsonObject
        {
            ["id"] = 1, ["name"] = "animal", ["supercategory"] = "animal",
            ["keypoints"] = new JsonArray(skeleton.Keypoints.Select(n => (JsonNode)n!).ToArray()),
            ["skeleton"] = new JsonArray(skeleton.Edges.Select(e => (JsonNode)new JsonArray(e.From + 1, e.To + 1)).ToArray()),
            ["swap_pairs"] = new JsonArray(skeleton.SwapPairs.Select(s => (JsonNode)new JsonArray(skeleton.Keypoints[s.Left], skeleton.Keypoints[s.Right])).ToArray()),
        };
        var document = new JsonObject
        {
            ["info"] = new JsonObject { ["description"] = $"keypoints predicted by NewtPose ({scorer})", ["date_created"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) },
            ["images"] = images, ["annotations"] = annotations, ["categories"] = new JsonArray(category), ["failed_images"] = failed,
        };
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) + "\n";
    }

    private static string Csv(IReadOnlyList<PhotoResult> results, ModelCard model, string root)
    {
        var text = new StringBuilder("image,keypoint,x,y,confidence,error\n");
        foreach (var r in results)
        {
            var name = Field(ImageName(r.Path, root));
            if (r.Prediction is not { } p) { text.Append(name).Append(",,,,,").Append(Field(r.Error ?? "")).Append('\n'); continue; }
            for (var k = 0; k < p.Keypoints.Count; k++)
            {
                var point = p.Keypoints[k];
                text.Append(name).Append(',').Append(Field(model.Keypoints[k])).Append(',').Append(Number(point.X)).Append(',')
                    .Append(Number(point.Y)).Append(',').Append(Number(point.Confidence)).Append(",\n");
            }
        }
        return text.ToString();
    }

    private static string Dlc(IReadOnlyList<PhotoResult> results, ModelCard model, string root, string scorer)
    {
        var k = model.Keypoints.Count;
        var text = new StringBuilder();
        text.Append("scorer").Append(string.Concat(Enumerable.Repeat("," + Field(scorer), 3 * k))).Append('\n');
        text.Append("bodyparts").Append(string.Concat(model.Keypoints.SelectMany(n => Enumerable.Repeat("," + Field(n), 3)))).Append('\n');
        text.Append("coords").Append(string.Concat(Enumerable.Repeat(",x,y,likelihood", k))).Append('\n');
        foreach (var r in results)
        {
            text.Append(Field(ImageName(r.Path, root)));
            if (r.Prediction is { } p)
                foreach (var point in p.Keypoints) text.Append(',').Append(Number(point.X)).Append(',').Append(Number(point.Y)).Append(',').Append(Number(point.Confidence));
            else
                text.Append(new string(',', 3 * k));
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The record with the extra fields added (copies: the caller's nodes keep their own parent).</summary>
    private static JsonObject WithExtra(JsonObject record, JsonObject? extra, string image)
    {
        if (extra is null) return record;
        foreach (var (key, value) in extra)
        {
            if (record.ContainsKey(key))
                throw new ArgumentException($"Extra field '{key}' for {image} is one the predictions file writes itself; choose another name.", "extras");
            record[key] = value?.DeepClone();
        }
        return record;
    }

    private static double Round(double v) => Math.Round(v, 3, MidpointRounding.ToEven);

    private static string Number(double v) => Round(v).ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A CSV field, quoted when it holds a comma, quote or line break (every CSV NewtPose writes beside predictions).</summary>
    internal static string Field(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
