using System.Text.Json;
using System.Text.Json.Serialization;

namespace NewtPose.Data.Inspection;

/// <summary>What <c>newtpose inspect</c> prints: counts, keypoint names, image sizes, swap pairs and every warning.</summary>
public sealed record DatasetSummary
{
    [JsonPropertyName("format")] public required string Format { get; init; }
    [JsonPropertyName("root")] public required string Root { get; init; }
    [JsonPropertyName("images")] public required int Images { get; init; }
    [JsonPropertyName("labeled_images")] public required int LabeledImages { get; init; }
    [JsonPropertyName("instances")] public required int Instances { get; init; }
    [JsonPropertyName("keypoints")] public required IReadOnlyList<string> Keypoints { get; init; }
    [JsonPropertyName("labeled_points")] public required int LabeledPoints { get; init; }
    /// <summary>Points of existing instances that are not labelled (v = 0).</summary>
    [JsonPropertyName("missing_points")] public required int MissingPoints { get; init; }
    /// <summary>Labelled but occluded points (v = 1).</summary>
    [JsonPropertyName("occluded_points")] public required int OccludedPoints { get; init; }
    [JsonPropertyName("missing_image_files")] public required int MissingImageFiles { get; init; }
    /// <summary>[width, height] of the smallest image by area, among images of known size; null when none is known.</summary>
    [JsonPropertyName("image_size_min")] public required int[]? ImageSizeMin { get; init; }
    [JsonPropertyName("image_size_max")] public required int[]? ImageSizeMax { get; init; }
    [JsonPropertyName("swap_pairs")] public required IReadOnlyList<string[]> SwapPairs { get; init; }
    /// <summary>Labelled count per keypoint, in skeleton order.</summary>
    [JsonPropertyName("labeled_per_keypoint")] public required IReadOnlyList<int> LabeledPerKeypoint { get; init; }
    [JsonPropertyName("warnings")] public required IReadOnlyList<string> Warnings { get; init; }
    /// <summary>A multi-view rig recognised in the labels (<see cref="ViewSuggestion"/>): the "views" to train with; null when none is.</summary>
    [JsonPropertyName("suggested_views")] public IReadOnlyList<ViewRegion>? SuggestedViews { get; init; }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}

/// <summary>Computes a <see cref="DatasetSummary"/>; one pass over the labels plus one existence check per image file.</summary>
public static class DatasetInspector
{
    public static DatasetSummary Inspect(PoseDataset dataset, LabelFormat format)
    {
        var k = dataset.Skeleton.Count;
        var perKeypoint = new int[k];
        int instances = 0, missing = 0, occluded = 0, labeledImages = 0;
        (int W, int H)? min = null, max = null;
        foreach (var image in dataset.Images)
        {
            if (image.IsLabeled) labeledImages++;
            if (image.Width > 0 && image.Height > 0)
            {
                var area = (long)image.Width * image.Height;
                if (min is null || area < (long)min.Value.W * min.Value.H) min = (image.Width, image.Height);
                if (max is null || area > (long)max.Value.W * max.Value.H) max = (image.Width, image.Height);
            }
            foreach (var instance in image.Instances)
            {
                instances++;
                for (var i = 0; i < k; i++)
                {
                    var v = instance.Keypoints[i].Visibility;
                    if (v == Visibility.NotLabeled) missing++;
                    else perKeypoint[i]++;
                    if (v == Visibility.Occluded) occluded++;
                }
            }
        }
        var s = dataset.Skeleton;
        return new DatasetSummary
        {
            Format = format.Name(),
            Root = dataset.Root,
            Images = dataset.Images.Count,
            LabeledImages = labeledImages,
            Instances = instances,
            Keypoints = s.Keypoints,
            LabeledPoints = perKeypoint.Sum(),
            MissingPoints = missing,
            OccludedPoints = occluded,
            MissingImageFiles = DatasetPaths.MissingImageFiles(dataset).Count,
            ImageSizeMin = min is { } a ? [a.W, a.H] : null,
            ImageSizeMax = max is { } b ? [b.W, b.H] : null,
            SwapPairs = s.SwapPairs.Select(p => new[] { s.Keypoints[p.Left], s.Keypoints[p.Right] }).ToArray(),
            LabeledPerKeypoint = perKeypoint,
            Warnings = dataset.Warnings,
            SuggestedViews = ViewSuggestion.Suggest(dataset),
        };
    }
}
