using System.Globalization;
using System.Text;
using NewtPose.Imaging;
using NewtPose.IO;

namespace NewtPose.Data.Formats.Dlc;

/// <summary>
/// DeepLabCut labels (<c>CollectedData_&lt;scorer&gt;.csv</c>), as written by DeepLabCut 2.x.
/// <para>Header rows: <c>scorer</c>, optionally <c>individuals</c> (multi-animal projects; bodyparts unique to the scene sit
/// under the individual <c>single</c>), <c>bodyparts</c>, <c>coords</c> (x, y, and <c>likelihood</c> in machine labels,
/// which is ignored). The image is named either by one index column holding <c>labeled-data/&lt;video&gt;/&lt;img&gt;</c>
/// (older files) or by three index columns <c>labeled-data, &lt;video&gt;, &lt;img&gt;</c> (newer files, headers like
/// <c>scorer,,,</c>). An empty (or NaN) cell means "not labelled". Image paths are relative to the project root (the
/// folder holding <c>labeled-data/</c>), also when the CSV sits in <c>labeled-data/&lt;video&gt;/</c>.</para>
/// <para>DeepLabCut has no visibility flag: a labelled point reads as v = 2; writing v = 1 gives a labelled point and a
/// line in the <see cref="ConversionReport"/>. Rows shorter than the header (trailing cells left off) are padded with
/// "not labelled" and warned about; longer rows are an error. Image sizes come from the image files' headers.</para>
/// <para><c>CollectedData_*.h5</c> in pandas "fixed" or "table" storage is read too (<see cref="DlcH5"/>); a project folder uses the
/// .h5 of a video folder only when it holds no CSV. Writing produces both, as DeepLabCut keeps them: the CSV and
/// <c>CollectedData_&lt;scorer&gt;.h5</c> that <c>pandas.read_hdf</c> reads (<see cref="DlcH5Writer"/>).</para>
/// </summary>
public static class DlcFormat
{
    /// <summary>Reads a project folder (every <c>labeled-data/*/CollectedData_*.csv</c> and any <c>CollectedData*.csv</c> at its root) or one CSV file.</summary>
    public static PoseDataset Read(string path)
    {
        if (Directory.Exists(path)) return ReadProject(path);
        if (!File.Exists(path)) throw new DatasetFormatException(path, null, "file not found.");
        var root = ProjectRoot(path);
        var table = Path.GetExtension(path).Equals(".h5", StringComparison.OrdinalIgnoreCase) ? DlcH5.Parse(path) : DlcTable.Parse(path);
        return Build(root, [table]);
    }

    private static PoseDataset ReadProject(string folder)
    {
        // Per folder the CSV, or the .h5 when DeepLabCut left no CSV there.
        static IEnumerable<string> Labels(string dir)
        {
            var csv = Directory.GetFiles(dir, "CollectedData*.csv");
            return (csv.Length > 0 ? csv : Directory.GetFiles(dir, "CollectedData*.h5")).OrderBy(f => f, StringComparer.Ordinal);
        }
        var files = Labels(folder).ToList();
        var labeled = Path.Combine(folder, "labeled-data");
        if (Directory.Exists(labeled))
            files.AddRange(Directory.GetDirectories(labeled).OrderBy(d => d, StringComparer.Ordinal).SelectMany(Labels));
        if (files.Count == 0)
            throw new DatasetFormatException(folder, null, "no CollectedData*.csv or .h5 found in the folder or in labeled-data/*/ (is this a DeepLabCut project?).");
        return Build(Path.GetFullPath(folder), files.Select(f => f.EndsWith(".h5", StringComparison.OrdinalIgnoreCase) ? DlcH5.Parse(f) : DlcTable.Parse(f)).ToArray());
    }

