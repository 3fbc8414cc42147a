using NewtPose.Models.Backbones;
using NewtPose.Models.Heads;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NewtPose.Models;

/// <summary>
/// Backbone + head. Input: planar RGB in [0, 1], (B, 3, H, W) with H, W multiples of 32; the first operation normalises
/// with <see cref="PoseModelSpec.Mean"/>/<see cref="PoseModelSpec.Std"/> (ONNX: Sub, Div), so callers never normalise.
/// Output: the head's raw output at stride 4 (see <see cref="HeatmapHead"/> / <see cref="IntegralHead"/>).
/// Weight names: backbone.*, head.*.
/// </summary>
public sealed class PoseModel : PoseNetwork
{
    private readonly Backbone backbone;
    private readonly PoseHead head;

    internal PoseModel(PoseModelSpec spec, Backbone backbone, PoseHead head) : base("PoseModel", spec)
    {
        this.backbone = backbone;
        this.head = head;
        RegisterComponents();
    }

    /// <summary>The head, for head-specific access (e.g. <see cref="PoseHead.Heatmaps"/>).</summary>
    public PoseHead Head => head;

    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4 || input.shape[1] != 3)
            throw new ArgumentException($"Expected planar RGB (B, 3, H, W), got [{string.Join(", ", input.shape)}].", nameof(input));
        using var scope = NewDisposeScope();
        // Constants built per call rather than held as buffers: they come from the spec, not from the weights file.
        var mean = tensor(Spec.Mean, dtype: input.dtype, device: input.device).view(1, 3, 1, 1);
        var std = tensor(Spec.Std, dtype: input.dtype, device: input.device).view(1, 3, 1, 1);
        return head.forward(backbone.forward((input - mean) / std)).MoveToOuterDisposeScope();
    }

    /// <summary>The (B, K, H/4, W/4) heatmap logits inside the raw output.</summary>
    public Tensor Heatmaps(Tensor output) => head.Heatmaps(output);

    public override Tensor UnflipOutput(Tensor output)
    {
        using var index = tensor(Spec.FlipIndex().Select(i => (long)i).ToArray(), device: output.device);
        return head.Unflip(output, index);
    }

    public override Tensor Loss(Tensor output, Tensor keypoints, Tensor weights) => head.Loss(output, keypoints, weights);

    public override (Tensor Keypoints, Tensor Confidence) Decode(Tensor output) => head.Decode(output);

    public override IEnumerable<Parameter> BackboneParameters() => backbone.parameters();

    public override IEnumerable<Parameter> HeadParameters() => head.parameters();

    public override void FreezeBackboneNormalization()
    {
        foreach (var norm in backbone.modules().OfType<BatchNorm2d>()) norm.eval();
    }
}
