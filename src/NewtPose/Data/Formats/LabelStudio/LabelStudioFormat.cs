using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NewtPose.IO;

namespace NewtPose.Data.Formats.LabelStudio;

/// <summary>
/// Label Studio's JSON export (a list of tasks), and pre-annotations written in its predictions format.
/// <para>Each task: <c>data.image</c> (or the first text in <c>data</c>) names the photo, usually by upload URL
/// (<see cref="LabelStudioImages"/>); <c>annotations[0].result</c> holds <c>keypointlabels</c> results (x, y in percent
/// of <c>original_width</c>/<c>original_height</c>, the label is the keypoint name), <c>rectanglelabels</c> results (one
/// per animal) and <c>relation</c> results linking a rectangle to its points. A point goes to the rectangle a relation
/// links it to, else to the only rectangle that contains it; without rectangles a task's points are one animal. Cancelled
/// annotations are not read; a task's further annotations are counted in a warning. Keypoint names are the labels in the
/// order first seen.</para>
/// </summary>
public static class LabelStudioFormat
{
    /// <summary>The URL prefix of a photo served by Label Studio's local-files storage (<c>?d=</c> is relative to its document root).</summary>
    public const string LocalFilesUrl = "/data/local-files/?d=";

    private const string KeypointType = "keypointlabels";
    private const string RectangleType = "rectanglelabels";
    private const string RelationType = "relation";

    public static PoseDataset Read(string path, string? imageFolder = null)
    {
        if (!File.Exists(path)) throw new DatasetFormatException(path, null, "file not found.");
        JsonDocument document;
        try { document = JsonDocument.Parse(File.ReadAllBytes(path).AsMemory().TrimUtf8Bom(), new JsonDocumentOptions { AllowTrailingCommas = true }); }
        catch (JsonException e) { throw new DatasetFormatException(path, $"line {e.LineNumber + 1}", $"invalid JSON: {e.Message}"); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array) throw new DatasetFormatException(path, null, "expected the list of tasks Label Studio exports (JSON), found an object.");
            var folder = Path.GetFullPath(imageFolder ?? Path.GetDirectoryName(Path.GetFullPath(path))!);
            var images = new LabelStudioImages(folder, path);
            var names = new List<string>();
            var tasks = new List<(string Image, int Width, int Height, List<Dictionary<string, Keypoint>> Animals, List<BoundingBox?> Boxes)>();
            var warnings = new List<string>();
            int extraAnnotations = 0, cancelled = 0;
            var t = 0;
            foreach (var task in root.EnumerateArray())
            {
                var where = $"tasks[{t++}]";
                if (task.ValueKind != JsonValueKind.Object)
                    throw new DatasetFormatException(path, where, $"expected a JSON object (COCO) or a list of task objects (a Label Studio export); this list holds a {task.ValueKind}.");
                var image = images.Resolve(task, where);
                var annotations = task.TryGetProperty("annotations", out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().ToArray() : [];
                var kept = annotations.Where(x => !(x.TryGetProperty("was_cancelled", out var c) && c.ValueKind == JsonValueKind.True)).ToArray();
                cancelled += annotations.Length - kept.Length;
                extraAnnotations += Math.Max(0, kept.Length - 1);
                var results = kept.Length > 0 && kept[0].TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.Array ? r.EnumerateArray().ToArray() : [];
                var (width, height, animals, boxes) = Animals(results, path, $"{where}.annotations[0]", names);
                if (width == 0) (width, height) = images.Size(image);
                tasks.Add((image, width, height, animals, boxes));
            }
            if (names.Count == 0) throw new DatasetFormatException(path, null, "no task holds a keypointlabels result: there are no keypoints to read.");
            var skeleton = new Skeleton(names);
            var labeled = new List<LabeledImage>();
            var seen = new HashSet<string>();
            for (var i = 0; i < tasks.Count; i++)
            {
                var (image, width, height, animals, boxes) = tasks[i];
                if (!seen.Add(image)) throw new DatasetFormatException(path, $"tasks[{i}]", $"the photo '{image}' is the photo of an earlier task too.");
                var instances = animals.Select((animal, n) => new PoseInstance(names.Select(k => animal.GetValueOrDefault(k, Keypoint.Missing)).ToArray(), boxes[n])).ToArray();
                labeled.Add(new LabeledImage(image, width, height, instances));
            }
            if (cancelled > 0) warnings.Add($"{path}: {cancelled} cancelled annotations were not read.");
            if (extraAnnotations > 0) warnings.Add($"{path}: {extraAnnotations} annotations beyond the first of their task were not read (one annotation per photo is read).");
            warnings.AddRange(images.Warnings());
            return new PoseDataset(skeleton, labeled, folder) { Warnings = warnings };
        }
    }

