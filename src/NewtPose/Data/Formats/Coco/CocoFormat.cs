using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NewtPose.IO;

namespace NewtPose.Data.Formats.Coco;

/// <summary>
/// COCO keypoint JSON, read as real tools write it.
/// <para><c>images</c>: id (unique), file_name (relative, may hold subfolders; absolute or '..' paths are rejected),
/// width, height. Images without annotations are kept.</para>
/// <para><c>annotations</c>: id (unique when present), image_id (must name an image), category_id, keypoints as
/// [x1, y1, v1, ...] (3 × K numbers; v in {0, 1, 2}, int or float such as 2.0), num_keypoints (often wrong in the wild:
/// recomputed, a mismatch is a warning), bbox [x, y, w, h]. Several annotations per image are several instances.
/// (0, 0, 0) and any v = 0 mean "not labelled". Fields COCO does not define are kept as instance attributes;
/// <c>individual</c> names the animal (used to group splits).</para>
/// <para><c>categories</c>: the keypoint category with <c>keypoints</c> (names, order kept) and <c>skeleton</c>
/// (1-based index pairs). NewtPose adds an optional <c>swap_pairs</c> list of [left name, right name].</para>
/// <para>Image fields beyond id, file_name, width, height (and COCO's license, URLs and date) are kept as image attributes.</para>
/// Image paths are relative to the JSON file's folder (or an <c>images/</c> folder beside it when that is where the files are).
/// </summary>
public static class CocoFormat
{
    private static readonly HashSet<string> StandardAnnotationFields =
        ["id", "image_id", "category_id", "keypoints", "num_keypoints", "bbox", "area", "iscrowd", "segmentation", "individual"];

    // COCO's own image fields (license, URLs, date) are dropped as before; only other fields are kept as attributes.
    private static readonly HashSet<string> StandardImageFields =
        ["id", "file_name", "width", "height", "license", "coco_url", "flickr_url", "date_captured"];

