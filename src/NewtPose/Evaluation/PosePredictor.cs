using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace NewtPose.Evaluation;

/// <summary>The keypoints predicted for one sample, mapped back to the source photo's pixels.</summary>
public sealed record PosePrediction(IReadOnlyList<PredictedKeypoint> Keypoints);

/// <summary>The predictions for the labelled animals of one dataset image, in the order of <paramref name="Instances"/>.</summary>
/// <param name="Image">The dataset image.</param>
/// <param name="Instances">The animals that were predicted: those with a labelled point or a box (nothing else can be cropped).</param>
/// <param name="Predictions">One prediction per instance, in the photo's pixels.</param>
public sealed record ImagePrediction(LabeledImage Image, IReadOnlyList<PoseInstance> Instances, IReadOnlyList<PosePrediction> Predictions);

/// <summary>
/// Runs a <see cref="PoseNetwork"/> on prepared samples: batches them, normalises with the network's spec, decodes with
/// the head and maps each keypoint back through <see cref="PoseSample.ToSource"/>. Used by validation and by prediction.
/// </summary>
public static class PosePredictor
{
    /// <summary>
    /// Predicts every sample, <paramref name="batchSize"/> at a time, in eval mode (the network's mode is restored after).
    /// With <paramref name="flipTest"/> each prediction averages the network's output for the sample and for its mirror
    /// (<see cref="PoseNetwork.ForwardWithFlipTest"/>): for models trained with horizontal flips.
    /// </summary>
    public static IReadOnlyList<PosePrediction> Predict(PoseNetwork network, IReadOnlyList<PoseSample> samples, int batchSize = 8, bool flipTest = false,
        CancellationToken cancellationToken = default)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), "The batch size must be at least 1.");
        var results = new List<PosePrediction>(samples.Count);
        for (var start = 0; start < samples.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = samples.Skip(start).Take(batchSize).ToArray();
            results.AddRange(PredictBatch(network, ModelInput.Pack(batch, network.Spec), batch, flipTest));
        }
        return results;
    }

    /// <summary>
    /// Predicts every animal of labelled dataset images the way validation does: each animal cropped around its labels
    /// (or box) by <paramref name="sampler"/> without augmentation, predictions mapped back to the photo's pixels. For
    /// looking at a trained model on held-out photos (e.g. an image grid of predicted vs true keypoints).
    /// </summary>
    /// <param name="network">The trained network (its mode is restored after).</param>
    /// <param name="sampler">Built for the network's input size (the sampler the model was trained with).</param>
    /// <param name="images">Dataset images whose labelled animals are predicted.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <param name="flipTest">Average with the mirrored crop's prediction (see <see cref="Predict"/>).</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public static IReadOnlyList<ImagePrediction> PredictLabeled(PoseNetwork network, IPoseSampler sampler, IReadOnlyList<LabeledImage> images,
        int batchSize = 8, bool flipTest = false, CancellationToken cancellationToken = default)
    {
        var random = new Random(0); // unused without augmentation; the sampler's contract asks for one
        var wanted = images.Select(image => (Image: image, Instances: image.Instances.Where(i => i.LabeledCount > 0 || i.Box is not null).ToArray())).ToArray();
        var samples = wanted.SelectMany(w => w.Instances.Select(instance => sampler.Sample(w.Image, instance, random, augment: false))).ToArray();
        var predictions = Predict(network, samples, batchSize, flipTest, cancellationToken);
        var results = new List<ImagePrediction>(wanted.Length);
        var next = 0;
        foreach (var (image, instances) in wanted)
        {
            results.Add(new ImagePrediction(image, instances, predictions.Skip(next).Take(instances.Length).ToArray()));
            next += instances.Length;
        }
        return results;
    }

    /// <summary>Predicts one batch whose pixels were already packed (planar RGB in [0, 1], B × 3 × H × W).</summary>
    internal static PosePrediction[] PredictBatch(PoseNetwork network, float[] packedPixels, IReadOnlyList<PoseSample> samples, bool flipTest = false)
    {
        var wasTraining = network.training;
        network.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var input = ModelInput.ToTensor(packedPixels, samples.Count, network.Spec, ModelInput.DeviceOf(network));
            var (keypoints, confidence) = network.Decode(flipTest ? network.ForwardWithFlipTest(input) : network.forward(input));
            var xy = keypoints.to(float64).cpu().data<double>().ToArray();
            var conf = confidence.to(float64).cpu().data<double>().ToArray();
            var k = network.Spec.Keypoints.Count;
            var predictions = new PosePrediction[samples.Count];
            for (var b = 0; b < samples.Count; b++)
            {
                var points = new PredictedKeypoint[k];
                for (var j = 0; j < k; j++)
                {
                    var (x, y) = samples[b].ToSource.Apply(xy[(b * k + j) * 2], xy[(b * k + j) * 2 + 1]);
                    points[j] = new PredictedKeypoint(x, y, conf[b * k + j]);
                }
                predictions[b] = new PosePrediction(points);
            }
            return predictions;
        }
        finally
        {
            if (wasTraining) network.train();
        }
    }
}

/// <summary>
/// Turns samples into the network's input tensor: planar RGB in [0, 1]. It does not normalise: the network does that
/// itself as its first operation (<see cref="PoseModel.forward"/> uses the spec's Mean/Std), so the ONNX export and
/// every caller see one input convention and the normalisation happens exactly once.
/// </summary>
internal static class ModelInput
{
    /// <summary>Concatenates the samples' planar pixels, checking each has the network's input size.</summary>
    public static float[] Pack(IReadOnlyList<PoseSample> samples, PoseModelSpec spec)
    {
        var plane = 3 * spec.InputWidth * spec.InputHeight;
        var packed = new float[samples.Count * plane];
        for (var i = 0; i < samples.Count; i++)
        {
            var s = samples[i];
            if (s.Width != spec.InputWidth || s.Height != spec.InputHeight || s.Chw.Length != plane)
                throw new InvalidOperationException($"A sample is {s.Width}x{s.Height} ({s.Chw.Length} values) but the network takes {spec.InputWidth}x{spec.InputHeight} RGB: build the sampler with the network's input size.");
            Array.Copy(s.Chw, 0, packed, i * plane, plane);
        }
        return packed;
    }

    /// <summary>(B, 3, H, W) on <paramref name="device"/>, RGB in [0, 1], not normalised (the network's forward does it).</summary>
    public static Tensor ToTensor(float[] packed, int batch, PoseModelSpec spec, Device device) =>
        tensor(packed, [batch, 3, spec.InputHeight, spec.InputWidth]).to(device);

    public static Device DeviceOf(nn.Module network) => network.parameters().FirstOrDefault()?.device ?? CPU;
}