    /// <summary>The folder holding labeled-data/ when the CSV sits in labeled-data/&lt;video&gt;/, else the CSV's folder.</summary>
    private static string ProjectRoot(string csv)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(csv))!;
        var parent = Path.GetDirectoryName(dir);
        return parent is not null && Path.GetFileName(parent) == "labeled-data" ? Path.GetDirectoryName(parent)! : dir;
    }

    private static PoseDataset Build(string root, IReadOnlyList<DlcTable> tables)
    {
        var first = tables[0];
        foreach (var t in tables.Skip(1))
            if (!t.Keypoints.SequenceEqual(first.Keypoints))
                throw new DatasetFormatException(t.File, "bodyparts row", $"bodyparts differ from those of {first.File} ({string.Join(", ", first.Keypoints)}).");
        var skeleton = new Skeleton(first.Keypoints);
        var images = new List<LabeledImage>();
        var seen = new Dictionary<string, string>();
        var warnings = new List<string>();
        foreach (var t in tables)
        {
            warnings.AddRange(t.Warnings);
            foreach (var row in t.Rows)
            {
                if (seen.TryGetValue(row.Path, out var other))
                    throw new DatasetFormatException(t.File, $"line {row.Line}", $"image '{row.Path}' is labelled twice (also in {other}).");
                seen[row.Path] = $"{t.File}";
                var (width, height) = Size(Path.Combine(root, row.Path));
                foreach (var instance in row.Instances)
                    for (var k = 0; k < instance.Keypoints.Count; k++)
                        if (KeypointChecks.OutsideProblem(instance.Keypoints[k], width, height) is { } problem)
                            throw new DatasetFormatException(t.File, $"line {row.Line}, bodypart '{skeleton.Keypoints[k]}'", problem);
                images.Add(new LabeledImage(row.Path, width, height, row.Instances));
            }
        }
        return new PoseDataset(skeleton, images, root) { Warnings = warnings };
    }

    private static (int, int) Size(string file)
    {
        if (!File.Exists(file)) return (0, 0);
        try { return ImageLoader.ReadSize(file); }
        catch (InvalidDataException) { return (0, 0); }
    }

    /// <summary>
    /// Writes a DeepLabCut project under <paramref name="folder"/>: <c>labeled-data/&lt;video&gt;/CollectedData_&lt;scorer&gt;.csv</c>
    /// and <c>.h5</c> in the three-index layout DeepLabCut writes, one per video (the image's folder), a multi-animal layout when an image
    /// has several instances, and a minimal <c>config.yaml</c> when none exists. Returns the new relative path of each image.
    /// </summary>
    public static IReadOnlyList<string> Write(PoseDataset dataset, string folder, string scorer, List<string> losses)
    {
        var skeleton = dataset.Skeleton;
        var multi = dataset.Images.Any(i => i.Instances.Count > 1);
        var targets = dataset.Images.Select(TargetPath).ToArray();
        var clash = targets.GroupBy(t => t).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null) throw new InvalidOperationException($"Two images would both become '{clash.Key}' in the DeepLabCut project.");
        var individuals = multi
            ? Enumerable.Range(0, dataset.Images.Max(i => i.Instances.Count)).Select(i => $"animal{i + 1}").ToArray()
            : ["single-animal"];
        int occluded = 0, boxes = 0, attributes = 0;
        string[][] columns = individuals.SelectMany(n => skeleton.Keypoints.SelectMany(b => new[] { new[] { scorer, n, b, "x" }, [scorer, n, b, "y"] }))
            .Select(c => multi ? c : [c[0], c[2], c[3]]).ToArray();
        string[] levels = multi ? ["scorer", "individuals", "bodyparts", "coords"] : ["scorer", "bodyparts", "coords"];
        foreach (var group in Enumerable.Range(0, dataset.Images.Count).GroupBy(i => targets[i].Split('/')[1]))
        {
            var rows = group.Select(i => targets[i].Split('/')).ToArray();
            var values = new double[rows.Length * columns.Length];
            var r = 0;
            foreach (var i in group)
            {
                var image = dataset.Images[i];
                var c = 0;
                for (var a = 0; a < individuals.Length; a++)
                {
                    var instance = a < image.Instances.Count ? image.Instances[a] : null;
                    for (var k = 0; k < skeleton.Count; k++)
                    {
                        var p = instance?.Keypoints[k] ?? Keypoint.Missing;
                        if (p.Visibility == Visibility.Occluded) occluded++;
                        values[r * columns.Length + c++] = p.IsLabeled ? p.X : double.NaN;
                        values[r * columns.Length + c++] = p.IsLabeled ? p.Y : double.NaN;
                    }
                }
                r++;
                boxes += image.Instances.Count(x => x.Box is not null);
                attributes += image.Instances.Count(x => x.Attributes.Count > 0 || (!multi && x.Individual is not null));
            }
            // DeepLabCut keeps both beside each other: the CSV to read and edit, the .h5 its training reads.
            var frame = new DlcH5Writer.Frame(levels, columns, rows, values);
            var stem = $"labeled-data/{group.Key}/CollectedData_{scorer}";
            AtomicFile.WriteAllText(DatasetPaths.Under(folder, stem + ".csv"), Csv(frame));
            DlcH5Writer.Write(DatasetPaths.Under(folder, stem + ".h5"), frame);
        }
        WriteConfig(dataset, folder, scorer, multi ? individuals : null);
        if (occluded > 0) losses.Add($"{occluded} occluded points (v=1) were written as labelled: DeepLabCut has no visibility flag.");
        if (boxes > 0) losses.Add($"{boxes} bounding boxes were not written: DeepLabCut labels hold no boxes.");
        if (attributes > 0) losses.Add($"{attributes} instances carry an individual name or attributes that DeepLabCut labels cannot hold.");
        if (multi) losses.Add("images with several instances were written in the multi-animal layout with individuals animal1..animalN; instance names were not kept.");
        if (skeleton.SwapPairs.Count > 0 && !SwapPairs.InferFromNames(skeleton.Keypoints).ToHashSet().SetEquals(skeleton.SwapPairs))
            losses.Add("the swap pairs cannot be stored in DeepLabCut labels and differ from those inferred from the names.");
        return targets;
    }

    /// <summary>labeled-data/&lt;video&gt;/&lt;file&gt;: kept when the image already sits there, else the video is its folder path joined by '_' (or "images").</summary>
    internal static string TargetPath(LabeledImage image)
    {
        var parts = image.Path.Split('/');
        if (parts.Length == 3 && parts[0] == "labeled-data") return image.Path;
        // Folders that only say where a layout keeps images (YOLO's images/<split>/, DLC's labeled-data/) make no video name.
        var folders = parts[..^1].AsEnumerable();
        if (parts.Length > 2 && parts[0] == "images" && parts[1] is "train" or "val" or "test") folders = folders.Skip(2);
        folders = folders.SkipWhile(f => f is "labeled-data" or "images");
        var video = string.Join('_', folders);
        return $"labeled-data/{(video.Length > 0 ? video : "images")}/{parts[^1]}";
    }

    private static void WriteConfig(PoseDataset dataset, string folder, string scorer, string[]? individuals)
    {
        var path = DatasetPaths.Under(folder, "config.yaml");
        if (File.Exists(path)) return;
        var s = dataset.Skeleton;
        var yaml = new StringBuilder();
        yaml.Append("# Written by NewtPose: the fields DeepLabCut needs to read these labels. Complete it with deeplabcut.create_new_project for training.\n");
        yaml.Append($"Task: newtpose\nscorer: {scorer}\nmultianimalproject: {(individuals is null ? "false" : "true")}\n");
        if (individuals is null) yaml.Append("bodyparts:\n").AppendJoin("", s.Keypoints.Select(k => $"- {k}\n"));
        else
        {
            yaml.Append("individuals:\n").AppendJoin("", individuals.Select(k => $"- {k}\n"));
            yaml.Append("multianimalbodyparts:\n").AppendJoin("", s.Keypoints.Select(k => $"- {k}\n"));
            yaml.Append("uniquebodyparts: []\nbodyparts: MULTI!\n");
        }
        yaml.Append("skeleton:\n").AppendJoin("", s.Edges.Select(e => $"- - {s.Keypoints[e.From]}\n  - {s.Keypoints[e.To]}\n"));
        AtomicFile.WriteAllText(path, yaml.ToString());
    }

    /// <summary>The CSV DeepLabCut writes for a DataFrame: one header row per column level, three index columns, empty cells for NaN.</summary>
    private static string Csv(DlcH5Writer.Frame frame)
    {
        var csv = new StringBuilder();
        var indexColumns = frame.Rows[0].Length;
        for (var level = 0; level < frame.ColumnLevels.Count; level++)
            csv.Append(frame.ColumnLevels[level]).Append(',', indexColumns).AppendJoin(',', frame.Columns.Select(c => DlcCsv.Quote(c[level]))).Append('\n');
        for (var r = 0; r < frame.Rows.Count; r++)
        {
            csv.AppendJoin(',', frame.Rows[r].Select(DlcCsv.Quote));
            for (var c = 0; c < frame.Columns.Count; c++)
            {
                var v = frame.Values[r * frame.Columns.Count + c];
                csv.Append(',').Append(double.IsNaN(v) ? "" : Number(v));
            }
            csv.Append('\n');
        }
        return csv.ToString();
    }

    // Six decimals: far below a pixel, and no binary noise such as 77.250000168 from normalised sources.
    private static string Number(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
