using NewtPose.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace NewtPose.Inference;

/// <summary>
/// Runs a TorchSharp <see cref="PoseNetwork"/> as an <see cref="IPoseBackend"/>: eval mode, no gradients, every tensor of
/// a call freed by a dispose scope, the raw output copied out as floats. Owns and disposes the network.
/// </summary>
public sealed class TorchBackend : IPoseBackend
{
    private readonly PoseNetwork _network;
    private readonly Device _device;

    public TorchBackend(PoseNetwork network)
    {
        _network = network ?? throw new ArgumentNullException(nameof(network));
        _network.eval();
        _device = _network.parameters().FirstOrDefault()?.device ?? CPU;
    }

    public PoseModelSpec Spec => _network.Spec;

    public string Name => "torch";

    public RawOutput Run(float[] pixels, int batch)
    {
        var (w, h) = (Spec.InputWidth, Spec.InputHeight);
        if (batch < 1 || pixels.Length != batch * 3 * w * h)
            throw new ArgumentException($"Expected {batch} × 3 × {h} × {w} = {batch * 3 * w * h} input values, got {pixels.Length}.", nameof(pixels));
        _network.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var output = _network.forward(tensor(pixels, [batch, 3, h, w]).to(_device)).to(float32).cpu().contiguous();
        var shape = output.shape;
        if (shape.Length != 4) throw new InvalidOperationException($"The network returned a {shape.Length}-D output; a pose head returns (B, C, H, W).");
        return new RawOutput(output.data<float>().ToArray(), (int)shape[0], (int)shape[1], (int)shape[2], (int)shape[3]);
    }

    public void Dispose() => _network.Dispose();
}
