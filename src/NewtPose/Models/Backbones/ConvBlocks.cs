using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NewtPose.Models.Backbones;

/// <summary>The few layer shapes the backbones are built from (ONNX: Conv, BatchNormalization, Relu/Clip).</summary>
internal static class ConvBlocks
{
    /// <summary>Bias-free convolution with "same" padding for odd kernels (PyTorch's symmetric padding).</summary>
    public static Conv2d Conv(long inChannels, long outChannels, long kernel, long stride = 1, long groups = 1) =>
        nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: kernel / 2, groups: groups, bias: false);

    public static BatchNorm2d Norm(long channels) => nn.BatchNorm2d(channels, eps: 1e-5, momentum: 0.1);

    /// <summary>Conv → BN → ReLU (or ReLU6), named "0", "1", "2" like torchvision's ConvBNActivation.</summary>
    public static Sequential ConvNormRelu(long inChannels, long outChannels, long kernel, long stride = 1, long groups = 1, bool relu6 = false) =>
        nn.Sequential(
            ("0", Conv(inChannels, outChannels, kernel, stride, groups)),
            ("1", Norm(outChannels)),
            ("2", relu6 ? nn.ReLU6() : nn.ReLU()));
}
