using System.Globalization;
using System.Text;
using NewtPose.Imaging;
using NewtPose.IO;

namespace NewtPose.Data.Formats.Yolo;

/// <summary>
/// YOLO pose labels as Ultralytics reads them.
/// <para><c>data.yaml</c>: optional <c>path</c> (dataset root, default the YAML's folder), <c>train</c>/<c>val</c>/<c>test</c>
/// (a folder of images, a list of folders, or a .txt list of image paths), <c>kpt_shape: [K, 2|3]</c>, optional
/// <c>flip_idx</c> (the keypoint each one becomes after a horizontal flip; must be an involution), <c>names</c> (classes,
/// list or map) and, from newer Ultralytics, <c>kpt_names</c> (map class → names). NewtPose adds <c>skeleton</c>
/// (0-based index pairs). Without kpt_names the keypoints are named kp0..kpK-1.</para>
/// <para>Each image <c>…/images/…/x.jpg</c> has a label file <c>…/labels/…/x.txt</c> (the last <c>images</c> folder
/// replaced by <c>labels</c>), one line per animal: <c>class cx cy w h</c> then K × (x y) or K × (x y v), all normalised
/// to [0, 1] by the image size, read from the image header. With 2 values per point (0, 0) is "not labelled"; with 3,
/// v follows COCO (0, 1, 2). An image without a label file is an unlabelled image.</para>
/// </summary>
public static class YoloFormat
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"];

    /// <summary>Reads a data.yaml, or a folder holding one (or holding images/ and labels/ with a single-class K×3 layout inferred from the first label).</summary>
    public static PoseDataset Read(string path)
    {
        var yaml = Directory.Exists(path)
            ? Directory.GetFiles(path, "*.yaml").Concat(Directory.GetFiles(path, "*.yml")).OrderBy(f => Path.GetFileName(f) == "data.yaml" ? 0 : 1).FirstOrDefault()
            : path;
        if (yaml is null) throw new DatasetFormatException(path, null, "no data.yaml in the folder (YOLO pose needs kpt_shape from it).");
        if (!File.Exists(yaml)) throw new DatasetFormatException(yaml, null, "file not found.");
        var config = YoloConfig.Parse(yaml);
        var warnings = new List<string>(config.Warnings);
        var images = new List<LabeledImage>();
        var seen = new HashSet<string>();
        var labelFiles = new HashSet<string>();
        foreach (var image in config.ImagePaths())
        {
            if (!seen.Add(image)) continue;
            var full = Path.Combine(config.Root, image);
            int width, height;
            try { (width, height) = ImageLoader.ReadSize(full); }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                throw new DatasetFormatException(full, null, $"cannot read the image size ({e.Message}); YOLO labels are normalised and need it.");
            }
            var label = Path.Combine(config.Root, LabelPath(image));
            labelFiles.Add(Path.GetFullPath(label));
            var instances = File.Exists(label) ? ReadLabel(label, config, width, height) : [];
            images.Add(new LabeledImage(image, width, height, instances));
        }
        var labelsDir = Path.Combine(config.Root, "labels");
        if (Directory.Exists(labelsDir))
        {
            var orphans = Directory.GetFiles(labelsDir, "*.txt", SearchOption.AllDirectories).Where(f => !labelFiles.Contains(Path.GetFullPath(f))).ToArray();
            if (orphans.Length > 0)
                warnings.Add($"{labelsDir}: {orphans.Length} label files have no image listed in {yaml} (first: {string.Join(", ", orphans.Take(3).Select(Path.GetFileName))}); they were not read.");
        }
        return new PoseDataset(config.Skeleton, images, config.Root) { Warnings = warnings };
    }

    /// <summary>Ultralytics' rule: the last "images" folder of the path becomes "labels", the extension ".txt".</summary>
    public static string LabelPath(string imagePath)
    {
        var p = "/" + imagePath;
        var at = p.LastIndexOf("/images/", StringComparison.Ordinal);
        if (at >= 0) p = p[..at] + "/labels/" + p[(at + 8)..];
        return Path.ChangeExtension(p[1..], ".txt");
    }

    internal static bool IsImage(string file) => ImageExtensions.Contains(Path.GetExtension(file).ToLowerInvariant());

    private static List<PoseInstance> ReadLabel(string file, YoloConfig config, int width, int height)
    {
        var (k, dims) = (config.Skeleton.Count, config.Dims);
        var expected = 5 + k * dims;
        var instances = new List<PoseInstance>();
        var lines = File.ReadAllLines(file);
        for (var l = 0; l < lines.Length; l++)
        {
            var tokens = lines[l].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0) continue;
            var where = $"line {l + 1}";
            if (tokens.Length != expected)
                throw new DatasetFormatException(file, where, $"{tokens.Length} values, expected 5 + {k} x {dims} = {expected} (kpt_shape [{k}, {dims}]).");
            var values = new double[tokens.Length];
            for (var t = 0; t < tokens.Length; t++)
                if (!double.TryParse(tokens[t], NumberStyles.Float, CultureInfo.InvariantCulture, out values[t]) || !double.IsFinite(values[t]))
                    throw new DatasetFormatException(file, $"{where}, value {t + 1}", $"'{tokens[t]}' is not a finite number.");
            if (values[0] != Math.Floor(values[0]) || values[0] < 0 || values[0] >= Math.Max(1, config.ClassNames.Count))
                throw new DatasetFormatException(file, where, $"class {tokens[0]} is not one of 0..{Math.Max(1, config.ClassNames.Count) - 1}.");
            var keypoints = new Keypoint[k];
            for (var p = 0; p < k; p++)
            {
                double nx = values[5 + p * dims], ny = values[6 + p * dims];
                var v = dims == 3 ? values[7 + p * dims] : nx == 0 && ny == 0 ? 0 : 2;
                if (KeypointChecks.Check(nx * width, ny * height, v, width, height, out keypoints[p]) is { } problem)
                    throw new DatasetFormatException(file, $"{where}, keypoint {p} '{config.Skeleton.Keypoints[p]}'", problem);
            }
            var box = new BoundingBox((values[1] - values[3] / 2) * width, (values[2] - values[4] / 2) * height, values[3] * width, values[4] * height);
            var attributes = values[0] != 0 ? new Dictionary<string, string> { ["class"] = ((int)values[0]).ToString(CultureInfo.InvariantCulture) } : null;
            instances.Add(new PoseInstance(keypoints, box, attributes: attributes));
        }
        return instances;
    }

    /// <summary>
    /// Writes an Ultralytics pose dataset under <paramref name="folder"/> in its standard layout: <c>images/{train,val[,test]}/…</c>,
    /// <c>labels/{train,val[,test]}/….txt</c> and a data.yaml (kpt_shape [K, 3], flip_idx from the swap pairs, kpt_names,
    /// skeleton) whose train and val are different folders. The side of each image is <paramref name="split"/>'s when given
    /// (unlisted images go to train), else the one its path already names (images/train/…, images/val/… from a YOLO
    /// source), else a seeded split by individual (<see cref="SeededSplit"/>); which one is said in <paramref name="notes"/>.
    /// Returns each image's new relative path.
    /// </summary>
    public static IReadOnlyList<string> Write(PoseDataset dataset, string folder, List<string> losses, List<string> notes, Splits.DatasetSplit? split = null)
    {
        var skeleton = dataset.Skeleton;
        var sides = Sides(dataset, split, notes, losses);
        var targets = dataset.Images.Select((image, i) => $"images/{sides[i]}/{LayoutFolders(image.Path).Remainder}").ToArray();
        var clash = targets.GroupBy(t => t).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null) throw new InvalidOperationException($"Two images would both become '{clash.Key}' in the YOLO dataset.");
        int derivedBoxes = 0, dropped = 0, named = 0, unknownSize = 0;
        for (var i = 0; i < dataset.Images.Count; i++)
        {
            var image = dataset.Images[i];
            var text = new StringBuilder();
            if (image.Width <= 0 || image.Height <= 0)
            {
                if (image.Instances.Count > 0) { unknownSize++; dropped += image.Instances.Count; }
            }
            else
                foreach (var instance in image.Instances)
                {
                    var box = instance.Box ?? BoundingBox.AroundLabeled(instance.Keypoints);
                    if (box is null) { dropped++; continue; }
                    if (instance.Box is null) derivedBoxes++;
                    if (instance.Individual is not null || instance.Attributes.Keys.Any(a => a != "class")) named++;
                    var cls = instance.Attributes.TryGetValue("class", out var c) ? c : "0";
                    text.Append(cls).Append(' ').Append(N((box.Value.X + box.Value.Width / 2) / image.Width)).Append(' ')
                        .Append(N((box.Value.Y + box.Value.Height / 2) / image.Height)).Append(' ')
                        .Append(N(box.Value.Width / image.Width)).Append(' ').Append(N(box.Value.Height / image.Height));
                    foreach (var k in instance.Keypoints)
                        text.Append(' ').Append(k.IsLabeled ? N(k.X / image.Width) : "0").Append(' ')
                            .Append(k.IsLabeled ? N(k.Y / image.Height) : "0").Append(' ').Append((int)k.Visibility);
                    text.Append('\n');
                }
            AtomicFile.WriteAllText(DatasetPaths.Under(folder, LabelPath(targets[i])), text.ToString());
        }
        WriteYaml(dataset, folder, sides);
        if (derivedBoxes > 0) losses.Add($"{derivedBoxes} instances had no bounding box: YOLO needs one, the tightest box around the labelled points was written.");
        if (dropped > 0) losses.Add($"{dropped} instances were not written: {(unknownSize > 0 ? $"{unknownSize} images have an unknown size (YOLO is normalised), " : "")}instances with no labelled point and no box have no YOLO line.");
        if (named > 0) losses.Add($"{named} instances carry an individual name or attributes that YOLO labels cannot hold.");
        return targets;
    }

    /// <summary>The split written when none is given and the paths name none: seed 0, 20 % validation, whole individuals to one side when every labelled image names one.</summary>
    public static Splits.SplitOptions SeededSplit(PoseDataset dataset) =>
        new(Seed: 0, ValFraction: 0.2, GroupBy: dataset.Images.Where(i => i.IsLabeled).All(i => i.Instances.Any(x => x.Individual is not null)) ? "individual" : null);

    private static readonly string[] SplitNames = ["train", "val", "test"];

    // The layout folders a path starts with: Ultralytics' images/train/x.jpg, Roboflow's train/images/x.jpg, COCO's
    // images/x.jpg. Returns the side they name (valid → val) and the rest; photos/day0/x.jpg keeps its folders.
    private static (string? Side, string Remainder) LayoutFolders(string path)
    {
        var parts = path.Split('/');
        string? side = null;
        var skip = 0;
        for (; skip < Math.Min(2, parts.Length - 1); skip++)
        {
            var part = parts[skip];
            if (part == "images") continue;
            if (side is null && part is "train" or "val" or "valid" or "test") { side = part == "valid" ? "val" : part; continue; }
            break;
        }
        return (side, string.Join('/', parts[skip..]));
    }

    private static string[] Sides(PoseDataset dataset, Splits.DatasetSplit? split, List<string> notes, List<string> losses)
    {
        var images = dataset.Images;
        if (split is not null)
        {
            var side = new Dictionary<string, string>();
            foreach (var (list, name) in new[] { (split.Train, "train"), (split.Val, "val"), (split.Test, "test") })
                foreach (var p in list) side[p] = name;
            var unknown = side.Keys.Except(images.Select(i => i.Path)).ToArray();
            if (unknown.Length > 0)
                throw new ArgumentException($"The split names {unknown.Length} images that are not in the dataset (first: {string.Join(", ", unknown.Take(3))}).");
            var result = images.Select(i => side.GetValueOrDefault(i.Path, "train")).ToArray();
            notes.Add($"train/val/test from the split given: {Count(result)}{(images.Any(i => !side.ContainsKey(i.Path)) ? "; images it does not list went to train" : "")}.");
            return Checked(result, losses);
        }
        var own = images.Select(i => LayoutFolders(i.Path).Side).ToArray();
        if (own.All(s => s is not null) && own.Contains("train") && own.Contains("val"))
        {
            notes.Add($"train/val/test kept from the image paths (images/train/…, images/val/… or Roboflow's train/images/…, valid/images/…): {Count(own!)}.");
            return own!;
        }
        var options = SeededSplit(dataset);
        var seeded = Splits.DatasetSplitter.Split(dataset, options);
        var val = seeded.Val.ToHashSet();
        var sides = images.Select(i => val.Contains(i.Path) ? "val" : "train").ToArray();
        notes.Add($"train/val from a seeded split (seed {options.Seed}, {options.ValFraction:P0} of the labelled images to val, " +
            $"{(options.GroupBy is null ? "by image: not every image names its individual" : "whole individuals to one side")}): {Count(sides)}; " +
            "pass a split file (newtpose split, convert --split) to choose.");
        return Checked(sides, losses);
    }

    private static string Count(IEnumerable<string> sides) =>
        string.Join(", ", sides.GroupBy(s => s).OrderBy(g => Array.IndexOf(SplitNames, g.Key)).Select(g => $"{g.Count()} {g.Key}"));

    private static string[] Checked(string[] sides, List<string> losses)
    {
        if (!sides.Contains("val"))
            losses.Add("no image is on the validation side (too few images or individuals to split): data.yaml's val names the training images.");
        return sides;
    }

    private static void WriteYaml(PoseDataset dataset, string folder, string[] sides)
    {
        var s = dataset.Skeleton;
        var flip = s.FlipIndex();
        var yaml = new StringBuilder("# Ultralytics pose dataset written by NewtPose. Paths are relative to this file's folder.\n");
        yaml.Append("train: images/train\n");
        yaml.Append($"val: images/{(sides.Contains("val") ? "val" : "train")}\n");
        if (sides.Contains("test")) yaml.Append("test: images/test\n");
        yaml.Append($"kpt_shape: [{s.Count}, 3]\n");
        yaml.Append($"flip_idx: [{string.Join(", ", flip)}]\n");
        yaml.Append("names:\n  0: animal\n");
        yaml.Append("kpt_names:\n  0:\n").AppendJoin("", s.Keypoints.Select(k => $"    - {Quote(k)}\n"));
        yaml.Append("skeleton:\n").AppendJoin("", s.Edges.Select(e => $"  - [{e.From}, {e.To}]\n"));
        AtomicFile.WriteAllText(DatasetPaths.Under(folder, "data.yaml"), yaml.ToString());
    }

    private static string Quote(string name) => "'" + name.Replace("'", "''") + "'";

    // Nine significant digits: within 1e-5 px for a 10,000 px image.
    private static string N(double v) => v.ToString("0.#########", CultureInfo.InvariantCulture);
}
