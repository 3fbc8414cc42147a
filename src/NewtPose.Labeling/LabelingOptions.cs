namespace NewtPose.Labeling;

/// <summary>What <c>newtpose label</c> opens and where it saves.</summary>
/// <param name="DataPath">The labels: any file or folder <see cref="NewtPose.Data.PoseData.Load"/> reads. Never written.</param>
/// <param name="SuggestionsPath">A COCO file of predictions (per-keypoint scores in <c>keypoint_scores</c>, a <c>score</c>) whose
/// points fill or replace the photos' points, or null.</param>
/// <param name="OutputPath">The COCO file every change is saved to; null: <see cref="LabelingSession.DefaultOutputPath"/>,
/// which must not exist yet. An existing file given here is resumed.</param>
/// <param name="ReplaceLabels">True: a suggestion replaces a photo's labelled points; false (default): it fills only the
/// points not labelled (v = 0), so no label of the user's is replaced.</param>
/// <param name="LowScore">Suggested points scored below this are highlighted and selected first.</param>
public sealed record LabelingOptions(string DataPath, string? SuggestionsPath = null, string? OutputPath = null,
    bool ReplaceLabels = false, double LowScore = 0.5)
{
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataPath)) throw new ArgumentException("--data: a label file or folder is required.");
        if (SuggestionsPath is not null && !File.Exists(SuggestionsPath)) throw new ArgumentException($"--suggestions: {SuggestionsPath} not found.");
        if (OutputPath is not null && !OutputPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"--out {OutputPath}: the corrected labels are written as COCO, to a .json file.");
        if (!(LowScore is >= 0 and <= 1)) throw new ArgumentException($"--low-score {LowScore}: expected a score in 0..1.");
    }
}
