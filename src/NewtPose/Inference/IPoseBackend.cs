using NewtPose.Models;

namespace NewtPose.Inference;

/// <summary>
/// The raw head output of one batch, as <c>PoseNetwork.forward</c> returns it: (B, C, H, W) floats in row-major
/// order. What a heatmap head's channels mean is the head's business (see the head classes); the decoding that turns
/// them into points works on these plain arrays, so every backend shares one decoder.
/// </summary>
public sealed record RawOutput(float[] Values, int Batch, int Channels, int Height, int Width)
{
    /// <summary>Values of one batch item: Channels × Height × Width floats.</summary>
    public ReadOnlySpan<float> Item(int b) => Values.AsSpan(b * Channels * Height * Width, Channels * Height * Width);
}

/// <summary>
/// Runs the network part of a pose model: planar RGB in [0, 1] in (B × 3 × H × W at the spec's input size, not
/// normalised: the model normalises as its first operation), raw head output out. The inference engine owns everything
/// before (finding the animal, cropping) and after (decoding, flip-test un-mirroring, mapping back to the photo), so a
/// TorchSharp network and an exported ONNX file give the same points through the same code.
/// </summary>
public interface IPoseBackend : IDisposable
{
    /// <summary>The model this backend runs: input size, keypoints, swap pairs, head.</summary>
    PoseModelSpec Spec { get; }

    /// <summary>A short name for reports: "torch" or "onnx".</summary>
    string Name { get; }

    /// <summary>Runs <paramref name="batch"/> inputs packed in <paramref name="pixels"/> (batch × 3 × H × W floats).</summary>
    RawOutput Run(float[] pixels, int batch);
}
