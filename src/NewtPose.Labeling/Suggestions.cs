using System.Text.Json;
using NewtPose.Data;

namespace NewtPose.Labeling;

/// <summary>The labels with the suggestions applied: photos the labels lack appended after theirs.</summary>
internal sealed record AppliedSuggestions(PoseDataset Labels, LabeledImage[] Images, IReadOnlyList<string> Notes);

/// <summary>
/// Puts a predictions file's points into the photos to be corrected. Photos are matched by their file (full path, then
/// the path relative to each file's root), keypoints by name, instances by order. A suggested point fills a point that is
/// not labelled; with <c>replace</c> it also replaces a labelled one. The suggestion's <c>keypoint_scores</c> (reordered
/// to the labels' skeleton) and <c>score</c> are kept on the instance, and the points taken are named in
/// <see cref="LabelAttributes.SuggestedKeypoints"/>. A suggested photo the labels do not have (what `newtpose suggest`
/// writes: photos not labelled yet) is added after the labels' photos, marked <see cref="LabelAttributes.AddedFrom"/>;
/// it must lie under the labels' folder, or the saved file could not name it.
/// </summary>
internal static class Suggestions
{
    public static AppliedSuggestions Apply(PoseDataset labels, IReadOnlyList<LabeledImage> current, string path, bool replace)
    {
        var suggestions = PoseData.Load(path, LabelFormat.Coco);
        var names = labels.Skeleton.Keypoints;
        var map = names.Select(n => suggestions.Skeleton.IndexOf(n)).ToArray();
        if (Array.IndexOf(map, -1) is var missing and >= 0)
            throw new DatasetFormatException(path, "categories", $"keypoint '{names[missing]}' of the labels is not in the suggestions' skeleton ({string.Join(", ", suggestions.Skeleton.Keypoints)}).");

        var byFullPath = new Dictionary<string, int>(StringComparer.Ordinal);
        var byRelative = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < labels.Images.Count; i++)
        {
            byFullPath[labels.FullPath(labels.Images[i])] = i;
            byRelative.TryAdd(labels.Images[i].Path, i);
        }
        var images = current.ToList();
        var labelImages = labels.Images.ToList();
        int photos = 0, taken = 0, replaced = 0, added = 0;
        var outside = new List<string>();
        var fullSuggestionsPath = Path.GetFullPath(path);
        foreach (var suggested in suggestions.Images.Where(i => i.Instances.Count > 0))
        {
            var fullPath = suggestions.FullPath(suggested);
            if (!byFullPath.TryGetValue(fullPath, out var target) && !byRelative.TryGetValue(suggested.Path, out target))
            {
                var relative = Path.GetRelativePath(labels.Root, fullPath).Replace('\\', '/');
                if (Path.IsPathRooted(relative) || relative == ".." || relative.StartsWith("../", StringComparison.Ordinal))
                {
                    outside.Add(fullPath);
                    continue;
                }
                // A photo the labels lack is shown after theirs, with nothing but the suggested points.
                var photo = new LabeledImage(relative, suggested.Width, suggested.Height, [])
                {
                    Attributes = new Dictionary<string, string> { [LabelAttributes.AddedFrom] = fullSuggestionsPath },
                };
                target = images.Count;
                byFullPath[fullPath] = target;
                labelImages.Add(photo);
                images.Add(photo);
                added++;
            }
            photos++;
            var instances = images[target].Instances.ToList();
            for (var n = 0; n < suggested.Instances.Count; n++)
            {
                var source = suggested.Instances[n];
                var existing = n < instances.Count ? instances[n] : new PoseInstance(names.Select(_ => Keypoint.Missing).ToArray(), source.Box);
                var points = existing.Keypoints.ToArray();
                var from = new List<string>();
                for (var k = 0; k < names.Count; k++)
                {
                    var s = source.Keypoints[map[k]];
                    if (!s.IsLabeled || (points[k].IsLabeled && !replace)) continue;
                    if (points[k].IsLabeled) replaced++;
                    points[k] = s;
                    from.Add(names[k]);
                    taken++;
                }
                var attributes = new Dictionary<string, string>(existing.Attributes)
                {
                    [LabelAttributes.SuggestedKeypoints] = JsonSerializer.Serialize(from),
                };
                if (Scores(source, map, path, suggested.Path) is { } scores) attributes[LabelAttributes.KeypointScores] = JsonSerializer.Serialize(scores);
                if (source.Attributes.TryGetValue(LabelAttributes.Score, out var score)) attributes[LabelAttributes.Score] = score;
                var updated = new PoseInstance(points, existing.Box, existing.Individual ?? source.Individual, attributes);
                if (n < instances.Count) instances[n] = updated; else instances.Add(updated);
            }
            images[target] = images[target] with { Instances = instances };
        }
        if (outside.Count > 0)
            throw new DatasetFormatException(path, null, $"{outside.Count} of its photos are not in the labels and lie outside the labels' folder {labels.Root}, " +
                $"so the corrected file could not name them: {string.Join(", ", outside.Take(5))}{(outside.Count > 5 ? ", …" : "")}. " +
                "Move them under that folder, or give --data a label file above them.");
        var notes = new List<string>
        {
            $"suggestions: {taken} points on {photos} photos taken from {path}" +
            (replace ? $" ({replaced} labelled points replaced)" : " (labelled points kept; --replace to replace them)"),
        };
        if (added > 0)
            notes.Add($"suggestions: {added} photos of {path} are not in the labels; they were added after the labels' {labels.Images.Count} photos, with the suggested points to correct.");
        return new AppliedSuggestions(labels with { Images = labelImages }, images.ToArray(), notes);
    }

    /// <summary>The suggestion's keypoint_scores in the labels' keypoint order, or null when it has none.</summary>
    private static double[]? Scores(PoseInstance source, int[] map, string path, string photo)
    {
        if (!source.Attributes.TryGetValue(LabelAttributes.KeypointScores, out var text)) return null;
        var raw = LabelAttributes.ParseScores(text, source.Keypoints.Count)
            ?? throw new DatasetFormatException(path, $"annotation of image '{photo}'",
                $"keypoint_scores must be a list of {source.Keypoints.Count} numbers, one per keypoint; found {text}.");
        return map.Select(i => raw[i]).ToArray();
    }
}
