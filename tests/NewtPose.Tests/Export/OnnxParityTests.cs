using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using NewtPose.Export;
using NewtPose.Inference;
using NewtPose.Models;
using Xunit.Abstractions;
using static NewtPose.Tests.Export.ExportFixtures;

namespace NewtPose.Tests.Export;

/// <summary>ONNX Runtime on the exported graph gives TorchSharp's raw output within 1e-4 for every registered backbone × head.</summary>
public sealed class OnnxParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string, string, bool> Models()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var backbone in PoseModels.Names.Select(b => b.Name))
        {
            data.Add(backbone, "heatmap", true);
            data.Add(backbone, "heatmap", false);
            data.Add(backbone, "integral", false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Exported_graph_matches_torchsharp_at_batch_1_and_4_on_a_photo_crop_and_random_inputs(string backbone, string head, bool locationRefinement)
    {
        // 64 wide × 96 high: a transposed height and width would change the output shape.
        using var model = RandomModel(backbone, head, locationRefinement);
        // The graph as written, without ONNX Runtime's rewrites (and their start-up seconds per model); every export
        // verifies itself at full optimisation, and so do the tests of files written to disk.
        using var onnx = InMemory(model, optimization: GraphOptimizationLevel.ORT_DISABLE_ALL);
        var photo = PhotoCrop(model.Spec);
        var batch4 = photo.Concat(RandomPixels(model.Spec, 3, seed: 2)).ToArray();
        foreach (var (pixels, batch) in new[] { (photo, 1), (batch4, 4) })
        {
            var expected = Torch(model, pixels, batch);
            var actual = onnx.Run(pixels, batch);
            var channels = head == "heatmap" && locationRefinement ? 3 * Keypoints.Length : Keypoints.Length;
            Assert.Equal((batch, channels, 24, 16), (actual.Batch, actual.Channels, actual.Height, actual.Width));
            var difference = MaxAbsDifference(expected, actual.Values);
            output.WriteLine($"{backbone} {head} locref={locationRefinement} batch {batch}: max |Δ| {difference:E2}, output spread {Spread(expected):F3}, max |value| {expected.Max(Math.Abs):F2}");
            Assert.True(Spread(expected) > 0.05, "the output is nearly constant: the check would prove little");
            Assert.True(difference <= Tolerance, $"max |Δ| {difference:E2} > {Tolerance:E0}");
        }
    }

    [Fact]
    public void Pretrained_resnet18_imagenet_matches_torchsharp_on_a_photo_crop()
    {
        var spec = PoseModels.Spec("resnet18-imagenet", Keypoints, 96, 96, "heatmap", SwapPairs);
        using var model = PoseModels.Create(spec, pretrained: true);
        Randomize(model, seed: 3, headOnly: true); // the ImageNet trunk keeps its weights; the head gets sizeable ones
        model.eval();
        using var onnx = InMemory(model);
        var pixels = PhotoCrop(spec, photo: 2).Concat(PhotoCrop(spec, photo: 3)).ToArray();
        var expected = Torch(model, pixels, 2);
        var difference = MaxAbsDifference(expected, onnx.Run(pixels, 2).Values);
        output.WriteLine($"resnet18-imagenet (pretrained) 96²: max |Δ| {difference:E2}, output spread {Spread(expected):F3}");
        Assert.True(Spread(expected) > 0.05);
        Assert.True(difference <= Tolerance, $"max |Δ| {difference:E2}");
    }

    [Theory]
    [InlineData(OnnxExportOptions.MinOpset)]
    [InlineData(OnnxExportOptions.MaxOpset)]
    public void Lowest_and_highest_opsets_give_the_same_output(int opset)
    {
        using var model = RandomModel("hrnet-small", "heatmap", true, 64, 64);
        using var onnx = InMemory(model, opset);
        var pixels = RandomPixels(model.Spec, 2, seed: 5);
        var difference = MaxAbsDifference(Torch(model, pixels, 2), onnx.Run(pixels, 2).Values);
        Assert.True(difference <= Tolerance, $"opset {opset}: max |Δ| {difference:E2}");
    }

    private static OnnxBackend InMemory(PoseModel model, int opset = 17, GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL) =>
        OnnxBackend.FromBytes(OnnxExport.Build(model, opset, ModelCard.Describe(model.Spec), ModelCard.Describe(model.Spec).ToJson(), null).ToByteArray(), "test graph",
            new OnnxBackendOptions(IntraOpThreads: 1, Optimization: optimization));
}
