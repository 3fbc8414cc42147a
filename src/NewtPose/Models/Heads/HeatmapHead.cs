using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NewtPose.Models.Heads;

/// <summary>
/// Simple-Baselines / DeepLabCut heatmap head: deconvolutions up to stride 4, then a 1×1 conv giving K heatmap logits and,
/// with location refinement, 2·K offset maps (DeepLabCut's locref). Raw output (B, K·(1 + 2r), H, W): channels [0, K) are
/// logits, channel K + 2k / K + 2k + 1 the x / y offset of keypoint k in heatmap cells.
/// Loss: binary cross-entropy on the logits against Gaussian targets (σ = <see cref="Sigma"/> cells, 2 by default), plus 0.05 × Huber loss on the
/// offsets within 2 cells of the true location; both masked by the keypoint weights.
/// Decoding: argmax cell + predicted offset (with locref) or a quadratic fit on the log-probabilities (without);
/// confidence = sigmoid of the peak logit. The final bias starts at −4.6 (a 1 % prior), which kept early training stable.
/// ONNX ops: ConvTranspose, BatchNormalization, Relu, Conv.
/// </summary>
public sealed class HeatmapHead : PoseHead
{
    /// <summary>Offsets are trained within this many cells of the true location.</summary>
    public const double RefinementRadius = 2.0;

    /// <summary>Weight of the offset loss relative to the heatmap loss (DeepLabCut's locref_loss_weight).</summary>
    public const double RefinementWeight = 0.05;

    private readonly Sequential deconv;
    private readonly Conv2d final;

    public HeatmapHead(long inChannels, int backboneStride, int keypoints, bool locationRefinement, int stride = 4,
        double sigma = PoseModelSpec.DefaultHeatmapSigma)
        : base(nameof(HeatmapHead), keypoints, stride)
    {
        if (!(sigma > 0)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "The target σ must be positive.");
        LocationRefinement = locationRefinement;
        Sigma = sigma;
        long channels;
        (deconv, channels) = DeconvStack(inChannels, backboneStride, stride);
        final = FinalConv(channels, keypoints * (locationRefinement ? 3 : 1), bias: -4.6, biasedChannels: keypoints);
        RegisterComponents();
    }

    public bool LocationRefinement { get; }

    /// <summary>Gaussian target σ in heatmap cells.</summary>
    public double Sigma { get; }

    public override Tensor forward(Tensor features) => final.forward(deconv.forward(features));

    public override Tensor Loss(Tensor output, Tensor keypoints, Tensor weights)
    {
        using var scope = NewDisposeScope();
        var (height, width) = (output.shape[2], output.shape[3]);
        var cells = ToCells(keypoints.to(output.dtype));
        // Signed distances from every cell centre to the keypoint: dx (B, K, 1, W), dy (B, K, H, 1).
        var dx = cells.select(2, 0).unsqueeze(-1).unsqueeze(-1) - arange(width, dtype: output.dtype, device: output.device).view(1, 1, 1, width);
        var dy = cells.select(2, 1).unsqueeze(-1).unsqueeze(-1) - arange(height, dtype: output.dtype, device: output.device).view(1, 1, height, 1);
        var squared = dx.square() + dy.square();
        var target = (-squared / (2 * Sigma * Sigma)).exp();
        var w = weights.to(output.dtype);
        var bce = nn.functional.binary_cross_entropy_with_logits(Heatmaps(output), target, reduction: nn.Reduction.None);
        var loss = WeightedMean(bce.mean([2, 3]), w);
        if (LocationRefinement)
        {
            var offsets = Offsets(output);
            var near = (squared <= RefinementRadius * RefinementRadius).to(output.dtype) * w.unsqueeze(-1).unsqueeze(-1);
            var huber = nn.functional.smooth_l1_loss(offsets.select(2, 0), dx.expand_as(squared), reduction: nn.Reduction.None)
                      + nn.functional.smooth_l1_loss(offsets.select(2, 1), dy.expand_as(squared), reduction: nn.Reduction.None);
            loss = loss + RefinementWeight * (huber * near).sum() / (2 * near.sum()).clamp_min(1e-6);
        }
        return loss.MoveToOuterDisposeScope();
    }

