using System.Globalization;
using PureHDF;

namespace NewtPose.Data.Formats.Sleap;

/// <summary>
/// SLEAP labels (<c>.slp</c>, HDF5), read as sleap-io writes them.
/// <para><c>/metadata</c>: attribute <c>format_id</c> (a number; files before 1.1 put the origin at a pixel's corner and
/// are shifted by −0.5 px, as sleap-io does) and <c>json</c> (the skeleton, <see cref="SleapSkeleton"/>).
/// <c>/videos_json</c> and <c>/tracks_json</c>: one JSON text per video (<see cref="SleapVideo"/>) and per track
/// (<c>[0, name]</c>; a track names the animal, read as the instance's individual).</para>
/// <para><c>/frames</c> (frame_id, video, frame_idx, instance_id_start, instance_id_end), <c>/instances</c> (instance_id,
/// instance_type 0 = user / 1 = predicted, frame_id, skeleton, track, from_predicted, score, point_id_start, point_id_end,
/// tracking_score), <c>/points</c> (x, y, visible, complete) for user instances and <c>/pred_points</c> (…, score) for
/// predicted ones. A point that is not visible or not finite is "not labelled".</para>
/// <para>Predicted instances are skipped and counted in a warning, or read instead of the user's (<see cref="PredictedInstances"/>).
/// Frames of an image sequence become images; frames of a video file or embedded in a .pkg.slp cannot be decoded here:
/// they are not read, and a warning names the video and the frames.</para>
/// </summary>
public static class SleapFormat
{
    public static PoseDataset Read(string path, PredictedInstances predictions = PredictedInstances.Skip)
    {
        if (!File.Exists(path)) throw new DatasetFormatException(path, null, "file not found.");
        PureHDF.VOL.Native.NativeFile h5;
        try { h5 = H5File.OpenRead(path); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new DatasetFormatException(path, null, $"not a readable HDF5 file ({e.Message}).");
        }
        using (h5) return Read(h5, path, predictions);
    }

    private static PoseDataset Read(PureHDF.VOL.Native.NativeFile h5, string path, PredictedInstances predictions)
    {
        var root = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!h5.LinkExists("metadata")) throw new DatasetFormatException(path, "/metadata", "missing: this is not a SLEAP labels file.");
        var metadata = h5.Group("metadata");
        var format = metadata.AttributeExists("format_id") ? Convert.ToDouble(metadata.Attribute("format_id").Read<double>(), CultureInfo.InvariantCulture) : 1.0;
        var shift = format < 1.1 ? -0.5 : 0.0;
        var skeleton = SleapSkeleton.Parse(metadata.Attribute("json").Read<string>(), path);
        var videos = Strings(h5, "videos_json").Select((json, i) => SleapVideo.Parse(json, root, path, i)).ToArray();
        var tracks = Strings(h5, "tracks_json").Select(TrackName).ToArray();
        var frames = Records(h5, "frames", path);
        var instances = Records(h5, "instances", path);
        var points = Records(h5, "points", path);
        var predicted = h5.LinkExists("pred_points") ? Records(h5, "pred_points", path) : [];

