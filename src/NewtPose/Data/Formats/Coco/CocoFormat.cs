using System.Text.Json;
using System.Text.Json.Nodes;
using NewtPose.IO;

namespace NewtPose.Data.Formats.Coco;

/// <summary>
/// COCO keypoint JSON. <c>images</c>: id, file_name (may hold subfolders), width, height.
/// <c>annotations</c>: image_id, category_id, keypoints as [x1, y1, v1, ...] (3 × K numbers, v in {0, 1, 2}, int or float),
/// num_keypoints, bbox [x, y, w, h]. <c>categories</c>: the one keypoint category with <c>keypoints</c> (names) and
/// <c>skeleton</c> (1-based index pairs). NewtPose adds an optional per-annotation <c>individual</c> and keeps other
/// extra fields as attributes. Paths are relative to the folder of the JSON file.
/// </summary>
public static class CocoFormat
{
    public static PoseDataset Read(string path)
    {
        if (!File.Exists(path)) throw new DatasetFormatException(path, null, "file not found.");
        JsonNode root;
        try
        {
            root = JsonNode.Parse(File.ReadAllBytes(path)) ?? throw new DatasetFormatException(path, null, "the file holds JSON null, not a COCO object.");
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException(path, $"line {e.LineNumber + 1}, column {e.BytePositionInLine + 1}", $"invalid JSON: {e.Message}");
        }
        var category = root["categories"]?.AsArray().FirstOrDefault(c => c?["keypoints"] is JsonArray)
            ?? throw new DatasetFormatException(path, "categories", "no category with a 'keypoints' list.");
        var names = category["keypoints"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
        var edges = (category["skeleton"] as JsonArray ?? []).Select(e => new Edge(e![0]!.GetValue<int>() - 1, e[1]!.GetValue<int>() - 1)).ToArray();
        var pairs = (category["swap_pairs"] as JsonArray ?? []).Select(p => new SwapPair(names.AsSpan().IndexOf(p![0]!.GetValue<string>()), names.AsSpan().IndexOf(p[1]!.GetValue<string>()))).ToArray();
        var skeleton = new Skeleton(names, edges, pairs);

        var byImage = new Dictionary<long, List<PoseInstance>>();
        var annotations = root["annotations"] as JsonArray ?? [];
        for (var a = 0; a < annotations.Count; a++)
        {
            var ann = annotations[a]!;
            var values = ann["keypoints"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
            if (values.Length != 3 * names.Length)
                throw new DatasetFormatException(path, $"annotations[{a}]", $"keypoints has {values.Length} numbers, expected 3 x {names.Length} = {3 * names.Length}.");
            var keypoints = new Keypoint[names.Length];
            for (var k = 0; k < names.Length; k++)
                keypoints[k] = new Keypoint(values[3 * k], values[3 * k + 1], (Visibility)(int)values[3 * k + 2]);
            BoundingBox? box = ann["bbox"] is JsonArray b && b.Count == 4
                ? new BoundingBox(b[0]!.GetValue<double>(), b[1]!.GetValue<double>(), b[2]!.GetValue<double>(), b[3]!.GetValue<double>())
                : null;
            var imageId = ann["image_id"]!.GetValue<long>();
            if (!byImage.TryGetValue(imageId, out var list)) byImage[imageId] = list = [];
            list.Add(new PoseInstance(keypoints, box, ann["individual"]?.ToString()));
        }

        var images = (root["images"] as JsonArray ?? []).Select(i => new LabeledImage(
            i!["file_name"]!.GetValue<string>(),
            i["width"]?.GetValue<int>() ?? 0,
            i["height"]?.GetValue<int>() ?? 0,
            byImage.TryGetValue(i["id"]!.GetValue<long>(), out var inst) ? inst : [])).ToArray();
        return new PoseDataset(skeleton, images, Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Writes the dataset as COCO keypoint JSON (atomically). Image paths are written relative to the JSON file's folder.</summary>
    public static void Write(PoseDataset dataset, string path, string categoryName = "animal")
    {
        var skeleton = dataset.Skeleton;
        var images = new JsonArray();
        var annotations = new JsonArray();
        long annotationId = 1;
        for (var i = 0; i < dataset.Images.Count; i++)
        {
            var image = dataset.Images[i];
            images.Add(new JsonObject { ["id"] = i + 1, ["file_name"] = image.Path, ["width"] = image.Width, ["height"] = image.Height });
            foreach (var instance in image.Instances)
            {
                var values = new JsonArray();
                foreach (var k in instance.Keypoints)
                {
                    values.Add(Round(k.IsLabeled ? k.X : 0)); values.Add(Round(k.IsLabeled ? k.Y : 0)); values.Add((int)k.Visibility);
                }
                var box = instance.Box ?? BoundingBox.AroundLabeled(instance.Keypoints) ?? new BoundingBox(0, 0, 0, 0);
                var ann = new JsonObject
                {
                    ["id"] = annotationId++, ["image_id"] = i + 1, ["category_id"] = 1, ["iscrowd"] = 0,
                    ["num_keypoints"] = instance.LabeledCount, ["keypoints"] = values,
                    ["bbox"] = new JsonArray(Round(box.X), Round(box.Y), Round(box.Width), Round(box.Height)),
                    ["area"] = Round(box.Width * box.Height),
                };
                if (instance.Individual is not null) ann["individual"] = instance.Individual;
                annotations.Add(ann);
            }
        }
        var category = new JsonObject
        {
            ["id"] = 1, ["name"] = categoryName, ["supercategory"] = categoryName,
            ["keypoints"] = new JsonArray(skeleton.Keypoints.Select(n => (JsonNode)n!).ToArray()),
            ["skeleton"] = new JsonArray(skeleton.Edges.Select(e => (JsonNode)new JsonArray(e.From + 1, e.To + 1)).ToArray()),
            ["swap_pairs"] = new JsonArray(skeleton.SwapPairs.Select(p => (JsonNode)new JsonArray(skeleton.Keypoints[p.Left], skeleton.Keypoints[p.Right])).ToArray()),
        };
        var root = new JsonObject { ["images"] = images, ["annotations"] = annotations, ["categories"] = new JsonArray(category) };
        AtomicFile.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
    }

    // Three decimals keep every point within 1e-3 px and keep files small and byte-stable.
    private static double Round(double v) => Math.Round(v, 3, MidpointRounding.ToEven);
}
