namespace NewtPose.Data.Inspection;

/// <summary>
/// How often each keypoint is visible, occluded or not labelled over all instances of a dataset: a keypoint that is
/// rarely visible is one the model will learn poorly, and one never labelled may be a naming problem.
/// </summary>
/// <param name="Keypoints">The skeleton's keypoint names, in order.</param>
/// <param name="Visible">Instances in which keypoint i is labelled visible (v = 2).</param>
/// <param name="Occluded">Instances in which keypoint i is labelled but occluded (v = 1).</param>
/// <param name="NotLabeled">Instances in which keypoint i has no label (v = 0).</param>
public sealed record KeypointVisibility(IReadOnlyList<string> Keypoints, IReadOnlyList<int> Visible,
    IReadOnlyList<int> Occluded, IReadOnlyList<int> NotLabeled)
{
    /// <summary>Number of instances counted (each contributes one to exactly one of the three counts per keypoint).</summary>
    public int Instances => Keypoints.Count == 0 ? 0 : Visible[0] + Occluded[0] + NotLabeled[0];

    /// <summary>Counts every instance of every image.</summary>
    public static KeypointVisibility Count(PoseDataset dataset)
    {
        var k = dataset.Skeleton.Count;
        int[] visible = new int[k], occluded = new int[k], missing = new int[k];
        foreach (var instance in dataset.Instances)
            for (var i = 0; i < k; i++)
            {
                switch (instance.Keypoints[i].Visibility)
                {
                    case Visibility.Visible: visible[i]++; break;
                    case Visibility.Occluded: occluded[i]++; break;
                    default: missing[i]++; break;
                }
            }
        return new KeypointVisibility(dataset.Skeleton.Keypoints, visible, occluded, missing);
    }
}
