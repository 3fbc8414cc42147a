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
    [Fact]
    public void Labelled_images_are_predicted_per_animal_grouped_back_by_image_in_order()
    {
        using var network = new TestOnlyReadoutNetwork(Spec);
        Keypoint At(double x, double y) => new(x, y, Visibility.Visible);
        var twoAnimals = new LabeledImage("two.png", 100, 100, [
            new PoseInstance([At(10, 20), At(11, 21)]),
            new PoseInstance([Keypoint.Missing, Keypoint.Missing]), // nothing to crop around: not predicted
            new PoseInstance([At(50, 60), Keypoint.Missing])]);
        var boxOnly = new LabeledImage("box.png", 100, 100, [new PoseInstance([Keypoint.Missing, Keypoint.Missing], new BoundingBox(30, 40, 5, 5))]);
        var empty = new LabeledImage("empty.png", 100, 100, []);
        var sampler = new TestOnlyTranslatingSampler();

        var results = PosePredictor.PredictLabeled(network, sampler, [twoAnimals, empty, boxOnly], batchSize: 2);

        Assert.Equal(["two.png", "empty.png", "box.png"], results.Select(r => r.Image.Path));
        Assert.Equal([2, 0, 1], results.Select(r => r.Predictions.Count));
        Assert.Equal([twoAnimals.Instances[0], twoAnimals.Instances[2]], results[0].Instances);
        // Keypoint a is decoded at (first input value, 3) in sample pixels; the sampler maps the sample's origin to the
        // animal's crop corner and marks the call order in the first input value.
        Assert.Equal(new PredictedKeypoint(10 + 0.25, 23, 0.5), results[0].Predictions[0].Keypoints[0]);
        Assert.Equal(new PredictedKeypoint(50 + 0.5, 63, 0.5), results[0].Predictions[1].Keypoints[0]);
        Assert.Equal(new PredictedKeypoint(30 + 0.75, 43, 0.5), results[2].Predictions[0].Keypoints[0]);
        Assert.All(sampler.Augmented, a => Assert.False(a));
    }

    /// <summary>TEST-ONLY: a 4×2 sample whose first value counts the calls (0.25, 0.5, ...) and whose origin maps to the crop's corner.</summary>
    private sealed class TestOnlyTranslatingSampler : IPoseSampler
    {
        public List<bool> Augmented { get; } = [];

        public PoseSample Sample(LabeledImage image, PoseInstance instance, Random random, bool augment)
        {
            Augmented.Add(augment);
            var corner = instance.Box ?? BoundingBox.AroundLabeled(instance.Keypoints) ?? throw new InvalidOperationException("nothing to crop around");
            var chw = new float[3 * 2 * 4];
            chw[0] = 0.25f * Augmented.Count;
            return new PoseSample(chw, 4, 2, instance.Keypoints.ToArray(), new AffineTransform(1, 0, corner.X, 0, 1, corner.Y));
        }
    }

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
