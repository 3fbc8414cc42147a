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
