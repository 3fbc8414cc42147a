namespace NewtPose.Data;

/// <summary>
/// Image paths taken from label files are relative, '/'-separated and stay inside the dataset folder: an absolute path
/// or a '..' segment is rejected, so neither a reader nor a writer ever touches a file outside its folder because of a
/// name found in a label file.
/// </summary>
public static class DatasetPaths
{
    /// <summary>Normalises <paramref name="path"/> ('\' → '/', no "./") or throws naming the label file and record.</summary>
    public static string CheckRelative(string path, string labelFile, string location)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new DatasetFormatException(labelFile, location, "the image path is empty.");
        var p = path.Replace('\\', '/');
        if (Path.IsPathRooted(p) || p.StartsWith('/') || (p.Length >= 2 && p[1] == ':'))
            throw new DatasetFormatException(labelFile, location, $"image path '{path}' is absolute; paths must be relative to the dataset folder.");
        var parts = p.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        if (parts.Any(s => s == ".."))
            throw new DatasetFormatException(labelFile, location, $"image path '{path}' escapes the dataset folder ('..').");
        if (parts.Length == 0)
            throw new DatasetFormatException(labelFile, location, $"image path '{path}' names no file.");
        return string.Join('/', parts);
    }

    /// <summary>The full path of <paramref name="relative"/> under <paramref name="root"/>, refusing anything that lands outside it.</summary>
    public static string Under(string root, string relative)
    {
        var fullRoot = Path.GetFullPath(root);
        var full = Path.GetFullPath(Path.Combine(fullRoot, relative));
        var prefix = fullRoot.EndsWith(Path.DirectorySeparatorChar) ? fullRoot : fullRoot + Path.DirectorySeparatorChar;
        if (!full.StartsWith(prefix, StringComparison.Ordinal))
            throw new InvalidOperationException($"Refusing to write '{relative}': it lands outside the output folder {fullRoot}.");
        return full;
    }

    /// <summary>Images whose files are not on disk under the dataset root, in dataset order.</summary>
    public static IReadOnlyList<string> MissingImageFiles(PoseDataset dataset) =>
        dataset.Images.Where(i => !File.Exists(dataset.FullPath(i))).Select(i => i.Path).ToArray();

    /// <summary>For steps that need pixels (training): throws naming the count and first few missing image files.</summary>
    public static void RequireImageFiles(PoseDataset dataset)
    {
        var warning = MissingImagesWarning(dataset);
        if (warning is not null) throw new DatasetFormatException(dataset.Root, null, warning);
    }

    /// <summary>The warning line used everywhere for missing image files: count and the first few.</summary>
    public static string? MissingImagesWarning(PoseDataset dataset)
    {
        var missing = MissingImageFiles(dataset);
        if (missing.Count == 0) return null;
        return $"{missing.Count} of {dataset.Images.Count} image files are missing under {dataset.Root} (first: {string.Join(", ", missing.Take(3))}).";
    }
}
