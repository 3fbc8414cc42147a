using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NewtPose.Models.Heads;

/// <summary>
/// Integral (soft-argmax) head (Sun et al., 2018): the same deconvolutions as <see cref="HeatmapHead"/> give K heatmap
/// logits (B, K, H, W); a softmax over each map gives a distribution whose expectation is the keypoint, so coordinates are
/// differentiable and trained directly with an L1 loss (in heatmap cells, masked by the weights).
/// Confidence = the probability mass within 2 cells of the most likely cell.
/// ONNX ops: ConvTranspose, BatchNormalization, Relu, Conv (the soft-argmax itself is left to the export/decoder).
/// </summary>
public sealed class IntegralHead : PoseHead
{
    private readonly Sequential deconv;
    private readonly Conv2d final;

    public IntegralHead(long inChannels, int backboneStride, int keypoints, int stride = 4)
        : base(nameof(IntegralHead), keypoints, stride)
    {
        long channels;
        (deconv, channels) = DeconvStack(inChannels, backboneStride, stride);
        final = FinalConv(channels, keypoints, bias: 0);
        RegisterComponents();
    }

    public override Tensor forward(Tensor features) => final.forward(deconv.forward(features));

    public override Tensor Loss(Tensor output, Tensor keypoints, Tensor weights)
    {
        using var scope = NewDisposeScope();
        var (expected, _) = Expectation(output);
        var error = (expected - ToCells(keypoints.to(output.dtype))).abs().mean([2]);
        return WeightedMean(error, weights.to(output.dtype)).MoveToOuterDisposeScope();
    }

    public override (Tensor Keypoints, Tensor Confidence) Decode(Tensor output)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (expected, probabilities) = Expectation(output);
        // Mass in the 5×5 window around each cell, read at the most likely cell.
        var window = nn.functional.avg_pool2d(probabilities, 5, stride: 1, padding: 2, count_include_pad: true) * 25;
        var (_, _, flat) = Argmax(probabilities);
        var confidence = window.flatten(2).gather(-1, flat.unsqueeze(-1)).squeeze(-1).clamp(0, 1);
        return (ToPixels(expected).MoveToOuterDisposeScope(), confidence.MoveToOuterDisposeScope());
    }

    /// <summary>Expected (x, y) in cells (B, K, 2) and the probability maps (B, K, H, W).</summary>
    private static (Tensor Expected, Tensor Probabilities) Expectation(Tensor output)
    {
        var (batch, k, height, width) = (output.shape[0], output.shape[1], output.shape[2], output.shape[3]);
        var probabilities = output.flatten(2).softmax(-1).view(batch, k, height, width);
        var x = (probabilities.sum(2) * arange(width, dtype: output.dtype, device: output.device)).sum(-1);
        var y = (probabilities.sum(3) * arange(height, dtype: output.dtype, device: output.device)).sum(-1);
        return (stack([x, y], -1), probabilities);
    }
}
