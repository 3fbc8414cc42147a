namespace NewtPose.Labeling;

/// <summary>Where a photo stands in the review. Saved as the image attribute <see cref="LabelAttributes.State"/>.</summary>
public enum PhotoState
{
    /// <summary>Not reviewed yet: its points are the labels' or the suggestions' as loaded.</summary>
    ToDo,
    /// <summary>Reviewed: a point was changed, or the photo was accepted as it is.</summary>
    Corrected,
    /// <summary>Left out on purpose (blurred, no animal, ...).</summary>
    Skipped,
}

/// <summary>The names the saved file and the page use for states, and the attribute keys of the saved COCO file.</summary>
public static class LabelAttributes
{
    /// <summary>Image attribute: "todo", "corrected" or "skipped".</summary>
    public const string State = NewtPose.ActiveLearning.LabelMerge.StateAttribute;
    /// <summary>Annotation attribute: names of the keypoints the person changed (moved or visibility set).</summary>
    public const string CorrectedKeypoints = "corrected_keypoints";
    /// <summary>Annotation attribute: names of the keypoints whose position came from the suggestions file.</summary>
    public const string SuggestedKeypoints = "suggested_keypoints";
    /// <summary>Annotation attribute kept from the suggestions: one score per keypoint, in the skeleton's order.</summary>
    public const string KeypointScores = "keypoint_scores";
    /// <summary>Annotation attribute kept from the suggestions: the instance's score.</summary>
    public const string Score = "score";
    /// <summary>Image attribute: the suggestions file a photo came from when the labels did not have it (it is shown after theirs).</summary>
    public const string AddedFrom = "added_from_suggestions";

    /// <summary>A keypoint_scores value (JSON text of <paramref name="count"/> finite numbers), or null when it is not one.</summary>
    public static double[]? ParseScores(string text, int count)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<double[]>(text) is { } scores && scores.Length == count && scores.All(double.IsFinite) ? scores : null;
        }
        catch (System.Text.Json.JsonException) { return null; }
    }

    public static string Name(PhotoState state) => state switch
    {
        PhotoState.ToDo => "todo",
        PhotoState.Corrected => NewtPose.ActiveLearning.LabelMerge.Corrected,
        PhotoState.Skipped => "skipped",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static PhotoState? Parse(string? name) => name switch
    {
        null or "todo" => PhotoState.ToDo,
        NewtPose.ActiveLearning.LabelMerge.Corrected => PhotoState.Corrected,
        "skipped" => PhotoState.Skipped,
        _ => null,
    };
}
