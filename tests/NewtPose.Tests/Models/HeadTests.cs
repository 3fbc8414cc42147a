using NewtPose.Models;
using NewtPose.Models.Heads;
using TorchSharp;
using static TorchSharp.torch;

namespace NewtPose.Tests.Models;

public class HeadTests
{
    private const int Size = 16; // heatmap cells; stride 4 → 64 px input

    // Keypoints in input pixels, sub-pixel, away from the border: (B=2, K=2, 2).
    private static Tensor TrueKeypoints() => tensor(new float[] { 21.3f, 30.8f, 40.55f, 12.1f, 33.7f, 44.2f, 9.9f, 50.45f }, [2, 2, 2]);

    /// <summary>Logits whose sigmoid is a Gaussian (σ = 2 cells) centred on each keypoint.</summary>
    private static Tensor GaussianLogits(Tensor keypoints) => ExactHeatmaps.Logits(keypoints, Size);

    [Fact]
    public void Heatmap_decode_recovers_sub_pixel_locations_by_quadratic_fit()
    {
        using var head = new HeatmapHead(8, 4, 2, locationRefinement: false);
        using var truth = TrueKeypoints();
        using var logits = GaussianLogits(truth);
        var (keypoints, confidence) = head.Decode(logits);
        var error = (keypoints - truth).abs().max().item<float>();
        Assert.True(error < 0.1, $"max error {error} px");
        Assert.True(confidence.min().item<float>() > 0.8);
    }

    [Fact]
    public void Heatmap_decode_with_location_refinement_adds_the_offset_at_the_peak()
    {
        using var head = new HeatmapHead(8, 4, 2, locationRefinement: true);
        using var truth = TrueKeypoints();
        using var logits = GaussianLogits(truth);
        // Offsets as the loss trains them: keypoint minus cell centre, in cells, everywhere.
        using var offsets = ExactHeatmaps.OffsetMaps(truth, Size);
        using var output = cat([logits, offsets], 1);
        var (keypoints, _) = head.Decode(output);
        Assert.True((keypoints - truth).abs().max().item<float>() < 1e-3);

        // The offset is what moves the answer: zero offsets leave the cell centre.
        using var centres = cat([logits, zeros_like(offsets)], 1);
        var (snapped, _) = head.Decode(centres);
        Assert.True((snapped - truth).abs().max().item<float>() > 0.3);
    }

    [Fact]
    public void Integral_decode_returns_the_expected_location()
    {
        using var head = new IntegralHead(8, 4, 2);
        using var truth = TrueKeypoints();
        // Log of a Gaussian: the softmax is that Gaussian, normalised.
        var cells = truth / 4 - 0.5;
        var x = arange(Size, dtype: float32).view(1, 1, 1, Size);
        var y = arange(Size, dtype: float32).view(1, 1, Size, 1);
        using var logits = -((x - cells.select(2, 0).unsqueeze(-1).unsqueeze(-1)).square() + (y - cells.select(2, 1).unsqueeze(-1).unsqueeze(-1)).square()) / 2;
        var (keypoints, confidence) = head.Decode(logits);
        Assert.True((keypoints - truth).abs().max().item<float>() < 0.1);
        Assert.True(confidence.min().item<float>() > 0.9); // σ = 1 cell: almost all mass within 2 cells
    }

    public static TheoryData<string> Heads() => ["heatmap", "heatmap-locref", "integral"];

    private static PoseHead MakeHead(string kind) => kind switch
    {
        "heatmap" => new HeatmapHead(8, 4, 2, locationRefinement: false),
        "heatmap-locref" => new HeatmapHead(8, 4, 2, locationRefinement: true),
        _ => new IntegralHead(8, 4, 2),
    };

