using TorchSharp;
using TorchSharp.Modules;
using static NewtPose.Models.Backbones.ConvBlocks;
using static TorchSharp.torch;

namespace NewtPose.Models.Backbones;

/// <summary>
/// A torchvision-style ResNet trunk without its classifier: stride 32, names conv1, bn1, layer1…layer4 (blocks "0", "1",
/// …, each with conv1/bn1/conv2/bn2[/conv3/bn3] and downsample.0/.1), so torchvision- or ImageNet-converted weights load
/// by name. ONNX ops: Conv, BatchNormalization, Relu, MaxPool, Add.
/// </summary>
public sealed class ResNet : Backbone
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1, layer2, layer3, layer4;

    /// <param name="name">Module name.</param>
    /// <param name="blocks">Blocks per stage, e.g. {2,2,2,2} ResNet18, {3,4,6,3} ResNet34/50, {2,2,2,3} the ImageNet ONNX variant.</param>
    /// <param name="bottleneck">Bottleneck blocks (ResNet50) instead of basic blocks.</param>
    public ResNet(string name, IReadOnlyList<int> blocks, bool bottleneck)
        : base(name, (bottleneck ? 4 : 1) * 512, 32)
    {
        if (blocks.Count != 4 || blocks.Any(b => b < 1)) throw new ArgumentException("A ResNet needs four stages of at least one block.", nameof(blocks));
        conv1 = nn.Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false);
        bn1 = Norm(64);
        maxpool = nn.MaxPool2d(3, stride: 2, padding: 1);
        var inChannels = 64L;
        layer1 = Stage(ref inChannels, 64, blocks[0], 1, bottleneck);
        layer2 = Stage(ref inChannels, 128, blocks[1], 2, bottleneck);
        layer3 = Stage(ref inChannels, 256, blocks[2], 2, bottleneck);
        layer4 = Stage(ref inChannels, 512, blocks[3], 2, bottleneck);
        RegisterComponents();
        InitializeFromScratch();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = maxpool.forward(nn.functional.relu(bn1.forward(conv1.forward(input))));
        x = layer4.forward(layer3.forward(layer2.forward(layer1.forward(x))));
        return x.MoveToOuterDisposeScope();
    }

    private static Sequential Stage(ref long inChannels, long width, int count, long stride, bool bottleneck)
    {
        var stage = nn.Sequential();
        for (var i = 0; i < count; i++)
        {
            nn.Module<Tensor, Tensor> block = bottleneck
                ? new BottleneckBlock(inChannels, width, i == 0 ? stride : 1)
                : new BasicBlock(inChannels, width, i == 0 ? stride : 1);
            stage.append(i.ToString(System.Globalization.CultureInfo.InvariantCulture), block);
            inChannels = width * (bottleneck ? BottleneckBlock.Expansion : 1);
        }
        return stage;
    }

    /// <summary>1×1 strided projection on the shortcut when shape changes ("downsample.0" conv, ".1" BN).</summary>
    private static Sequential? Shortcut(long inChannels, long outChannels, long stride) =>
        stride == 1 && inChannels == outChannels ? null : nn.Sequential(("0", Conv(inChannels, outChannels, 1, stride)), ("1", Norm(outChannels)));

    internal sealed class BasicBlock : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1, conv2;
        private readonly BatchNorm2d bn1, bn2;
        private readonly Sequential? downsample;

        public BasicBlock(long inChannels, long width, long stride) : base(nameof(BasicBlock))
        {
            conv1 = Conv(inChannels, width, 3, stride);
            bn1 = Norm(width);
            conv2 = Conv(width, width, 3);
            bn2 = Norm(width);
            downsample = Shortcut(inChannels, width, stride);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var x = nn.functional.relu(bn1.forward(conv1.forward(input)));
            x = bn2.forward(conv2.forward(x));
            var identity = downsample is null ? input : downsample.forward(input);
            return nn.functional.relu(x.add_(identity)).MoveToOuterDisposeScope();
        }
    }

    internal sealed class BottleneckBlock : nn.Module<Tensor, Tensor>
    {
        public const int Expansion = 4;
        private readonly Conv2d conv1, conv2, conv3;
        private readonly BatchNorm2d bn1, bn2, bn3;
        private readonly Sequential? downsample;

        public BottleneckBlock(long inChannels, long width, long stride) : base(nameof(BottleneckBlock))
        {
            conv1 = Conv(inChannels, width, 1);
            bn1 = Norm(width);
            conv2 = Conv(width, width, 3, stride);
            bn2 = Norm(width);
            conv3 = Conv(width, width * Expansion, 1);
            bn3 = Norm(width * Expansion);
            downsample = Shortcut(inChannels, width * Expansion, stride);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var x = nn.functional.relu(bn1.forward(conv1.forward(input)));
            x = nn.functional.relu(bn2.forward(conv2.forward(x)));
            x = bn3.forward(conv3.forward(x));
            var identity = downsample is null ? input : downsample.forward(input);
            return nn.functional.relu(x.add_(identity)).MoveToOuterDisposeScope();
        }
    }
}
