using NewtPose.Data;

namespace NewtPose.ActiveLearning;

/// <summary>
/// Stands in for the person at the labelling page in a simulated refinement round (bench/ActiveBench, notebook 06): the
/// chosen photos get their true labels from a held-out label file, each marked <c>corrected</c> as `newtpose label`
/// marks a reviewed photo, so <see cref="LabelMerge"/> takes them exactly as it takes a real correction. Only for
/// experiments in which the truth is known; the labels of photos not chosen are never looked at.
/// </summary>
public static class SimulatedCorrection
{
    /// <summary>
    /// The corrections for <paramref name="photos"/> (full paths, as the engine reports them): the held-out labels of
    /// those photos, rooted where <paramref name="truth"/> is, in the order given. Throws <see cref="ArgumentException"/>
    /// naming every photo the truth does not hold or holds without a labelled point.
    /// </summary>
    public static PoseDataset Reveal(PoseDataset truth, IEnumerable<string> photos)
    {
        ArgumentNullException.ThrowIfNull(truth);
        var byPath = new Dictionary<string, LabeledImage>(StringComparer.Ordinal);
        foreach (var image in truth.Images) byPath.TryAdd(truth.FullPath(image), image);
        var revealed = new List<LabeledImage>();
        var problems = new List<string>();
        foreach (var photo in photos)
        {
            var full = Path.GetFullPath(photo);
            if (!byPath.TryGetValue(full, out var image)) problems.Add($"{full} is not a photo of the held-out labels");
            else if (!image.IsLabeled) problems.Add($"{full} has no labelled point in the held-out labels");
            else revealed.Add(image with
            {
                Attributes = new Dictionary<string, string>(image.Attributes) { [LabelMerge.StateAttribute] = LabelMerge.Corrected },
            });
        }
        if (problems.Count > 0)
            throw new ArgumentException($"Cannot reveal the labels of {problems.Count} photo(s) from the held-out labels at {truth.Root}: {string.Join("; ", problems)}.", nameof(photos));
        return truth with { Images = revealed, Warnings = [] };
    }
}
