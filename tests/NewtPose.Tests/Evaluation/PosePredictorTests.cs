using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Evaluation;
using NewtPose.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NewtPose.Tests.Evaluation;

public class PosePredictorTests
{
    private static readonly PoseModelSpec Spec = new("test-only", "test-only", 4, 2, ["a", "b"], [], [0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]);

    [Fact]
    public void Predictions_get_raw_pixels_are_decoded_and_mapped_back_to_the_photo_in_order()
    {
        using var network = new TestOnlyReadoutNetwork(Spec);
        network.train();
        var samples = Enumerable.Range(0, 5).Select(i =>
        {
            var chw = new float[3 * 2 * 4];
            chw[0] = 0.75f; // passed as is: the network normalises, not the predictor
            return new PoseSample(chw, 4, 2, [Keypoint.Missing, Keypoint.Missing], new AffineTransform(2, 0, 10 * i, 0, 2, 100));
        }).ToArray();

        var predictions = PosePredictor.Predict(network, samples, batchSize: 2);

        Assert.Equal(5, predictions.Count);
        for (var i = 0; i < 5; i++)
        {
            // Decode puts keypoint a at (first input value, 3) = (0.75, 3) and b at (0, 0) in sample pixels.
            Assert.Equal(new PredictedKeypoint(1.5 + 10 * i, 106, 0.5), predictions[i].Keypoints[0]);
            Assert.Equal(new PredictedKeypoint(10 * i, 100, 0.5), predictions[i].Keypoints[1]);
        }
        Assert.True(network.training);
    }

    [Fact]
    public void A_sample_of_the_wrong_size_is_refused_with_both_sizes()
    {
        using var network = new TestOnlyReadoutNetwork(Spec);
        var e = Assert.Throws<InvalidOperationException>(() =>
            PosePredictor.Predict(network, [new PoseSample(new float[3 * 3 * 3], 3, 3, [], AffineTransform.Identity)]));
        Assert.Contains("3x3", e.Message);
        Assert.Contains("4x2", e.Message);
    }

    /// <summary>TEST-ONLY: returns its input; "decodes" keypoint a at (input[0,0,0,0], 3), b at (0, 0), confidence 0.5.</summary>
    private sealed class TestOnlyReadoutNetwork : PoseNetwork
    {
        private readonly Linear unused = nn.Linear(1, 1);

        public TestOnlyReadoutNetwork(PoseModelSpec spec) : base("test_only_readout", spec) => RegisterComponents();

        public override Tensor forward(Tensor input) => input.alias();

        public override Tensor Loss(Tensor output, Tensor keypoints, Tensor weights) => output.sum() * 0;

        public override (Tensor Keypoints, Tensor Confidence) Decode(Tensor output)
        {
            var b = output.shape[0];
            var keypoints = zeros(b, 2, 2);
            keypoints[.., 0, 0] = output[.., 0, 0, 0];
            keypoints[.., 0, 1] = tensor(3f);
            return (keypoints, full(b, 2, 0.5f));
        }

        public override IEnumerable<Parameter> BackboneParameters() => [];
        public override IEnumerable<Parameter> HeadParameters() => unused.parameters();
        public override void FreezeBackboneNormalization() { }
    }
}
