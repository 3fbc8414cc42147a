using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NewtPose.Models;

/// <summary>
/// A pose model = backbone + head. The head owns its target encoding, loss and decoding, so the trainer only ever
/// speaks in keypoint coordinates: (B, K, 2) in the pixels of the network input, with a (B, K) weight that is 0 for
/// keypoints that are not labelled (v = 0) or fell out of the frame. <c>forward</c> takes planar RGB in [0, 1] and
/// applies any input normalisation itself (from <see cref="PoseModelSpec.Mean"/>/<see cref="PoseModelSpec.Std"/>);
/// callers never normalise.
/// </summary>
public abstract class PoseNetwork : nn.Module<Tensor, Tensor>
{
    protected PoseNetwork(string name, PoseModelSpec spec) : base(name) => Spec = spec;

    /// <summary>Everything needed to rebuild this network (saved beside the weights).</summary>
    public PoseModelSpec Spec { get; }

    /// <summary>
    /// The flip test (test-time augmentation, as in Simple Baselines and mmpose): the raw output for the input averaged with
    /// the output for its horizontal mirror, mapped back by <see cref="UnflipOutput"/> (maps mirrored, left/right keypoints
    /// swapped via <see cref="PoseModelSpec.SwapPairs"/>). Twice the compute; it helps a model trained with horizontal flips
    /// and is wrong for one that was not (e.g. a fixed camera rig whose views would be mirrored into each other).
    /// Decode the result as usual.
    /// </summary>
    public Tensor ForwardWithFlipTest(Tensor input)
    {
        using var scope = NewDisposeScope();
        var direct = forward(input);
        var mirrored = UnflipOutput(forward(input.flip(3)));
        return ((direct + mirrored) / 2).MoveToOuterDisposeScope();
    }

    /// <summary>Maps raw output for a mirrored input back to the unmirrored input's frame (see <see cref="ForwardWithFlipTest"/>).</summary>
    public virtual Tensor UnflipOutput(Tensor output) =>
        throw new NotSupportedException($"{GetType().Name} does not support the flip test: it cannot map a mirrored output back.");

    /// <summary>Mean loss over the batch for raw head output; targets and weights as described on the class.</summary>
    public abstract Tensor Loss(Tensor output, Tensor keypoints, Tensor weights);

    /// <summary>Keypoints (B, K, 2) in input pixels and a confidence (B, K) in [0, 1] from raw head output.</summary>
    public abstract (Tensor Keypoints, Tensor Confidence) Decode(Tensor output);

    /// <summary>Parameters of the (possibly pretrained) backbone, trained with a lower learning rate.</summary>
    public abstract IEnumerable<Parameter> BackboneParameters();

    /// <summary>Parameters of the head (and neck), trained with the base learning rate.</summary>
    public abstract IEnumerable<Parameter> HeadParameters();

    /// <summary>Puts the backbone's BatchNorm layers in eval mode (frozen statistics) after <c>train()</c>.</summary>
    public abstract void FreezeBackboneNormalization();
}
