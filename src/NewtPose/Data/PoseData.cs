using NewtPose.Data.Formats.Coco;
using NewtPose.Data.Formats.Dlc;
using NewtPose.Data.Formats.Yolo;

namespace NewtPose.Data;

/// <summary>The one entry point for label files: <see cref="Load"/> any supported format, <see cref="Save"/> to any other.</summary>
public static class PoseData
{
    /// <summary>
    /// Reads labels, the format detected from the path unless given: a <c>.json</c> is COCO; a DeepLabCut project folder,
    /// <c>CollectedData_*.csv</c> or <c>.h5</c> is DLC; a <c>data.yaml</c> or a folder holding one is YOLO.
    /// Swap pairs come from the file (COCO swap_pairs, YOLO flip_idx) or, when it has none, from the keypoint names.
    /// Fatal problems throw <see cref="DatasetFormatException"/>; others (missing image files, pairs that do not mirror,
    /// wrong num_keypoints...) are on <see cref="PoseDataset.Warnings"/>.
    /// </summary>
    public static PoseDataset Load(string path, LabelFormat? format = null)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new DatasetFormatException(path, null, "file or folder not found.");
        var dataset = (format ?? Detect(path)) switch
        {
            LabelFormat.Coco => CocoFormat.Read(Directory.Exists(path) ? SingleJson(path) : path),
            LabelFormat.Dlc => DlcFormat.Read(path),
            LabelFormat.Yolo => YoloFormat.Read(path),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        var warnings = dataset.Warnings.ToList();
        if (dataset.Skeleton.SwapPairs.Count == 0)
            dataset = dataset with { Skeleton = dataset.Skeleton.WithSwapPairs(SwapPairs.InferFromNames(dataset.Skeleton.Keypoints)) };
        warnings.AddRange(SwapPairs.CheckMirroring(dataset));
        if (DatasetPaths.MissingImagesWarning(dataset) is { } missing) warnings.Add(missing);
        return dataset with { Warnings = warnings };
    }

