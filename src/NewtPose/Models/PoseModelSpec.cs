namespace NewtPose.Models;

/// <summary>What a saved model needs to be rebuilt and used: written as model.json beside the weights, so a run folder describes itself.</summary>
/// <param name="Backbone">Registry name, e.g. "resnet18-imagenet", "resnet50", "mobilenetv2", "hrnet-small".</param>
/// <param name="Head">"heatmap" (deconvolution + optional location refinement) or "integral" (soft-argmax).</param>
/// <param name="InputWidth">Network input width in pixels.</param>
/// <param name="InputHeight">Network input height in pixels.</param>
/// <param name="Keypoints">Keypoint names in output order.</param>
/// <param name="SwapPairs">Left/right pairs as index pairs (for flip augmentation and flip test).</param>
/// <param name="Mean">Per-channel mean of the RGB input in [0, 1] units.</param>
/// <param name="Std">Per-channel std of the RGB input in [0, 1] units.</param>
public sealed record PoseModelSpec(
    string Backbone,
    string Head,
    int InputWidth,
    int InputHeight,
    IReadOnlyList<string> Keypoints,
    IReadOnlyList<int[]> SwapPairs,
    float[] Mean,
    float[] Std)
{
    /// <summary>Whether the heatmap head also predicts sub-cell location-refinement offsets.</summary>
    public bool LocationRefinement { get; init; } = true;

    /// <summary>Output stride of the heatmaps relative to the input (heatmap head).</summary>
    public int HeatmapStride { get; init; } = 4;
}