    [Theory]
    [MemberData(nameof(Heads))]
    public void Loss_ignores_keypoints_with_zero_weight(string kind)
    {
        torch.manual_seed(5);
        using var head = MakeHead(kind);
        using var output = head.forward(randn(2, 8, Size, Size));
        using var truth = TrueKeypoints();
        using var weights = tensor(new float[] { 1, 0, 1, 1 }, [2, 2]);
        using var moved = truth.clone();
        moved[0, 1] = tensor(new float[] { 3, 60 });
        var a = head.Loss(output, truth, weights).item<float>();
        var b = head.Loss(output, moved, weights).item<float>();
        Assert.Equal(a, b);
        // …whereas a labelled keypoint's target does count.
        using var movedLabelled = truth.clone();
        movedLabelled[1, 0] = tensor(new float[] { 3, 60 });
        Assert.NotEqual(a, head.Loss(output, movedLabelled, weights).item<float>());
        Assert.Equal(0f, head.Loss(output, truth, zeros(2, 2)).item<float>());
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void A_few_adam_steps_on_a_fixed_batch_reduce_the_loss(string kind)
    {
        // The head alone on fixed stride-8 features (one deconvolution up to stride 4): the whole-model cost is the bench's job.
        torch.manual_seed(11);
        using var head = kind switch
        {
            "heatmap" => (PoseHead)new HeatmapHead(16, 8, 2, locationRefinement: false),
            "heatmap-locref" => new HeatmapHead(16, 8, 2, locationRefinement: true),
            _ => new IntegralHead(16, 8, 2),
        };
        head.train();
        using var features = randn(2, 16, Size / 2, Size / 2);
        using var truth = TrueKeypoints();
        using var weights = ones(2, 2);
        using var optimizer = optim.Adam(head.parameters(), lr: 1e-2);
        float first = 0, last = 0;
        for (var step = 0; step < 20; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = head.Loss(head.forward(features), truth, weights);
            loss.backward();
            optimizer.step();
            if (step == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(float.IsFinite(last));
        Assert.True(last < 0.7 * first, $"loss {first} -> {last}");
    }

    [Fact]
    public void Heatmap_logits_start_at_a_one_percent_prior_and_refinement_offsets_at_zero()
    {
        NewtPose.Runtime.TorchRuntime.EnsureLoaded();
        using var head = new NewtPose.Models.Heads.HeatmapHead(16, 32, 3, locationRefinement: true);
        using var features = TorchSharp.torch.randn(2, 16, 2, 2);
        using var output = head.forward(features);
        using var logits = output.narrow(1, 0, 3);
        using var offsets = output.narrow(1, 3, 6);
        Assert.InRange(logits.mean().item<float>(), -4.7f, -4.5f);
        Assert.InRange(offsets.abs().max().item<float>(), 0f, 0.1f);
    }

    [Fact]
    public void The_heatmap_loss_is_lowest_on_the_gaussians_of_the_sigma_the_head_was_built_with()
    {
        // Binary cross-entropy against a target is lowest where the predicted probabilities are that target, so a head
        // trained towards σ loses least on logits that are σ-Gaussians, and another σ's head prefers its own.
        using var truth = TrueKeypoints();
        using var weights = ones(2, 2);
        float Loss(double headSigma, double logitSigma)
        {
            using var head = new HeatmapHead(8, 4, 2, locationRefinement: false, sigma: headSigma);
            Assert.Equal(headSigma, head.Sigma);
            using var logits = ExactHeatmaps.Logits(truth, Size, logitSigma, peak: 0.999);
            return head.Loss(logits, truth, weights).item<float>();
        }
        foreach (var sigma in new[] { 1.0, 2.0, 3.5 })
        {
            var others = new[] { 1.0, 2.0, 3.5 }.Where(o => o != sigma).Select(o => (o, Loss(sigma, o))).ToArray();
            var own = Loss(sigma, sigma);
            Assert.All(others, o => Assert.True(own < o.Item2, $"head σ {sigma}: {own} on its own Gaussians, {o.Item2} on σ {o.o}"));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new HeatmapHead(8, 4, 2, locationRefinement: false, sigma: 0));
    }

    [Theory]
    [InlineData(2, 4)]
    [InlineData(4, 3)]
    [InlineData(8, 2)]
    public void The_heatmap_stride_sets_the_output_resolution_and_the_decoded_pixels(int stride, int deconvolutions)
    {
        // Fixed stride-32 features (a ResNet's): 64 px input, so 64 / stride cells a side.
        torch.manual_seed(3);
        using var head = new HeatmapHead(8, 32, 2, locationRefinement: true, stride: stride);
        Assert.Equal(stride, head.Stride);
        Assert.Equal(deconvolutions, head.named_children().Single(c => c.name == "deconv").module.named_children().Count());
        using var features = randn(1, 8, 2, 2);
        using var output = head.forward(features);
        Assert.Equal(new long[] { 1, 6, 64 / stride, 64 / stride }, output.shape);

        // A peak at cell (j, i) with zero offsets decodes to that cell's centre in input pixels: ((j + 0.5)·s, (i + 0.5)·s).
        var cells = 64 / stride;
        using var made = full(1, 6, cells, cells, -10f);
        made.narrow(1, 2, 4).zero_();
        made[0, 0, 1, cells - 2] = tensor(5f);
        made[0, 1, cells - 1, 0] = tensor(5f);
        var (points, _) = head.Decode(made);
        Assert.Equal((cells - 1.5f) * stride, points[0, 0, 0].item<float>(), 3);
        Assert.Equal(1.5f * stride, points[0, 0, 1].item<float>(), 3);
        Assert.Equal(0.5f * stride, points[0, 1, 0].item<float>(), 3);
        Assert.Equal((cells - 0.5f) * stride, points[0, 1, 1].item<float>(), 3);
    }

    [Fact]
    public void A_backbone_already_at_stride_4_cannot_give_heatmaps_at_stride_8_but_one_deconvolution_gives_stride_2()
    {
        var coarser = Assert.Throws<ArgumentException>(() => new HeatmapHead(8, 4, 2, locationRefinement: true, stride: 8));
        Assert.Contains("stride 4 cannot give heatmaps at stride 8", coarser.Message);
        using var finer = new HeatmapHead(8, 4, 2, locationRefinement: true, stride: 2);
        using var output = finer.forward(randn(1, 8, 4, 4));
        Assert.Equal(new long[] { 1, 6, 8, 8 }, output.shape);
    }
}