    public override (Tensor Keypoints, Tensor Confidence) Decode(Tensor output)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var heat = Heatmaps(output);
        var (batch, k, width) = (heat.shape[0], heat.shape[1], heat.shape[3]);
        var (column, row, flat) = Argmax(heat);
        var peak = heat.flatten(2).gather(-1, flat.unsqueeze(-1)).squeeze(-1);
        Tensor x, y;
        if (LocationRefinement)
        {
            // Offsets are only trained within RefinementRadius of a keypoint; at a wrong peak they are arbitrary and could
            // throw a point far outside the crop, so they are clamped to the radius they were trained for.
            var offsets = Offsets(output).flatten(3).gather(-1, flat.view(batch, k, 1, 1).expand(batch, k, 2, 1)).squeeze(-1)
                .clamp(-RefinementRadius, RefinementRadius);
            x = column.to(heat.dtype) + offsets.select(2, 0);
            y = row.to(heat.dtype) + offsets.select(2, 1);
        }
        else
        {
            var log = nn.functional.logsigmoid(heat);
            x = column.to(heat.dtype) + QuadraticOffset(log, flat, column, 1, width);
            y = row.to(heat.dtype) + QuadraticOffset(log, flat, row, width, heat.shape[2]);
        }
        var coordinates = stack([ToPixels(x), ToPixels(y)], -1);
        return (coordinates.MoveToOuterDisposeScope(), nn.functional.sigmoid(peak).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The flip test's mapping (see <see cref="PoseHead.Unflip"/>) for heatmaps and offsets: offset maps are mirrored and
    /// swapped like their heatmaps, and their x component changes sign (an offset to the right is one to the left in a mirror).
    /// </summary>
    public override Tensor Unflip(Tensor output, Tensor flipIndex)
    {
        if (!LocationRefinement) return base.Unflip(output, flipIndex);
        using var scope = NewDisposeScope();
        var heat = Mirror(Heatmaps(output), flipIndex);
        var sign = tensor(new[] { -1f, 1f }, dtype: output.dtype, device: output.device).view(1, 1, 2, 1, 1);
        var offsets = (Mirror(Offsets(output), flipIndex) * sign).reshape(output.shape[0], 2 * Keypoints, output.shape[2], output.shape[3]);
        return cat([heat, offsets], 1).MoveToOuterDisposeScope();
    }

    /// <summary>(B, K, 2, H, W) offset maps in cells.</summary>
    private Tensor Offsets(Tensor output)
    {
        if (output.shape[1] != 3 * Keypoints)
            throw new ArgumentException($"Expected {3 * Keypoints} channels (heatmaps + offsets), got {output.shape[1]}.", nameof(output));
        return output.narrow(1, Keypoints, 2 * Keypoints).view(output.shape[0], Keypoints, 2, output.shape[2], output.shape[3]);
    }

    /// <summary>
    /// Vertex of the parabola through the log-values at the peak and its two neighbours along one axis (exact for a
    /// Gaussian); 0 at the border or where the three values do not bend down.
    /// </summary>
    private static Tensor QuadraticOffset(Tensor log, Tensor flat, Tensor position, long step, long size)
    {
        var values = log.flatten(2);
        var inside = position.gt(0).logical_and(position.lt(size - 1));
        var before = values.gather(-1, (flat - step).clamp(0, values.shape[2] - 1).unsqueeze(-1)).squeeze(-1);
        var centre = values.gather(-1, flat.unsqueeze(-1)).squeeze(-1);
        var after = values.gather(-1, (flat + step).clamp(0, values.shape[2] - 1).unsqueeze(-1)).squeeze(-1);
        var curvature = before - 2 * centre + after;
        var valid = inside.logical_and(curvature.lt(0));
        var offset = (0.5 * (before - after) / curvature.where(valid, ones_like(curvature) * -1)).clamp(-0.5, 0.5);
        return offset.where(valid, zeros_like(offset));
    }
}
