using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Evaluation;
using NewtPose.Models;
using NewtPose.Models.Heads;
using TorchSharp;
using static TorchSharp.torch;

namespace NewtPose.Tests.Models;

/// <summary>
/// The flip test averages a prediction with that of the mirrored input. It is only right if a mirrored output is read
/// back exactly: mirrored along the width without a half-cell shift, left/right keypoints swapped, x offsets negated.
/// </summary>
public class FlipTestTests
{
    private const int Input = 64; // px; stride 4 → 16 cells
    private const int Cells = Input / 4;
    private static readonly long[] SwapFirstTwo = [1, 0, 2];

    // (B = 2, K = 3, 2) keypoints in input pixels, sub-pixel, away from the border.
    private static Tensor Truth() => tensor(new float[] { 21.3f, 30.8f, 40.55f, 12.1f, 30.2f, 33.4f, 33.7f, 44.2f, 9.9f, 50.45f, 52.6f, 20.3f }, [2, 3, 2]);

    /// <summary>The keypoints as seen in the mirrored input: x → W − x (continuous coordinates), and k is where its partner was.</summary>
    private static Tensor Mirror(Tensor keypoints)
    {
        using var index = tensor(SwapFirstTwo);
        var swapped = keypoints.index_select(1, index);
        return stack([Input - swapped.select(2, 0), swapped.select(2, 1)], -1);
    }

    /// <summary>Raw heatmap-head output that decodes exactly to <paramref name="keypoints"/>: Gaussian logits plus true offsets.</summary>
    private static Tensor ExactOutput(Tensor keypoints, bool offsets) => ExactHeatmaps.Output(keypoints, Cells, offsets);

    [Theory]
    [InlineData(true, 1e-3)]   // location refinement: offsets are mirrored, swapped and negated with their heatmaps
    [InlineData(false, 0.1)]   // quadratic fit on the mirrored heatmaps
    public void A_mirrored_heatmap_output_is_read_back_at_the_true_keypoints_under_their_own_names(bool locref, double tolerancePx)
    {
        using var head = new HeatmapHead(8, 4, 3, locationRefinement: locref);
        using var truth = Truth();
        using var mirroredOutput = ExactOutput(Mirror(truth), locref);
        using var index = tensor(SwapFirstTwo);

        var (keypoints, _) = head.Decode(head.Unflip(mirroredOutput, index));

        var error = (keypoints - truth).abs().max().item<float>();
        Assert.True(error < tolerancePx, $"max error {error} px");
        // Read without unflipping, the same output is far off: the test above is not satisfied by accident.
        var (raw, _) = head.Decode(mirroredOutput);
        Assert.True((raw - truth).abs().max().item<float>() > 10);
    }

    [Fact]
    public void A_mirrored_integral_output_is_read_back_at_the_true_keypoints()
    {
        using var head = new IntegralHead(8, 4, 3);
        using var truth = Truth();
        using var mirroredOutput = ExactOutput(Mirror(truth), offsets: false);
        using var index = tensor(SwapFirstTwo);
        // The soft-argmax of a truncated Gaussian is pulled a little towards the map's centre; the unflipped mirror must be
        // pulled exactly as the direct output is.
        var (direct, _) = head.Decode(ExactOutput(truth, offsets: false));

        var (keypoints, _) = head.Decode(head.Unflip(mirroredOutput, index));

        var error = (keypoints - direct).abs().max().item<float>();
        Assert.True(error < 1e-3, $"max difference {error} px");
        Assert.True((direct - truth).abs().max().item<float>() < 1, "the soft-argmax lands near the truth");
    }

    [Fact]
    public void Unflipping_twice_gives_the_output_back_exactly()
    {
        using var head = new HeatmapHead(8, 4, 3, locationRefinement: true);
        using var output = randn(2, 9, Cells, Cells);
        using var index = tensor(SwapFirstTwo);
        using var twice = head.Unflip(head.Unflip(output, index), index);
        Assert.True(twice.eq(output).all().item<bool>());
    }

    [Fact]
    public void The_flip_index_swaps_each_pair_and_keeps_the_rest()
    {
        var spec = PoseModels.Spec("resnet18", ["nose", "left_eye", "right_eye", "left_ear", "right_ear", "tail"], Input, Input,
            swapPairs: [[1, 2], [4, 3]]);
        Assert.Equal([0, 2, 1, 4, 3, 5], spec.FlipIndex());
    }

