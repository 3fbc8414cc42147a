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

    /// <summary>
    /// Output stride of the heatmaps relative to the input: 4 (the Simple-Baselines / DeepLabCut default), 2 (twice the
    /// output resolution, one more deconvolution at the largest size) or 8 (one fewer).
    /// </summary>
    public int HeatmapStride { get; init; } = 4;

    /// <summary>The heatmap strides a head can be built for (<see cref="HeatmapStride"/>).</summary>
    public static IReadOnlyList<int> HeatmapStrides { get; } = [2, 4, 8];

    /// <summary>
    /// σ of the heatmap head's Gaussian training target, in heatmap cells (so σ·stride input pixels). Training only: the
    /// decoding does not depend on it; recorded so that a model card says what the model was trained towards.
    /// </summary>
    public double HeatmapSigma { get; init; } = DefaultHeatmapSigma;

    /// <summary>The target σ in cells the heatmap head was designed and measured with.</summary>
    public const double DefaultHeatmapSigma = 2.0;

    /// <summary>The target σ range, in cells, a model may be trained with (<see cref="HeatmapSigma"/>).</summary>
    public const double MinHeatmapSigma = 0.5, MaxHeatmapSigma = 8;

    /// <summary>
    /// For each keypoint, the keypoint it becomes in a horizontal mirror: its swap partner (left ↔ right), else itself.
    /// What the flip test uses to read a mirrored prediction back under the right names.
    /// </summary>
    public int[] FlipIndex()
    {
        var index = Enumerable.Range(0, Keypoints.Count).ToArray();
        foreach (var pair in SwapPairs ?? [])
        {
            index[pair[0]] = pair[1];
            index[pair[1]] = pair[0];
        }
        return index;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field that cannot describe a buildable model.</summary>
    public void Validate()
    {
        if (!PoseModels.Names.Any(b => b.Name == Backbone))
            throw new ArgumentException($"Unknown backbone '{Backbone}'. Known: {string.Join(", ", PoseModels.Names.Select(b => b.Name))}.");
        if (!PoseModels.Heads.Contains(Head))
            throw new ArgumentException($"Unknown head '{Head}'. Known: {string.Join(", ", PoseModels.Heads)}.");
        if (InputWidth < 32 || InputHeight < 32 || InputWidth % 32 != 0 || InputHeight % 32 != 0)
            throw new ArgumentException($"Input size {InputWidth}x{InputHeight} must be positive multiples of 32 (the backbones have stride 32).");
        if (!HeatmapStrides.Contains(HeatmapStride))
            throw new ArgumentException($"Heatmap stride {HeatmapStride} is not supported; the heads output stride {string.Join(", ", HeatmapStrides)}.");
        if (!(HeatmapSigma >= MinHeatmapSigma && HeatmapSigma <= MaxHeatmapSigma))
            throw new ArgumentException(FormattableString.Invariant($"Heatmap sigma {HeatmapSigma} must be in [{MinHeatmapSigma}, {MaxHeatmapSigma}] heatmap cells."));
        if (Head != "heatmap" && HeatmapSigma != DefaultHeatmapSigma)
            throw new ArgumentException($"Heatmap sigma {HeatmapSigma} is set, but only the heatmap head trains on Gaussian targets (this is a {Head} head).");
        if (Keypoints is null || Keypoints.Count == 0) throw new ArgumentException("A model needs at least one keypoint name.");
        if (Keypoints.Distinct().Count() != Keypoints.Count) throw new ArgumentException("Keypoint names must be unique.");
        if (Mean is not { Length: 3 } || Std is not { Length: 3 } || Std.Any(s => !(s > 0)))
            throw new ArgumentException("Mean and Std need three values each (RGB) and Std must be positive.");
        foreach (var pair in SwapPairs ?? [])
        {
            if (pair is not { Length: 2 } || pair.Any(i => i < 0 || i >= Keypoints.Count) || pair[0] == pair[1])
                throw new ArgumentException($"Swap pair [{string.Join(", ", pair ?? [])}] must name two different keypoint indices in 0..{Keypoints.Count - 1}.");
        }
    }
}