        var warnings = new List<string>();
        var images = new List<LabeledImage>();
        var seen = new HashSet<string>();
        var undecodable = new Dictionary<string, List<long>>();
        int skipped = 0, skippedFrames = 0, user = 0;
        for (var f = 0; f < frames.Length; f++)
        {
            var where = $"/frames[{f}]";
            var video = (int)Integer(frames[f], "video", path, where);
            var frameIndex = Integer(frames[f], "frame_idx", path, where);
            if (video < 0 || video >= videos.Length) throw new DatasetFormatException(path, where, $"video {video} is not in /videos_json ({videos.Length} videos).");
            var (start, end) = (Integer(frames[f], "instance_id_start", path, where), Integer(frames[f], "instance_id_end", path, where));
            if (start < 0 || end < start || end > instances.Length)
                throw new DatasetFormatException(path, where, $"instances {start}..{end} are outside /instances ({instances.Length}).");
            var read = new List<PoseInstance>();
            var skippedHere = 0;
            for (var i = (int)start; i < end; i++)
            {
                var iw = $"/instances[{i}]";
                var isPredicted = Integer(instances[i], "instance_type", path, iw) == 1;
                if (!isPredicted) user++;
                if (isPredicted != (predictions == PredictedInstances.Only)) { if (isPredicted) skippedHere++; continue; }
                if (Integer(instances[i], "skeleton", path, iw) != 0) throw new DatasetFormatException(path, iw, "refers to a skeleton other than the first.");
                var (pointStart, pointEnd) = (Integer(instances[i], "point_id_start", path, iw), Integer(instances[i], "point_id_end", path, iw));
                var source = isPredicted ? predicted : points;
                var sourceName = isPredicted ? "/pred_points" : "/points";
                if (pointEnd - pointStart != skeleton.Count || pointStart < 0 || pointEnd > source.Length)
                    throw new DatasetFormatException(path, iw, $"points {pointStart}..{pointEnd} of {sourceName} are not {skeleton.Count} points inside it ({source.Length}).");
                var keypoints = new Keypoint[skeleton.Count];
                for (var k = 0; k < skeleton.Count; k++)
                {
                    var p = source[pointStart + k];
                    var (x, y) = (Convert.ToDouble(p["x"], CultureInfo.InvariantCulture) + shift, Convert.ToDouble(p["y"], CultureInfo.InvariantCulture) + shift);
                    keypoints[k] = Convert.ToBoolean(p["visible"], CultureInfo.InvariantCulture) && double.IsFinite(x) && double.IsFinite(y)
                        ? new Keypoint(x, y, Visibility.Visible) : Keypoint.Missing;
                }
                var track = (int)Integer(instances[i], "track", path, iw);
                Dictionary<string, string>? attributes = isPredicted
                    ? new() { ["score"] = Convert.ToDouble(instances[i]["score"], CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture) } : null;
                read.Add(new PoseInstance(keypoints, individual: track >= 0 && track < tracks.Length ? tracks[track] : null, attributes: attributes));
            }
            skipped += skippedHere;
            if (skippedHere > 0 && read.Count == 0) skippedFrames++;
            var v = videos[video];
            if (v.Frames is null)
            {
                if (read.Count > 0) (undecodable.TryGetValue(v.Name, out var list) ? list : undecodable[v.Name] = []).Add(frameIndex);
                continue;
            }
            if (frameIndex < 0 || frameIndex >= v.Frames.Count)
                throw new DatasetFormatException(path, where, $"frame_idx {frameIndex} is outside the {v.Frames.Count} images of video '{v.Name}'.");
            var image = v.Frames[(int)frameIndex];
            if (!seen.Add(image)) throw new DatasetFormatException(path, where, $"image '{image}' is labelled in two frames.");
            var (width, height) = v.Size(root, (int)frameIndex);
            images.Add(new LabeledImage(image, width, height, read));
        }
        if (predictions == PredictedInstances.Skip && skipped > 0)
            warnings.Add($"{path}: {skipped} predicted instances were skipped{(skippedFrames > 0 ? $" ({skippedFrames} frames hold only predictions and were read as unlabelled images)" : "")}; read them with PoseLoadOptions.Predictions = Only (newtpose --predictions only).");
        if (predictions == PredictedInstances.Only && user > 0)
            warnings.Add($"{path}: {user} user-labelled instances were not read: only the predicted ones were asked for.");
        foreach (var (name, list) in undecodable)
            warnings.Add($"{path}: {list.Count} labelled frames refer to the video '{name}' (frames {string.Join(", ", list.Take(8))}{(list.Count > 8 ? ", ..." : "")}), which NewtPose cannot decode; they were not read. Export them as image files (an image-sequence video) to use them.");
        if (images.Count == 0 && undecodable.Count > 0)
            throw new DatasetFormatException(path, null, string.Join(" ", warnings.Where(w => w.Contains("cannot decode"))) + " No frame of an image sequence is left to read.");
        return new PoseDataset(skeleton, images, root) { Warnings = warnings };
    }

    private static string[] Strings(PureHDF.VOL.Native.NativeFile h5, string name) => h5.LinkExists(name) ? h5.Dataset(name).Read<string[]>() : [];

    // A track is [spawned_on, name].
    private static string TrackName(string json, int index)
    {
        try
        {
            using var d = System.Text.Json.JsonDocument.Parse(json);
            var e = d.RootElement;
            return e.ValueKind == System.Text.Json.JsonValueKind.Array && e.GetArrayLength() >= 2 ? e[1].ToString() : $"track{index}";
        }
        catch (System.Text.Json.JsonException) { return $"track{index}"; }
    }

    private static Dictionary<string, object>[] Records(PureHDF.VOL.Native.NativeFile h5, string name, string path)
    {
        if (!h5.LinkExists(name)) throw new DatasetFormatException(path, "/" + name, "missing: this is not a SLEAP labels file.");
        return h5.Dataset(name).Read<Dictionary<string, object>[]>();
    }

    private static long Integer(Dictionary<string, object> record, string field, string path, string where) =>
        record.TryGetValue(field, out var v) ? Convert.ToInt64(v, CultureInfo.InvariantCulture)
            : throw new DatasetFormatException(path, where, $"has no field '{field}'.");
}