    [Theory]
    [InlineData("heatmap")]
    [InlineData("integral")]
    public void With_the_flip_test_a_model_predicts_a_mirrored_photo_as_the_mirror_of_its_prediction(string head)
    {
        // An untrained model has no reason to be mirror-consistent; the flip test makes it so by construction, for any
        // weights. Predictions on a crop and on its mirror must agree up to the mirror and the left/right names.
        var spec = PoseModels.Spec("resnet18", ["snout", "left_eye", "right_eye"], Input, Input, head, swapPairs: [[1, 2]]);
        using var model = PoseModels.Create(spec, pretrained: false);
        // Seeded He-normal weights everywhere: the head starts near zero (flat maps whose argmax rounding noise decides),
        // while weights of a normal size give peaked, input-dependent maps, as a trained model has; seeded, so the figures
        // below are the same on every run.
        var weights = new Random(11);
        using (no_grad())
        {
            foreach (var parameter in model.parameters().Where(p => p.dim() > 1))
            {
                var fanIn = parameter.numel() / parameter.shape[0];
                var values = Enumerable.Range(0, (int)parameter.numel()).Select(_ =>
                    (float)(Math.Sqrt(-2 * Math.Log(1 - weights.NextDouble())) * Math.Cos(2 * Math.PI * weights.NextDouble()) * Math.Sqrt(2.0 / fanIn))).ToArray();
                parameter.copy_(tensor(values).view(parameter.shape));
            }
        }
        var random = new Random(3);
        var pixels = Enumerable.Range(0, 3 * Input * Input).Select(_ => (float)random.NextDouble()).ToArray();
        var mirroredPixels = new float[pixels.Length];
        for (var c = 0; c < 3; c++)
            for (var y = 0; y < Input; y++)
                for (var x = 0; x < Input; x++)
                    mirroredPixels[(c * Input + y) * Input + (Input - 1 - x)] = pixels[(c * Input + y) * Input + x];
        var none = new[] { Keypoint.Missing, Keypoint.Missing, Keypoint.Missing };
        PoseSample[] samples = [new(pixels, Input, Input, none, AffineTransform.Identity), new(mirroredPixels, Input, Input, none, AffineTransform.Identity)];

        double Disagreement(bool flipTest)
        {
            // One sample per batch: a forward pass then sees exactly the same tensor in both runs.
            var p = PosePredictor.Predict(model, samples, batchSize: 1, flipTest: flipTest);
            var worst = 0.0;
            for (var k = 0; k < 3; k++)
            {
                var partner = spec.FlipIndex()[k];
                worst = Math.Max(worst, Math.Abs(p[1].Keypoints[k].X - (Input - p[0].Keypoints[partner].X)));
                worst = Math.Max(worst, Math.Abs(p[1].Keypoints[k].Y - p[0].Keypoints[partner].Y));
            }
            return worst;
        }

        var withFlipTest = Disagreement(flipTest: true);
        var without = Disagreement(flipTest: false);
        Assert.True(withFlipTest < 1e-3, $"flip test: {withFlipTest} px from the mirror");
        Assert.True(without > 0.5, $"without the flip test an untrained model is not mirror-consistent ({without} px)");
    }

    [Fact]
    public void A_network_that_cannot_unflip_says_so()
    {
        using var network = new TestOnlyIdentityNetwork();
        var e = Assert.Throws<NotSupportedException>(() => network.ForwardWithFlipTest(zeros(1, 3, 32, 32)));
        Assert.Contains(nameof(TestOnlyIdentityNetwork), e.Message);
    }

    /// <summary>TEST-ONLY: a network without <see cref="PoseNetwork.UnflipOutput"/>.</summary>
    private sealed class TestOnlyIdentityNetwork() : PoseNetwork(nameof(TestOnlyIdentityNetwork),
        new PoseModelSpec("test-only", "test-only", 32, 32, ["a"], [], [0f, 0f, 0f], [1f, 1f, 1f]))
    {
        public override Tensor forward(Tensor input) => input.alias();
        public override Tensor Loss(Tensor output, Tensor keypoints, Tensor weights) => throw new NotSupportedException();
        public override (Tensor Keypoints, Tensor Confidence) Decode(Tensor output) => throw new NotSupportedException();
        public override IEnumerable<TorchSharp.Modules.Parameter> BackboneParameters() => [];
        public override IEnumerable<TorchSharp.Modules.Parameter> HeadParameters() => [];
        public override void FreezeBackboneNormalization() { }
    }
}