    public static PoseDataset Read(string path)
    {
        if (!File.Exists(path)) throw new DatasetFormatException(path, null, "file not found.");
        JsonDocument document;
        try
        {
            var bytes = File.ReadAllBytes(path);
            // Windows tools often start the file with a UTF-8 byte order mark, which the JSON reader does not skip.
            var start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            document = JsonDocument.Parse(bytes.AsMemory(start), new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException(path, $"line {e.LineNumber + 1}, column {e.BytePositionInLine + 1}", $"invalid JSON: {e.Message}");
        }
        using (document) return new Reader(path).Read(document.RootElement);
    }

    private sealed class Reader(string path)
    {
        private readonly List<string> warnings = [];

        public PoseDataset Read(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object) throw Error(null, $"expected a JSON object at the top, found {root.ValueKind}.");
            var (skeleton, categoryId, hasSwapPairs) = ReadCategory(root);
            var images = ReadImages(root);
            var byImage = ReadAnnotations(root, skeleton, categoryId, images);
            var labeled = images.Select(i => i.Image with { Instances = byImage.TryGetValue(i.Id, out var list) ? list : [] }).ToArray();
            var imageRoot = ImageRoot(labeled);
            // Some tools leave width/height out: take them from the image header when the file is there.
            for (var i = 0; i < labeled.Length; i++)
                if ((labeled[i].Width <= 0 || labeled[i].Height <= 0) && File.Exists(Path.Combine(imageRoot, labeled[i].Path)))
                {
                    try
                    {
                        var (w, h) = NewtPose.Imaging.ImageLoader.ReadSize(Path.Combine(imageRoot, labeled[i].Path));
                        labeled[i] = labeled[i] with { Width = w, Height = h };
                    }
                    catch (InvalidDataException) { }
                }
            var dataset = new PoseDataset(skeleton, labeled, imageRoot) { Warnings = warnings };
            return dataset;
        }

        private (Skeleton, long?, bool) ReadCategory(JsonElement root)
        {
            if (!root.TryGetProperty("categories", out var categories) || categories.ValueKind != JsonValueKind.Array)
                throw Error("categories", "missing or not a list.");
            var index = 0;
            foreach (var category in categories.EnumerateArray())
            {
                if (category.ValueKind == JsonValueKind.Object && category.TryGetProperty("keypoints", out var kp) && kp.ValueKind == JsonValueKind.Array)
                {
                    var where = $"categories[{index}]";
                    var names = kp.EnumerateArray().Select((n, i) => n.ValueKind == JsonValueKind.String ? n.GetString()!
                        : throw Error($"{where}.keypoints[{i}]", "keypoint name is not a string.")).ToArray();
                    if (names.Length == 0) throw Error($"{where}.keypoints", "the keypoint list is empty.");
                    var duplicate = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
                    if (duplicate is not null) throw Error($"{where}.keypoints", $"keypoint name '{duplicate.Key}' appears twice.");
                    var edges = new List<Edge>();
                    if (category.TryGetProperty("skeleton", out var sk) && sk.ValueKind == JsonValueKind.Array)
                    {
                        var e = 0;
                        foreach (var edge in sk.EnumerateArray())
                        {
                            if (edge.ValueKind != JsonValueKind.Array || edge.GetArrayLength() != 2 || !edge[0].TryGetInt32(out var a) || !edge[1].TryGetInt32(out var b)
                                || a < 1 || b < 1 || a > names.Length || b > names.Length)
                                throw Error($"{where}.skeleton[{e}]", $"expected a pair of 1-based keypoint indices in 1..{names.Length}.");
                            edges.Add(new Edge(a - 1, b - 1));
                            e++;
                        }
                    }
                    var pairs = new List<SwapPair>();
                    var hasPairs = category.TryGetProperty("swap_pairs", out var sp) && sp.ValueKind == JsonValueKind.Array;
                    if (hasPairs)
                    {
                        var p = 0;
                        foreach (var pair in sp.EnumerateArray())
                        {
                            var l = pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2 ? Array.IndexOf(names, pair[0].ToString()) : -1;
                            var r = l >= 0 ? Array.IndexOf(names, pair[1].ToString()) : -1;
                            if (l < 0 || r < 0 || l == r) throw Error($"{where}.swap_pairs[{p}]", "expected [left name, right name] naming two different keypoints.");
                            pairs.Add(new SwapPair(l, r));
                            p++;
                        }
                    }
                    long? id = category.TryGetProperty("id", out var idElement) && idElement.TryGetInt64(out var cid) ? cid : null;
                    return (new Skeleton(names, edges, pairs), id, hasPairs);
                }
                index++;
            }
            throw Error("categories", "no category has a 'keypoints' list (this is not a COCO keypoint file).");
        }

        private List<(long Id, LabeledImage Image)> ReadImages(JsonElement root)
        {
            if (!root.TryGetProperty("images", out var images) || images.ValueKind != JsonValueKind.Array)
                throw Error("images", "missing or not a list.");
            var result = new List<(long, LabeledImage)>(images.GetArrayLength());
            var ids = new HashSet<long>();
            var names = new HashSet<string>();
            var i = 0;
            foreach (var image in images.EnumerateArray())
            {
                var where = $"images[{i}]";
                if (image.ValueKind != JsonValueKind.Object) throw Error(where, "not an object.");
                var id = Integer(image, "id", where) ?? throw Error(where, "has no 'id'.");
                if (!ids.Add(id)) throw Error(where, $"duplicate image id {id}.");
                if (!image.TryGetProperty("file_name", out var fn) || fn.ValueKind != JsonValueKind.String)
                    throw Error(where, "has no 'file_name' string.");
                var file = DatasetPaths.CheckRelative(fn.GetString()!, path, where);
                if (!names.Add(file)) throw Error(where, $"file_name '{file}' appears twice.");
                var width = (int)(Integer(image, "width", where) ?? 0);
                var height = (int)(Integer(image, "height", where) ?? 0);
                if (width < 0 || height < 0) throw Error(where, $"negative image size {width}x{height}.");
                result.Add((id, new LabeledImage(file, width, height, []) { Attributes = Fields(image, StandardImageFields) ?? new Dictionary<string, string>() }));
                i++;
            }
            return result;
        }

        private Dictionary<long, List<PoseInstance>> ReadAnnotations(JsonElement root, Skeleton skeleton, long? categoryId,
            List<(long Id, LabeledImage Image)> images)
        {
            var byImage = new Dictionary<long, List<PoseInstance>>();
            if (!root.TryGetProperty("annotations", out var annotations)) return byImage;
            if (annotations.ValueKind != JsonValueKind.Array) throw Error("annotations", "not a list.");
            var imageById = images.ToDictionary(i => i.Id, i => i.Image);
            var ids = new HashSet<long>();
            var k = skeleton.Count;
            int a = 0, wrongCount = 0;
            string? firstWrong = null;
            foreach (var ann in annotations.EnumerateArray())
            {
                var where = $"annotations[{a}]";
                if (ann.ValueKind != JsonValueKind.Object) throw Error(where, "not an object.");
                var id = Integer(ann, "id", where);
                if (id is { } annId && !ids.Add(annId)) throw Error(where, $"duplicate annotation id {annId}.");
                var imageId = Integer(ann, "image_id", where) ?? throw Error(where, "has no 'image_id'.");
                if (!imageById.TryGetValue(imageId, out var image)) throw Error(where, $"image_id {imageId} names no image in 'images'.");
                if (categoryId is { } cat && Integer(ann, "category_id", where) is { } annCat && annCat != cat)
                    throw Error(where, $"category_id {annCat} is not the keypoint category {cat}; only one keypoint category is supported.");
                if (!ann.TryGetProperty("keypoints", out var kp) || kp.ValueKind != JsonValueKind.Array)
                    throw Error(where, "has no 'keypoints' list.");
                if (kp.GetArrayLength() != 3 * k)
                    throw Error(where, $"keypoints has {kp.GetArrayLength()} numbers, expected 3 x {k} = {3 * k}.");
                var keypoints = new Keypoint[k];
                var values = new double[3];
                var j = 0;
                foreach (var value in kp.EnumerateArray())
                {
                    if (value.ValueKind != JsonValueKind.Number)
                        throw Error($"{where}.keypoints[{j}]", $"expected a number, found {value.ValueKind} {value.GetRawText()}.");
                    values[j % 3] = value.GetDouble();
                    if (j % 3 == 2)
                    {
                        var p = j / 3;
                        if (KeypointChecks.Check(values[0], values[1], values[2], image.Width, image.Height, out keypoints[p]) is { } problem)
                            throw Error($"{where}, keypoint {p} '{skeleton.Keypoints[p]}' (image '{image.Path}')", problem);
                    }
                    j++;
                }
                var instance = new PoseInstance(keypoints, ReadBox(ann, where), Individual(ann), Attributes(ann));
                if (Integer(ann, "num_keypoints", where) is { } declared && declared != instance.LabeledCount)
                {
                    wrongCount++;
                    firstWrong ??= $"{where} says {declared}, counts {instance.LabeledCount}";
                }
                if (!byImage.TryGetValue(imageId, out var list)) byImage[imageId] = list = [];
                list.Add(instance);
                a++;
            }
            if (wrongCount > 0)
                warnings.Add($"{path}: {wrongCount} annotations have a num_keypoints that does not match their labelled points ({firstWrong}); the labelled points were counted.");
            return byImage;
        }

        private BoundingBox? ReadBox(JsonElement ann, string where)
        {
            if (!ann.TryGetProperty("bbox", out var b) || b.ValueKind == JsonValueKind.Null) return null;
            if (b.ValueKind != JsonValueKind.Array || b.GetArrayLength() != 4 || b.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number))
                throw Error($"{where}.bbox", "expected [x, y, width, height] numbers.");
            var box = new BoundingBox(b[0].GetDouble(), b[1].GetDouble(), b[2].GetDouble(), b[3].GetDouble());
            if (box.Width < 0 || box.Height < 0) throw Error($"{where}.bbox", "negative width or height.");
            return box;
        }

