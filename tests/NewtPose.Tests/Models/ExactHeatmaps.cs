using static TorchSharp.torch;

namespace NewtPose.Tests.Models;

/// <summary>
/// TEST-ONLY: raw heatmap-head output (stride 4) built to decode to given keypoints: logits whose sigmoid is a Gaussian
/// (σ = 2 cells, peak 0.9) centred on each keypoint and, for location refinement, the offsets the loss trains
/// (keypoint minus cell centre, in cells, everywhere).
/// </summary>
internal static class ExactHeatmaps
{
    /// <summary>(B, K, cells, cells) logits for keypoints (B, K, 2) in input pixels; another σ (cells) or peak when given.</summary>
    public static Tensor Logits(Tensor keypoints, int cells, double sigma = 2, double peak = 0.9)
    {
        var (dx, dy) = Offsets(keypoints, cells);
        // Clamped so that a narrow Gaussian's far cells stay finite logits instead of −∞.
        var p = ((-(dx.square() + dy.square()) / (2 * sigma * sigma)).exp() * peak).clamp_min(1e-30);
        return (p / (1 - p)).log();
    }

    /// <summary>(B, 2K, cells, cells) location-refinement offsets: channel 2k the x offset of keypoint k, 2k + 1 its y offset.</summary>
    public static Tensor OffsetMaps(Tensor keypoints, int cells)
    {
        var (b, k) = (keypoints.shape[0], keypoints.shape[1]);
        var (dx, dy) = Offsets(keypoints, cells);
        return stack([dx.expand(b, k, cells, cells), dy.expand(b, k, cells, cells)], 2).reshape(b, 2 * k, cells, cells);
    }

    /// <summary>Logits, followed by the offset maps when <paramref name="offsets"/> (the heatmap head's raw layout).</summary>
    public static Tensor Output(Tensor keypoints, int cells, bool offsets) =>
        offsets ? cat([Logits(keypoints, cells), OffsetMaps(keypoints, cells)], 1) : Logits(keypoints, cells);

    /// <summary>Signed distances in cells from every cell centre to each keypoint: dx (B, K, 1, W), dy (B, K, H, 1).</summary>
    private static (Tensor Dx, Tensor Dy) Offsets(Tensor keypoints, int cells)
    {
        var centres = keypoints / 4 - 0.5;
        var x = arange(cells, dtype: float32).view(1, 1, 1, cells);
        var y = arange(cells, dtype: float32).view(1, 1, cells, 1);
        return (centres.select(2, 0).unsqueeze(-1).unsqueeze(-1) - x, centres.select(2, 1).unsqueeze(-1).unsqueeze(-1) - y);
    }
}
