using TorchSharp;
using TorchSharp.Modules;
using static NewtPose.Models.Backbones.ConvBlocks;
using static TorchSharp.torch;

namespace NewtPose.Models.Backbones;

/// <summary>
/// A small high-resolution network in the spirit of HRNet (Sun et al., 2019): a stride-4 stem, then parallel branches at
/// strides 4, 8 and 16 (32, 64, 128 channels) that each run basic residual blocks and repeatedly exchange information
/// (fusion: higher-resolution inputs are brought down by strided 3×3 convs, lower-resolution ones up by a 1×1 conv and
/// nearest upsampling, then summed). The stride-4 branch is the output: 32 channels at stride 4, so the head is a 1×1 conv.
/// Stage 2 has two branches and one fusion module, stage 3 three branches and two.
/// ONNX ops: Conv, BatchNormalization, Relu, Add, Resize (nearest, integer scales).
/// </summary>
public sealed class HrNetSmall : Backbone
{
    private static readonly long[] Widths = [32, 64, 128];

    private readonly Sequential stem;
    private readonly Sequential layer1;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> transition1;
    private readonly ModuleList<HighResolutionModule> stage2;
    private readonly Sequential transition2;
    private readonly ModuleList<HighResolutionModule> stage3;

    public HrNetSmall(string name) : base(name, (int)Widths[0], 4)
    {
        stem = nn.Sequential(("0", ConvNormRelu(3, 64, 3, 2)), ("1", ConvNormRelu(64, 64, 3, 2)));
        layer1 = nn.Sequential(("0", new ResidualBlock(64)), ("1", new ResidualBlock(64)));
        transition1 = new ModuleList<nn.Module<Tensor, Tensor>>(ConvNormRelu(64, Widths[0], 3), ConvNormRelu(64, Widths[1], 3, 2));
        stage2 = new ModuleList<HighResolutionModule>(new HighResolutionModule(Widths[..2]));
        transition2 = ConvNormRelu(Widths[1], Widths[2], 3, 2);
        stage3 = new ModuleList<HighResolutionModule>(new HighResolutionModule(Widths), new HighResolutionModule(Widths));
        RegisterComponents();
        InitializeFromScratch();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = layer1.forward(stem.forward(input));
        var branches = transition1.Select(t => t.forward(x)).ToArray();
        foreach (var module in stage2) branches = module.forward(branches);
        branches = [.. branches, transition2.forward(branches[^1])];
        foreach (var module in stage3) branches = module.forward(branches);
        return branches[0].MoveToOuterDisposeScope();
    }

    /// <summary>Two 3×3 conv-BN layers with an identity shortcut (channels unchanged).</summary>
    internal sealed class ResidualBlock : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1, conv2;
        private readonly BatchNorm2d bn1, bn2;

        public ResidualBlock(long channels) : base(nameof(ResidualBlock))
        {
            conv1 = Conv(channels, channels, 3);
            bn1 = Norm(channels);
            conv2 = Conv(channels, channels, 3);
            bn2 = Norm(channels);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var x = nn.functional.relu(bn1.forward(conv1.forward(input)));
            return nn.functional.relu(bn2.forward(conv2.forward(x)).add_(input)).MoveToOuterDisposeScope();
        }
    }

    /// <summary>One residual block per branch, then every branch receives the sum of all branches resampled to its resolution.</summary>
    internal sealed class HighResolutionModule : nn.Module<Tensor[], Tensor[]>
    {
        private readonly ModuleList<ResidualBlock> branches;
        // fuse[i * n + j] brings branch j to branch i's resolution and width (null module = identity when i == j).
        private readonly ModuleList<nn.Module<Tensor, Tensor>> fuse;
        private readonly int count;

        public HighResolutionModule(long[] widths) : base(nameof(HighResolutionModule))
        {
            count = widths.Length;
            branches = new ModuleList<ResidualBlock>(widths.Select(w => new ResidualBlock(w)).ToArray());
            fuse = new ModuleList<nn.Module<Tensor, Tensor>>();
            for (var i = 0; i < count; i++)
                for (var j = 0; j < count; j++)
                    fuse.append(Resample(widths, from: j, to: i));
            RegisterComponents();
        }

        public override Tensor[] forward(Tensor[] inputs)
        {
            var x = inputs.Select((t, i) => branches[i].forward(t)).ToArray();
            var outputs = new Tensor[count];
            for (var i = 0; i < count; i++)
            {
                using var scope = NewDisposeScope();
                var sum = x[i].clone();
                for (var j = 0; j < count; j++)
                    if (j != i) sum.add_(fuse[i * count + j].forward(x[j]));
                outputs[i] = nn.functional.relu(sum).MoveToOuterDisposeScope();
            }
            return outputs;
        }

        private static nn.Module<Tensor, Tensor> Resample(long[] widths, int from, int to)
        {
            if (from == to) return nn.Identity();
            if (from > to)
            {
                var scale = (double)(1 << (from - to));
                return nn.Sequential(("0", Conv(widths[from], widths[to], 1)), ("1", Norm(widths[to])),
                    ("2", nn.Upsample(scale_factor: [scale, scale], mode: UpsampleMode.Nearest)));
            }
            // Downsampling by 2^(to - from): strided 3×3 conv-BN steps, ReLU between them but not after the last.
            var steps = nn.Sequential();
            for (var s = 0; s < to - from; s++)
            {
                var last = s == to - from - 1;
                var outChannels = last ? widths[to] : widths[from];
                var index = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
                steps.append(index, last
                    ? nn.Sequential(("0", Conv(widths[from], outChannels, 3, 2)), ("1", Norm(outChannels)))
                    : ConvNormRelu(widths[from], outChannels, 3, 2));
            }
            return steps;
        }
    }
}