        private static string? Individual(JsonElement ann) =>
            ann.TryGetProperty("individual", out var v) && v.ValueKind is JsonValueKind.String or JsonValueKind.Number
                ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()) : null;

        private static Dictionary<string, string>? Attributes(JsonElement ann) => Fields(ann, StandardAnnotationFields);

        /// <summary>The fields of <paramref name="record"/> not in <paramref name="standard"/>, strings as they are, anything else as its JSON text.</summary>
        private static Dictionary<string, string>? Fields(JsonElement record, HashSet<string> standard)
        {
            Dictionary<string, string>? attributes = null;
            foreach (var field in record.EnumerateObject())
            {
                if (standard.Contains(field.Name)) continue;
                attributes ??= [];
                attributes[field.Name] = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString()! : field.Value.GetRawText();
            }
            return attributes;
        }

        private long? Integer(JsonElement obj, string field, string where)
        {
            if (!obj.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind == JsonValueKind.Number)
            {
                if (v.TryGetInt64(out var l)) return l;
                var d = v.GetDouble();
                if (d == Math.Floor(d) && Math.Abs(d) < 1e15) return (long)d;
            }
            throw Error($"{where}.{field}", $"expected an integer, found {v.GetRawText()}.");
        }

        /// <summary>The JSON folder, unless the images clearly live in an images/ folder beside it or above it.</summary>
        private string ImageRoot(IReadOnlyList<LabeledImage> images)
        {
            var jsonDir = Path.GetDirectoryName(Path.GetFullPath(path))!;
            if (images.Count == 0) return jsonDir;
            var sample = images.Take(20).ToArray();
            var parent = Path.GetDirectoryName(jsonDir) ?? jsonDir;
            foreach (var candidate in new[] { jsonDir, Path.Combine(jsonDir, "images"), Path.Combine(parent, "images"), parent })
                if (sample.Count(i => File.Exists(Path.Combine(candidate, i.Path))) * 2 > sample.Length) return candidate;
            return jsonDir;
        }

        private DatasetFormatException Error(string? location, string problem) => new(path, location, problem);
    }

    /// <summary>Writes the dataset as COCO keypoint JSON (atomically). Image paths are written as they are in the dataset,
    /// relative to the JSON file's folder; <see cref="PoseData.Save"/> copies the images there when needed.</summary>
    public static void Write(PoseDataset dataset, string path, string categoryName = "animal")
    {
        var skeleton = dataset.Skeleton;
        var images = new JsonArray();
        var annotations = new JsonArray();
        long annotationId = 1;
        for (var i = 0; i < dataset.Images.Count; i++)
        {
            var image = dataset.Images[i];
            var imageNode = new JsonObject { ["id"] = i + 1, ["file_name"] = image.Path, ["width"] = image.Width, ["height"] = image.Height };
            foreach (var (key, value) in image.Attributes)
                if (!imageNode.ContainsKey(key)) imageNode[key] = AttributeNode(value);
            images.Add(imageNode);
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
                foreach (var (key, value) in instance.Attributes)
                    if (!ann.ContainsKey(key)) ann[key] = AttributeNode(value);
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

    // Attributes read from numbers, objects or lists were kept as their JSON text: write them back as JSON.
    private static JsonNode? AttributeNode(string value)
    {
        var t = value.TrimStart();
        if (t.Length > 0 && (char.IsDigit(t[0]) || t[0] is '-' or '[' or '{') || t is "true" or "false")
        {
            try { return JsonNode.Parse(value); } catch (JsonException) { }
        }
        return JsonValue.Create(value);
    }

    // Three decimals keep every point within 1e-3 px and keep files small and byte-stable.
    private static double Round(double v) => Math.Round(v, 3, MidpointRounding.ToEven);
}
