using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NewtPose.Models.Heads;

/// <summary>
/// A head turns backbone features into raw output and owns everything that depends on that output's layout: target
/// encoding, loss and decoding. Keypoints are (B, K, 2) in continuous input coordinates, the convention of the whole
/// library: pixel (i, j) covers [i, i + 1) × [j, j + 1), its centre is (i + 0.5, j + 0.5). Heatmap cell (i, j) covers
/// input pixels [s·j, s·j + s) × [s·i, s·i + s) for stride s, so its centre is (s·(j + 0.5), s·(i + 0.5)).
/// A horizontal mirror of the input (x → W − x) is then exactly the mirror of the cells (j → W/s − 1 − j).
/// (Models saved before the model card decoded cell centres at s·j + (s − 1)/2, half an input pixel less: see
/// NewtPose.Inference.PixelConvention.)
/// </summary>
public abstract class PoseHead : nn.Module<Tensor, Tensor>
{
    protected PoseHead(string name, int keypoints, int stride) : base(name)
    {
        if (keypoints < 1) throw new ArgumentOutOfRangeException(nameof(keypoints), "A head needs at least one keypoint.");
        Keypoints = keypoints;
        Stride = stride;
    }

    /// <summary>Number of keypoints K.</summary>
    public int Keypoints { get; }

    /// <summary>Heatmap stride relative to the network input.</summary>
    public int Stride { get; }

    public abstract Tensor Loss(Tensor output, Tensor keypoints, Tensor weights);

    public abstract (Tensor Keypoints, Tensor Confidence) Decode(Tensor output);

    /// <summary>The (B, K, H, W) heatmap logits inside the raw output.</summary>
    public virtual Tensor Heatmaps(Tensor output) => output.narrow(1, 0, Keypoints);

    /// <summary>
    /// Maps raw output computed on a horizontally mirrored input back to the frame of the unmirrored input (the flip test):
    /// mirrors the maps along their width and takes, for keypoint k, the maps of <paramref name="flipIndex"/>[k], the
    /// keypoint that k looks like in a mirror (its left/right partner, else itself). Exact, with no shift: for an input
    /// width W divisible by the stride s, the centre s·(j + 0.5) of cell j mirrors to W − that, the centre of cell
    /// W/s − 1 − j (the input's mirror, flip(3), takes pixel i to W − 1 − i, i.e. continuous x to W − x). Applying it
    /// twice gives the output back.
    /// </summary>
    /// <param name="output">Raw output (B, C, H, W) of this head for a mirrored input.</param>
    /// <param name="flipIndex">int64 (K) permutation of the keypoints; <see cref="PoseModelSpec.FlipIndex"/>.</param>
    public virtual Tensor Unflip(Tensor output, Tensor flipIndex)
    {
        if (output.shape[1] != Keypoints)
            throw new ArgumentException($"Expected {Keypoints} channels, got {output.shape[1]}.", nameof(output));
        return Mirror(output, flipIndex);
    }

    /// <summary>Maps with the keypoints along dimension 1 and the width last, mirrored along the width and read from each keypoint's mirror partner.</summary>
    protected static Tensor Mirror(Tensor maps, Tensor flipIndex) => maps.flip(-1).index_select(1, flipIndex);

    /// <summary>Continuous input coordinates → heatmap cell coordinates (cell centres at integers).</summary>
    protected Tensor ToCells(Tensor pixels) => pixels / Stride - 0.5;

    /// <summary>Heatmap cell coordinates → continuous input coordinates (the inverse of <see cref="ToCells"/>).</summary>
    protected Tensor ToPixels(Tensor cells) => (cells + 0.5) * Stride;

    /// <summary>Σ values·weights / Σ weights over the labelled keypoints; 0 when nothing is labelled.</summary>
    protected static Tensor WeightedMean(Tensor values, Tensor weights) =>
        (values * weights).sum() / weights.sum().clamp_min(1e-6);

    /// <summary>
    /// Upsamples backbone features to <paramref name="stride"/> (4 by default) with log2(backboneStride / stride) blocks of
    /// ConvTranspose(k4, s2, p1) + BN + ReLU (Simple Baselines; BN, not GroupNorm, kept training stable), named
    /// deconv.N.0/1/2. None when the backbone already has that stride.
    /// </summary>
    protected static (Sequential Layers, long Channels) DeconvStack(long inChannels, int backboneStride, int stride, long width = 256)
    {
        if (backboneStride < stride || backboneStride % stride != 0 || !int.IsPow2(backboneStride / stride))
            throw new ArgumentException($"A backbone of stride {backboneStride} cannot give heatmaps at stride {stride}: 2× deconvolutions only upsample, by powers of two (heatmap stride {backboneStride} or a smaller power of two for this backbone).");
        var layers = nn.Sequential();
        var channels = inChannels;
        for (var i = 0; (backboneStride >> i) > stride; i++)
        {
            var deconv = nn.ConvTranspose2d(channels, width, 4, stride: 2, padding: 1, bias: false);
            var norm = nn.BatchNorm2d(width);
            using (no_grad())
            {
                nn.init.normal_(deconv.weight, 0, 0.001);
                nn.init.ones_(norm.weight);
                nn.init.zeros_(norm.bias);
            }
            layers.append(i.ToString(System.Globalization.CultureInfo.InvariantCulture), nn.Sequential(("0", deconv), ("1", norm), ("2", nn.ReLU())));
            channels = width;
        }
        return (layers, channels);
    }

    /// <summary>
    /// The final 1×1 conv: small weights, bias set to <paramref name="bias"/> on the first <paramref name="biasedChannels"/>
    /// channels (all when null) and 0 on the rest (e.g. location-refinement offsets, which must start at no offset: a
    /// bias of −4.6 cells there takes thousands of Adam steps to unlearn).
    /// </summary>
    protected static Conv2d FinalConv(long inChannels, long outChannels, double bias, long? biasedChannels = null)
    {
        var conv = nn.Conv2d(inChannels, outChannels, 1);
        using (no_grad())
        {
            nn.init.normal_(conv.weight, 0, 0.001);
            nn.init.zeros_(conv.bias!);
            conv.bias!.narrow(0, 0, biasedChannels ?? outChannels).fill_(bias);
        }
        return conv;
    }

    /// <summary>Column and row indices of each map's maximum: (B, K) each, plus the flat index.</summary>
    protected static (Tensor Column, Tensor Row, Tensor Flat) Argmax(Tensor maps)
    {
        var width = maps.shape[3];
        var flat = maps.flatten(2).argmax(-1);
        return (flat.remainder(width), flat.div(width, rounding_mode: RoundingMode.floor), flat);
    }
}
