using NewtPose.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace NewtPose.Tests.Training;

/// <summary>
/// TEST-ONLY pose network: two 3×3 convolutions (the "backbone", with a BatchNorm to freeze) and a 1×1 convolution
/// producing one heatmap per keypoint at full input resolution; masked MSE against Gaussians; argmax decoding.
/// Stands in for the real registry models so the trainer can be tested in milliseconds.
/// </summary>
internal sealed class TestOnlyTinyPoseNetwork : PoseNetwork
{
    private const double Sigma = 1.5;
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly Conv2d head;

    public TestOnlyTinyPoseNetwork(PoseModelSpec spec) : base("test_only_tiny", spec)
    {
        conv1 = Conv2d(3, 8, 3, padding: 1);
        bn1 = BatchNorm2d(8);
        conv2 = Conv2d(8, 16, 3, padding: 1);
        head = Conv2d(16, spec.Keypoints.Count, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        // The PoseNetwork contract: input is RGB in [0, 1]; the network normalises it with its spec.
        using var scope = NewDisposeScope();
        var mean = tensor(Spec.Mean, device: input.device).view(1, 3, 1, 1);
        var std = tensor(Spec.Std, device: input.device).view(1, 3, 1, 1);
        var x = (input - mean) / std;
        return head.forward(functional.relu(conv2.forward(functional.relu(bn1.forward(conv1.forward(x)))))).MoveToOuterDisposeScope();
    }

    public override Tensor Loss(Tensor output, Tensor keypoints, Tensor weights)
    {
        using var scope = NewDisposeScope();
        var (h, w) = (output.shape[2], output.shape[3]);
        var xs = arange(w, dtype: float32, device: output.device).view(1, 1, 1, w);
        var ys = arange(h, dtype: float32, device: output.device).view(1, 1, h, 1);
        var kx = keypoints[.., .., 0].unsqueeze(-1).unsqueeze(-1);
        var ky = keypoints[.., .., 1].unsqueeze(-1).unsqueeze(-1);
        var target = exp(-((xs - kx).pow(2) + (ys - ky).pow(2)) / (2 * Sigma * Sigma));
        var perKeypoint = (output - target).pow(2).mean([2, 3]);
        return ((perKeypoint * weights).sum() / weights.sum().clamp_min(1)).MoveToOuterDisposeScope();
    }

    public override (Tensor Keypoints, Tensor Confidence) Decode(Tensor output)
    {
        var (b, k, w) = (output.shape[0], output.shape[1], output.shape[3]);
        var flat = output.reshape(b, k, -1);
        var (max, index) = flat.max(2);
        var x = (index % w).to(float32);
        var y = index.div(w, rounding_mode: RoundingMode.floor).to(float32);
        return (stack([x, y], 2), max.clamp(0, 1));
    }

    public override IEnumerable<Parameter> BackboneParameters() => conv1.parameters().Concat(bn1.parameters()).Concat(conv2.parameters());

    public override IEnumerable<Parameter> HeadParameters() => head.parameters();

    public override void FreezeBackboneNormalization() => bn1.eval();
}
