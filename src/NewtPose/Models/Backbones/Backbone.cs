using TorchSharp;
using static TorchSharp.torch;

namespace NewtPose.Models.Backbones;

/// <summary>
/// A feature extractor: planar, already-normalised images (B, 3, H, W) in, features (B, <see cref="Channels"/>,
/// H / <see cref="Stride"/>, W / <see cref="Stride"/>) out. Submodules are named like torchvision's so weights load by name.
/// </summary>
public abstract class Backbone : nn.Module<Tensor, Tensor>
{
    protected Backbone(string name, int channels, int stride) : base(name)
    {
        Channels = channels;
        Stride = stride;
    }

    /// <summary>Channels of the output feature map.</summary>
    public int Channels { get; }

    /// <summary>Output stride (input size / feature size): 32 for ResNet and MobileNetV2, 4 for HRNet-small.</summary>
    public int Stride { get; }

    /// <summary>torchvision's initialisation for training from scratch: Kaiming-normal convs (fan-out), BN at 1/0.</summary>
    protected void InitializeFromScratch()
    {
        using var _ = no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case TorchSharp.Modules.Conv2d conv:
                    nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                    if (conv.bias is { } b) nn.init.zeros_(b);
                    break;
                case TorchSharp.Modules.BatchNorm2d bn:
                    nn.init.ones_(bn.weight);
                    nn.init.zeros_(bn.bias);
                    break;
            }
        }
    }
}
