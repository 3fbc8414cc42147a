namespace NewtPose.Data;

/// <summary>The central type every reader returns and every writer takes.</summary>
/// <param name="Skeleton">Keypoint names, edges, swap pairs.</param>
/// <param name="Images">Every image, labelled or not, in source order.</param>
/// <param name="Root">Folder image paths are relative to.</param>
public sealed record PoseDataset(Skeleton Skeleton, IReadOnlyList<LabeledImage> Images, string Root)
{
    /// <summary>Non-fatal findings of the reader (e.g. swap pairs that do not mirror); fatal ones throw <see cref="DatasetFormatException"/>.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The full path of an image on disk.</summary>
    public string FullPath(LabeledImage image) => System.IO.Path.GetFullPath(System.IO.Path.Combine(Root, image.Path));

    public IEnumerable<PoseInstance> Instances => Images.SelectMany(i => i.Instances);
}
