using System.Text.Json;
using NewtPose.Data;

namespace NewtPose.Labeling;

/// <summary>
/// Puts a predictions file's points into the photos to be corrected. Photos are matched by their file (full path, then
/// the path relative to each file's root), keypoints by name, instances by order. A suggested point fills a point that is
/// not labelled; with <c>replace</c> it also replaces a labelled one. The suggestion's <c>keypoint_scores</c> (reordered
/// to the labels' skeleton) and <c>score</c> are kept on the instance, and the points taken are named in
/// <see cref="LabelAttributes.SuggestedKeypoints"/>.
/// </summary>
internal static class Suggestions
{
    public static IReadOnlyList<string> Apply(PoseDataset labels, LabeledImage[] images, string path, bool replace)
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
        int photos = 0, taken = 0, replaced = 0;
        var unmatched = new List<string>();
        foreach (var suggested in suggestions.Images.Where(i => i.Instances.Count > 0))
        {
            if (!byFullPath.TryGetValue(suggestions.FullPath(suggested), out var target) && !byRelative.TryGetValue(suggested.Path, out target))
            {
                unmatched.Add(suggested.Path);
                continue;
            }
            photos++;
            var instances = images[target].Instances.ToList();
            for (var n = 0; n < suggested.Instances.Count; n++)
            {
                var source = suggested.Instances[n];
                var current = n < instances.Count ? instances[n] : new PoseInstance(names.Select(_ => Keypoint.Missing).ToArray(), source.Box);
                var points = current.Keypoints.ToArray();
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
                var attributes = new Dictionary<string, string>(current.Attributes)
                {
                    [LabelAttributes.SuggestedKeypoints] = JsonSerializer.Serialize(from),
                };
                if (Scores(source, map, path, suggested.Path) is { } scores) attributes[LabelAttributes.KeypointScores] = JsonSerializer.Serialize(scores);
                if (source.Attributes.TryGetValue(LabelAttributes.Score, out var score)) attributes[LabelAttributes.Score] = score;
                var updated = new PoseInstance(points, current.Box, current.Individual ?? source.Individual, attributes);
                if (n < instances.Count) instances[n] = updated; else instances.Add(updated);
            }
            images[target] = images[target] with { Instances = instances };
        }
        if (photos == 0 && unmatched.Count > 0)
            throw new DatasetFormatException(path, null, $"none of its {unmatched.Count} photos with predictions is a photo of the labels {labels.Root} (first: {unmatched[0]}).");
        var notes = new List<string>
        {
            $"suggestions: {taken} points on {photos} photos taken from {path}" +
            (replace ? $" ({replaced} labelled points replaced)" : " (labelled points kept; --replace to replace them)"),
        };
        if (unmatched.Count > 0)
            notes.Add($"suggestions: {unmatched.Count} photos of {path} are not in the labels and were not used (first: {string.Join(", ", unmatched.Take(3))}).");
        return notes;
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
