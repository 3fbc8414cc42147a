using System.Text.Json;
using NewtPose.Imaging;

namespace NewtPose.Data.Formats.Sleap;

/// <summary>
/// One entry of a SLEAP file's <c>/videos_json</c>: an image sequence (<c>backend.filenames</c>, type <c>ImageVideo</c>)
/// whose frame i is the i-th file, found relative to the .slp's folder (absolute paths from the labelling machine are
/// looked up by their trailing folders there); or a video file or frames embedded in the file (<c>MediaVideo</c>,
/// <c>HDF5Video</c>), which NewtPose cannot decode.
/// </summary>
internal sealed class SleapVideo
{
    public required string Name { get; init; }
    /// <summary>Image files of a sequence, relative to the dataset root (null for a video NewtPose cannot decode).</summary>
    public IReadOnlyList<string>? Frames { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }

    public static SleapVideo Parse(string json, string root, string file, int index)
    {
        var where = $"/videos_json[{index}]";
        using var document = Parse(json, file, where);
        var video = document.RootElement;
        var backend = video.TryGetProperty("backend", out var b) && b.ValueKind == JsonValueKind.Object ? b : default;
        var name = Text(video, "filename") ?? (backend.ValueKind == JsonValueKind.Object ? Text(backend, "filename") : null) ?? $"video {index}";
        var (height, width) = backend.ValueKind == JsonValueKind.Object && backend.TryGetProperty("shape", out var shape)
            && shape.ValueKind == JsonValueKind.Array && shape.GetArrayLength() >= 3 && shape[1].TryGetInt32(out var h) && shape[2].TryGetInt32(out var w) ? (h, w) : (0, 0);
        if (backend.ValueKind != JsonValueKind.Object || !backend.TryGetProperty("filenames", out var files) || files.ValueKind != JsonValueKind.Array)
            return new SleapVideo { Name = name, Width = width, Height = height };
        var frames = files.EnumerateArray().Select((f, i) => f.ValueKind == JsonValueKind.String ? Resolve(f.GetString()!, root, file, $"{where}.backend.filenames[{i}]")
            : throw new DatasetFormatException(file, $"{where}.backend.filenames[{i}]", "not a string.")).ToArray();
        return new SleapVideo { Name = name, Frames = frames, Width = width, Height = height };
    }

    /// <summary>The upright size of frame <paramref name="index"/>: the image header when the file is there, else the video's shape.</summary>
    public (int Width, int Height) Size(string root, int index)
    {
        var full = Path.Combine(root, Frames![index]);
        if (File.Exists(full))
        {
            try { return ImageLoader.ReadSize(full); }
            catch (InvalidDataException) { }
        }
        return (Width, Height);
    }

    // A relative name as it is; an absolute one by the longest trailing part that exists under the root, else its file name.
    private static string Resolve(string name, string root, string file, string where)
    {
        var p = name.Replace('\\', '/');
        var rooted = Path.IsPathRooted(p) || p.StartsWith('/') || (p.Length >= 2 && p[1] == ':');
        if (!rooted && !p.Split('/').Contains("..")) return DatasetPaths.CheckRelative(p, file, where);
        var parts = p.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s is not "." and not "..").ToArray();
        for (var take = parts.Length; take >= 1; take--)
        {
            var candidate = string.Join('/', parts[^take..]);
            if (!candidate.Contains(':') && File.Exists(Path.Combine(root, candidate))) return candidate;
        }
        return DatasetPaths.CheckRelative(parts[^1], file, where);
    }

    private static JsonDocument Parse(string json, string file, string where)
    {
        try { return JsonDocument.Parse(json); }
        catch (JsonException e) { throw new DatasetFormatException(file, where, $"invalid JSON: {e.Message}"); }
    }

    private static string? Text(JsonElement e, string key) => e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
