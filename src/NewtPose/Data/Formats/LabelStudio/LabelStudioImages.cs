using System.Text.Json;
using System.Text.RegularExpressions;
using NewtPose.Imaging;

namespace NewtPose.Data.Formats.LabelStudio;

/// <summary>
/// Finds the photo of a Label Studio task in the folder the user gives. Tasks name it by URL: <c>/data/upload/1/3f2a9c1e-photo.jpg</c>
/// (an upload: Label Studio prefixes the original name with 8 hex digits), <c>/data/local-files/?d=dir/photo.jpg</c>
/// (local storage), <c>s3://…</c> or <c>http(s)://…</c>; <c>meta.original_file</c> and <c>file_upload</c> may name it too.
/// Tried in order under the folder: the URL's path (local files: its <c>d</c> value; uploads: <c>upload/1/…</c>), the
/// file name as uploaded, and the original file name. A photo found nowhere keeps its original name (relative to the
/// folder) and is reported.
/// </summary>
internal sealed partial class LabelStudioImages(string folder, string file)
{
    private readonly List<string> notFound = [];

    public string Resolve(JsonElement task, string where)
    {
        var url = Url(task) ?? throw new DatasetFormatException(file, $"{where}.data", "names no photo (no 'image' or other text in data).");
        var candidates = Candidates(url, task).Select(c => c.Replace('\\', '/').TrimStart('/')).Where(c => c.Length > 0 && !c.Split('/').Contains("..")).Distinct().ToList();
        foreach (var candidate in candidates)
            if (!candidate.Contains(':') && File.Exists(Path.Combine(folder, candidate))) return DatasetPaths.CheckRelative(candidate, file, where);
        notFound.Add(url);
        return DatasetPaths.CheckRelative(candidates.LastOrDefault() ?? "unnamed", file, where);
    }

    public (int Width, int Height) Size(string image)
    {
        var full = Path.Combine(folder, image);
        if (!File.Exists(full)) return (0, 0);
        try { return ImageLoader.ReadSize(full); }
        catch (InvalidDataException) { return (0, 0); }
    }

    public IEnumerable<string> Warnings()
    {
        if (notFound.Count > 0)
            yield return $"{file}: {notFound.Count} photos named by URL were not found under {folder} (first: {string.Join(", ", notFound.Take(3))}); " +
                "put the photos there or pass their folder (PoseLoadOptions.ImageFolder, newtpose --image-folder).";
    }

    private static string? Url(JsonElement task)
    {
        if (!task.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object) return null;
        if (data.TryGetProperty("image", out var image) && image.ValueKind == JsonValueKind.String) return image.GetString();
        return data.EnumerateObject().Select(p => p.Value).FirstOrDefault(v => v.ValueKind == JsonValueKind.String).GetString();
    }

    private static IEnumerable<string> Candidates(string url, JsonElement task)
    {
        var decoded = Uri.UnescapeDataString(url);
        var query = decoded.IndexOf("?d=", StringComparison.Ordinal);
        if (query >= 0) yield return decoded[(query + 3)..];
        var pathPart = Regex.Replace(decoded, "^[a-z0-9]+://[^/]*", "", RegexOptions.IgnoreCase).Split('?')[0];
        if (pathPart.StartsWith("/data/", StringComparison.Ordinal)) yield return pathPart[6..];
        yield return pathPart;
        var uploaded = pathPart.Split('/').Last();
        yield return uploaded;
        foreach (var original in new[] { Field(task, "meta", "original_file"), Field(task, null, "file_upload") })
            if (original is not null) yield return original.Replace('\\', '/').Split('/').Last();
        yield return UploadPrefix().Replace(uploaded, "");
    }

    private static string? Field(JsonElement task, string? parent, string key)
    {
        var e = task;
        if (parent is not null && (!task.TryGetProperty(parent, out e) || e.ValueKind != JsonValueKind.Object)) return null;
        return e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }

    [GeneratedRegex("^[0-9a-f]{8}-")]
    private static partial Regex UploadPrefix();
}