    private static (int Width, int Height, List<Dictionary<string, Keypoint>> Animals, List<BoundingBox?> Boxes) Animals(
        JsonElement[] results, string path, string where, List<string> names)
    {
        int width = 0, height = 0;
        var boxes = new List<(string? Id, BoundingBox Box)>();
        var points = new List<(string? Id, string Label, double X, double Y, string Where)>();
        var links = new List<(string A, string B)>();
        for (var i = 0; i < results.Length; i++)
        {
            var r = results[i];
            var at = $"{where}.result[{i}]";
            var type = Text(r, "type");
            if (type == RelationType)
            {
                if (Text(r, "from_id") is { } from && Text(r, "to_id") is { } to) links.Add((from, to));
                continue;
            }
            if (type is not (KeypointType or RectangleType)) continue;
            var w = Number(r, "original_width", path, at);
            var h = Number(r, "original_height", path, at);
            if (w is not > 0 || h is not > 0) throw new DatasetFormatException(path, at, "has no positive original_width and original_height; the percentages cannot be turned into pixels.");
            (width, height) = ((int)w, (int)h);
            if (!r.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Object) throw new DatasetFormatException(path, at, "has no 'value' object.");
            double Percent(string key, double side) => (Number(value, key, path, $"{at}.value") ?? throw new DatasetFormatException(path, $"{at}.value", $"has no '{key}'.")) * side / 100;
            var id = Text(r, "id");
            if (type == RectangleType)
            {
                if (Number(value, "rotation", path, $"{at}.value") is { } rotation && rotation != 0)
                    throw new DatasetFormatException(path, at, $"the rectangle is rotated ({rotation}°); only upright boxes are read.");
                boxes.Add((id, new BoundingBox(Percent("x", w.Value), Percent("y", h.Value), Percent("width", w.Value), Percent("height", h.Value))));
                continue;
            }
            var labels = value.TryGetProperty(KeypointType, out var l) && l.ValueKind == JsonValueKind.Array ? l.EnumerateArray().Select(x => x.GetString() ?? "").ToArray() : [];
            if (labels.Length != 1 || labels[0].Length == 0) throw new DatasetFormatException(path, at, $"a keypoint needs exactly one label (its keypoint name), found {labels.Length}.");
            var x = Percent("x", w.Value);
            var y = Percent("y", h.Value);
            if (KeypointChecks.OutsideProblem(new Keypoint(x, y, Visibility.Visible), width, height) is { } problem) throw new DatasetFormatException(path, at, problem);
            if (!names.Contains(labels[0])) names.Add(labels[0]);
            points.Add((id ?? Text(r, "parentID"), labels[0], x, y, at));
        }
        var animalOf = new Dictionary<string, int>();
        foreach (var (a, b) in links)
        {
            var box = boxes.FindIndex(x => x.Id == a || x.Id == b);
            if (box < 0) continue;
            var other = boxes[box].Id == a ? b : a;
            animalOf[other] = box;
        }
        var animals = Enumerable.Range(0, Math.Max(1, boxes.Count)).Select(_ => new Dictionary<string, Keypoint>()).ToList();
        foreach (var p in points)
        {
            int animal;
            if (p.Id is not null && animalOf.TryGetValue(p.Id, out var linked)) animal = linked;
            else if (boxes.Count <= 1) animal = 0;
            else
            {
                var inside = boxes.Select((b, n) => (b.Box, n)).Where(b => p.X >= b.Box.X && p.X <= b.Box.Right && p.Y >= b.Box.Y && p.Y <= b.Box.Bottom).ToArray();
                if (inside.Length != 1)
                    throw new DatasetFormatException(path, p.Where, $"keypoint '{p.Label}' is linked to no rectangle by a relation and lies in {inside.Length} of the {boxes.Count} rectangles: its animal cannot be told.");
                animal = inside[0].n;
            }
            if (animals[animal].ContainsKey(p.Label))
                throw new DatasetFormatException(path, p.Where, $"keypoint '{p.Label}' appears twice in one animal{(boxes.Count <= 1 ? " (link points to their animal's rectangle with relations when a photo holds several)" : "")}.");
            animals[animal][p.Label] = new Keypoint(p.X, p.Y, Visibility.Visible);
        }
        if (points.Count == 0 && boxes.Count == 0) animals.Clear();
        return (width, height, animals, boxes.Count == 0 ? animals.Select(_ => (BoundingBox?)null).ToList() : boxes.Select(b => (BoundingBox?)b.Box).ToList());
    }

    /// <summary>
    /// Writes <paramref name="dataset"/>'s instances as Label Studio pre-annotations: one task per image with
    /// <c>data.image</c> = <paramref name="imageUrl"/>(path) and <c>predictions: [{model_version, score, result}]</c>, the
    /// result holding per animal a <c>rectanglelabels</c> box, a <c>keypointlabels</c> point per labelled keypoint and a
    /// <c>relation</c> from the box to each point, named by <paramref name="names"/> as the project's labelling config names
    /// its tags. An instance's <c>score</c> attribute (a model's confidence) is its score; the prediction's score is their mean.
    /// </summary>
    public static void WritePredictions(PoseDataset dataset, string path, LabelStudioNames names, string modelVersion, Func<string, string> imageUrl, List<string> losses)
    {
        names.Validate();
        var tasks = new JsonArray();
        int occluded = 0, unsized = 0;
        foreach (var image in dataset.Images)
        {
            var result = new JsonArray();
            var scores = new List<double>();
            if (image.Width <= 0 || image.Height <= 0) { if (image.Instances.Count > 0) unsized++; }
            else
                for (var n = 0; n < image.Instances.Count; n++)
                {
                    var instance = image.Instances[n];
                    var box = instance.Box ?? BoundingBox.AroundLabeled(instance.Keypoints);
                    if (box is null) continue;
                    var boxId = $"a{n + 1}";
                    result.Add(Region(boxId, RectangleType, names.Box, names, image, new JsonObject
                    {
                        ["x"] = Pct(box.Value.X, image.Width), ["y"] = Pct(box.Value.Y, image.Height),
                        ["width"] = Pct(box.Value.Width, image.Width), ["height"] = Pct(box.Value.Height, image.Height), ["rotation"] = 0,
                        [RectangleType] = new JsonArray(names.AnimalLabel),
                    }));
                    for (var k = 0; k < instance.Keypoints.Count; k++)
                    {
                        var p = instance.Keypoints[k];
                        if (!p.IsLabeled) continue;
                        if (p.Visibility == Visibility.Occluded) occluded++;
                        var pointId = $"a{n + 1}k{k + 1}";
                        result.Add(Region(pointId, KeypointType, names.Keypoints, names, image, new JsonObject
                        {
                            ["x"] = Pct(p.X, image.Width), ["y"] = Pct(p.Y, image.Height), ["width"] = names.PointSize,
                            [KeypointType] = new JsonArray(dataset.Skeleton.Keypoints[k]),
                        }));
                        result.Add(new JsonObject { ["type"] = RelationType, ["from_id"] = boxId, ["to_id"] = pointId, ["direction"] = "right" });
                    }
                    if (instance.Attributes.TryGetValue("score", out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var score)) scores.Add(score);
                }
            var prediction = new JsonObject { ["model_version"] = modelVersion, ["result"] = result };
            if (scores.Count > 0) prediction["score"] = Math.Round(scores.Average(), 6);
            tasks.Add(new JsonObject { ["data"] = new JsonObject { [names.Image] = imageUrl(image.Path) }, ["predictions"] = new JsonArray(prediction) });
        }
        AtomicFile.WriteAllText(path, tasks.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        if (occluded > 0) losses.Add($"{occluded} occluded points (v=1) were written as plain keypoints: Label Studio keypoints have no visibility flag.");
        if (unsized > 0) losses.Add($"{unsized} images of unknown size have no predictions: Label Studio's percentages need the size.");
    }

    private static JsonObject Region(string id, string type, string fromName, LabelStudioNames names, LabeledImage image, JsonObject value) => new()
    {
        ["id"] = id, ["type"] = type, ["from_name"] = fromName, ["to_name"] = names.Image,
        ["original_width"] = image.Width, ["original_height"] = image.Height, ["image_rotation"] = 0, ["value"] = value,
    };

    // Percent of the side; eight decimals keep a 10,000 px photo within 1e-3 px.
    private static double Pct(double pixels, int side) => Math.Round(pixels * 100 / side, 8);

    private static string? Text(JsonElement e, string key) => e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Number(JsonElement e, string key, string path, string where)
    {
        if (!e.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number || !double.IsFinite(v.GetDouble())) throw new DatasetFormatException(path, $"{where}.{key}", $"expected a number, found {v.GetRawText()}.");
        return v.GetDouble();
    }

    private static ReadOnlyMemory<byte> TrimUtf8Bom(this Memory<byte> bytes) =>
        bytes.Length >= 3 && bytes.Span[0] == 0xEF && bytes.Span[1] == 0xBB && bytes.Span[2] == 0xBF ? bytes[3..] : bytes;
}

/// <summary>The names a Label Studio labelling config gives its tags, which pre-annotations must use to show up.</summary>
/// <param name="Image">The Image tag's name, and the data key of the photo's URL (<c>&lt;Image name="image" value="$image"/&gt;</c>).</param>
/// <param name="Keypoints">The KeyPointLabels tag's name; its Label values are the keypoint names.</param>
/// <param name="Box">The RectangleLabels tag's name.</param>
/// <param name="AnimalLabel">The rectangle's label.</param>
/// <param name="PointSize">The point size Label Studio draws, in percent of the image width.</param>
public sealed record LabelStudioNames(string Image = "image", string Keypoints = "keypoints", string Box = "box", string AnimalLabel = "animal", double PointSize = 0.5)
{
    public void Validate()
    {
        foreach (var (name, value) in new[] { ("image", Image), ("keypoints", Keypoints), ("box", Box), ("animal label", AnimalLabel) })
            if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException($"The Label Studio {name} name is empty.");
        if (!(PointSize > 0)) throw new ArgumentException($"The point size must be positive, got {PointSize}.");
    }
}