    /// <summary>The format a path holds, from its name and, for folders, what is inside.</summary>
    public static LabelFormat Detect(string path)
    {
        if (Directory.Exists(path))
        {
            if (File.Exists(Path.Combine(path, "data.yaml")) || Directory.GetFiles(path, "*.yaml").Any(IsYoloYaml)) return LabelFormat.Yolo;
            if (Directory.Exists(Path.Combine(path, "labeled-data")) || File.Exists(Path.Combine(path, "config.yaml"))
                || Directory.GetFiles(path, "CollectedData*.csv").Length > 0) return LabelFormat.Dlc;
            if (Directory.GetFiles(path, "*.json").Length == 1) return LabelFormat.Coco;
            throw new DatasetFormatException(path, null, "cannot tell the label format of this folder (no data.yaml, no DeepLabCut labeled-data/ or CollectedData*.csv, not exactly one .json); pass the format explicitly.");
        }
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".json" => LabelFormat.Coco,
            ".csv" or ".h5" => LabelFormat.Dlc,
            ".yaml" or ".yml" when Path.GetFileName(path) == "config.yaml" && !IsYoloYaml(path) => LabelFormat.Dlc,
            ".yaml" or ".yml" => LabelFormat.Yolo,
            var ext => throw new DatasetFormatException(path, null, $"cannot tell the label format from the extension '{ext}' (expected .json, .csv, .h5 or .yaml); pass the format explicitly."),
        };
    }

    /// <summary>
    /// Writes <paramref name="dataset"/> in <paramref name="format"/>: COCO to a .json file (or annotations.json in a
    /// folder), DLC and YOLO to a folder. Images are copied beside the labels when the layout moves them, so the output
    /// is a dataset of its own. Existing label files are not overwritten unless <paramref name="overwrite"/>.
    /// </summary>
    public static ConversionReport Save(PoseDataset dataset, string outputPath, LabelFormat format, bool overwrite = false)
    {
        // Datasets built in code never went through a reader: check their image paths before anything is written.
        for (var i = 0; i < dataset.Images.Count; i++)
            DatasetPaths.CheckRelative(dataset.Images[i].Path, outputPath, $"image {i}");
        var losses = new List<string>();
        string labelPath, outputRoot;
        IReadOnlyList<string> targets;
        switch (format)
        {
            case LabelFormat.Coco:
                labelPath = Path.GetExtension(outputPath).Equals(".json", StringComparison.OrdinalIgnoreCase) ? outputPath : Path.Combine(outputPath, "annotations.json");
                Refuse(File.Exists(labelPath), labelPath, overwrite);
                outputRoot = Path.GetDirectoryName(Path.GetFullPath(labelPath))!;
                CocoFormat.Write(dataset, labelPath);
                targets = dataset.Images.Select(i => i.Path).ToArray();
                break;
            case LabelFormat.Dlc:
                labelPath = outputRoot = outputPath;
                Refuse(Directory.Exists(Path.Combine(outputPath, "labeled-data")) && Directory.GetFiles(Path.Combine(outputPath, "labeled-data"), "CollectedData*.csv", SearchOption.AllDirectories).Length > 0, outputPath, overwrite);
                targets = DlcFormat.Write(dataset, outputPath, "newtpose", losses);
                break;
            case LabelFormat.Yolo:
                labelPath = outputRoot = outputPath;
                Refuse(File.Exists(Path.Combine(outputPath, "data.yaml")), Path.Combine(outputPath, "data.yaml"), overwrite);
                targets = YoloFormat.Write(dataset, outputPath, losses);
                break;
            default: throw new ArgumentOutOfRangeException(nameof(format));
        }
        if (format != LabelFormat.Coco && dataset.Images.Count(i => i.Attributes.Count > 0) is var withFields and > 0)
            losses.Add($"{withFields} images have extra fields ({string.Join(", ", dataset.Images.SelectMany(i => i.Attributes.Keys).Distinct().Take(5))}) that {format} cannot hold; they were not written.");
        var (copied, missing) = CopyImages(dataset, outputRoot, targets);
        if (missing.Count > 0)
            losses.Add($"{missing.Count} image files were not found and not copied (first: {string.Join(", ", missing.Take(3))}); their labels were written.");
        return new ConversionReport(labelPath, format, dataset.Images.Count, dataset.Instances.Count(),
            dataset.Instances.Sum(i => i.LabeledCount), copied, losses);
    }

    private static void Refuse(bool exists, string path, bool overwrite)
    {
        if (exists && !overwrite) throw new IOException($"{path} already holds labels; choose another output or allow overwriting (newtpose convert --force).");
    }

    private static (int Copied, List<string> Missing) CopyImages(PoseDataset dataset, string outputRoot, IReadOnlyList<string> targets)
    {
        var copied = 0;
        var missing = new List<string>();
        for (var i = 0; i < dataset.Images.Count; i++)
        {
            var source = dataset.FullPath(dataset.Images[i]);
            var target = DatasetPaths.Under(outputRoot, targets[i]);
            if (string.Equals(source, target, StringComparison.Ordinal)) continue;
            if (!File.Exists(source)) { if (!File.Exists(target)) missing.Add(dataset.Images[i].Path); continue; }
            if (File.Exists(target) && new FileInfo(target).Length == new FileInfo(source).Length) continue;
            IO.AtomicFile.Write(target, s => { using var input = File.OpenRead(source); input.CopyTo(s); });
            copied++;
        }
        return (copied, missing);
    }

    private static string SingleJson(string folder)
    {
        var files = Directory.GetFiles(folder, "*.json");
        return files.Length == 1 ? files[0] : throw new DatasetFormatException(folder, null, $"expected one COCO .json in the folder, found {files.Length}.");
    }

    private static bool IsYoloYaml(string file)
    {
        try { return File.ReadLines(file).Take(200).Any(l => l.TrimStart().StartsWith("kpt_shape", StringComparison.Ordinal)); }
        catch (IOException) { return false; }
    }
}
