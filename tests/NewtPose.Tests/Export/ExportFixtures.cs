using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Inference;
using NewtPose.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NewtPose.Tests.Export;

/// <summary>Models with weights that make a parity check mean something, and real and random network inputs.</summary>
internal static class ExportFixtures
{
    public static readonly string[] Keypoints = ["snout", "left_eye", "right_eye", "vent"];
    public static readonly int[][] SwapPairs = [[1, 2]];

    /// <summary>
    /// Every weight and BatchNorm statistic drawn at random (fan-in scaled, statistics away from 0/1), so a swapped mean
    /// and variance, a transposed kernel or a dropped bias changes the output. The registry's own initialisation is no
    /// good for this: heads start at weights of 0.001 (output ≈ the bias) and fresh BatchNorm statistics are exactly 0 and 1.
    /// </summary>
    public static void Randomize(nn.Module model, int seed, bool headOnly = false)
    {
        using var _ = no_grad();
        using var generator = new Generator((ulong)seed);
        IEnumerable<(string Name, nn.Module Module)> modules = model.named_modules();
        if (headOnly) modules = modules.Where(m => m.Name.StartsWith("head", StringComparison.Ordinal));
        foreach (var (_, module) in modules)
        {
            switch (module)
            {
                case Conv2d conv:
                    var fanIn = conv.weight!.shape[1] * conv.weight.shape[2] * conv.weight.shape[3];
                    conv.weight.normal_(0, Math.Sqrt(1.0 / fanIn), generator);
                    conv.bias?.uniform_(-0.2, 0.2, generator);
                    break;
                case ConvTranspose2d deconv:
                    // Each output cell of a k4 s2 deconvolution sums C_in × 4 weights.
                    deconv.weight!.normal_(0, Math.Sqrt(1.0 / (deconv.weight.shape[0] * 4)), generator);
                    deconv.bias?.uniform_(-0.2, 0.2, generator);
                    break;
                case BatchNorm2d norm:
                    norm.weight!.uniform_(0.5, 1.5, generator);
                    norm.bias!.uniform_(-0.3, 0.3, generator);
                    norm.running_mean!.uniform_(-0.3, 0.3, generator);
                    norm.running_var!.uniform_(0.5, 2.0, generator);
                    break;
            }
        }
    }

    /// <summary>A random model of the registry in eval mode.</summary>
    public static PoseModel RandomModel(string backbone, string head, bool locationRefinement, int width = 64, int height = 96, int seed = 1)
    {
        var spec = PoseModels.Spec(backbone, Keypoints, width, height, head, SwapPairs) with { LocationRefinement = locationRefinement };
        var model = PoseModels.Create(spec, pretrained: false);
        Randomize(model, seed);
        // The first conv sees inputs of about 0.3 / std (resnet18-imagenet's std is 1/255): scale it so activations stay
        // near 1 and float32 rounding stays far below the parity tolerance.
        using (no_grad()) model.modules().OfType<Conv2d>().First().weight!.mul_(spec.Std.Average() / 0.3);
        model.eval();
        return model;
    }

    /// <summary>The inference crop of a bundled fixture photo (whole photo, letterboxed), as planar RGB in [0, 1].</summary>
    public static float[] PhotoCrop(PoseModelSpec spec, int photo = 1)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "newts-tiny", "images", $"newt_{photo:0000}.jpg");
        var sampler = new PoseSampler(new Skeleton(spec.Keypoints), spec.InputWidth, spec.InputHeight, AugmentationOptions.Preset("none"));
        return sampler.Crop(path, null).Chw;
    }

    /// <summary><paramref name="count"/> seeded uniform [0, 1] inputs.</summary>
    public static float[] RandomPixels(PoseModelSpec spec, int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new float[count * 3 * spec.InputWidth * spec.InputHeight];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (float)random.NextDouble();
        return pixels;
    }

    /// <summary>The TorchSharp network's raw output, through the engine's TorchBackend (not disposed: the caller owns the model).</summary>
    public static float[] Torch(PoseModel model, float[] pixels, int batch) => new TorchBackend(model).Run(pixels, batch).Values;

    public static double MaxAbsDifference(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        var max = 0.0;
        for (var i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }

    /// <summary>Standard deviation of the values: a parity check on a near-constant output would prove little.</summary>
    public static double Spread(float[] values)
    {
        var mean = values.Average(v => (double)v);
        return Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
    }
}
