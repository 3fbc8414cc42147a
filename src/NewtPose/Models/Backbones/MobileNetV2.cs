using TorchSharp;
using TorchSharp.Modules;
using static NewtPose.Models.Backbones.ConvBlocks;
using static TorchSharp.torch;

namespace NewtPose.Models.Backbones;

/// <summary>
/// torchvision's MobileNetV2 feature trunk (width 1.0, stride 32, 1280 channels out; names features.N…).
/// ONNX ops: Conv (with group for depthwise), BatchNormalization, Clip(0, 6) for ReLU6, Add.
/// </summary>
public sealed class MobileNetV2 : Backbone
{
    // (expansion t, channels c, repeats n, first stride s), as in the paper and torchvision.
    private static readonly (int T, int C, int N, int S)[] Settings =
        [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)];

    private readonly Sequential features;

    public MobileNetV2(string name) : base(name, 1280, 32)
    {
        features = nn.Sequential();
        var index = 0;
        features.append(Index(index++), ConvNormRelu(3, 32, 3, 2, relu6: true));
        long inChannels = 32;
        foreach (var (t, c, n, s) in Settings)
        {
            for (var i = 0; i < n; i++)
            {
                features.append(Index(index++), new InvertedResidual(inChannels, c, i == 0 ? s : 1, t));
                inChannels = c;
            }
        }
        features.append(Index(index), ConvNormRelu(inChannels, 1280, 1, relu6: true));
        RegisterComponents();
        InitializeFromScratch();
    }

    public override Tensor forward(Tensor input) => features.forward(input);

    private static string Index(int i) => i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal sealed class InvertedResidual : nn.Module<Tensor, Tensor>
    {
        private readonly Sequential conv;

        /// <summary>Whether the block adds its input to its output (stride 1, channels unchanged); the ONNX exporter reads it.</summary>
        internal bool Residual { get; }

        public InvertedResidual(long inChannels, long outChannels, long stride, long expansion) : base(nameof(InvertedResidual))
        {
            var hidden = inChannels * expansion;
            Residual = stride == 1 && inChannels == outChannels;
            conv = nn.Sequential();
            var i = 0;
            if (expansion != 1) conv.append(Index(i++), ConvNormRelu(inChannels, hidden, 1, relu6: true));
            conv.append(Index(i++), ConvNormRelu(hidden, hidden, 3, stride, groups: hidden, relu6: true));
            conv.append(Index(i++), Conv(hidden, outChannels, 1));
            conv.append(Index(i), Norm(outChannels));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            if (!Residual) return conv.forward(input);
            using var scope = NewDisposeScope();
            return conv.forward(input).add_(input).MoveToOuterDisposeScope();
        }
    }
}
