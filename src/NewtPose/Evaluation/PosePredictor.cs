using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace NewtPose.Evaluation;

/// <summary>The keypoints predicted for one sample, mapped back to the source photo's pixels.</summary>
public sealed record PosePrediction(IReadOnlyList<PredictedKeypoint> Keypoints);

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
