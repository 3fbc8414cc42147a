using NewtPose.Models;
using TorchSharp;
using static TorchSharp.torch;
using NewtPose.Tests.Data;

namespace NewtPose.Tests.Models;

public sealed class PoseModelsTests : IDisposable
{
    private static readonly string[] ThreeKeypoints = ["snout", "left_eye", "right_eye"];
    private readonly TempFolder temp = new();
    private string folder => temp.Path;

    public void Dispose() => temp.Dispose();

    public static TheoryData<string> Backbones() => [.. PoseModels.Names.Select(b => b.Name)];

    [Theory]
    [MemberData(nameof(Backbones))]
    public void Every_backbone_builds_and_gives_stride_4_heatmaps(string backbone)
    {
        torch.manual_seed(1);
        using var model = PoseModels.Create(PoseModels.Spec(backbone, ThreeKeypoints, 64, 96), pretrained: false);
        model.eval();
        using var _ = no_grad();
        using var input = rand(2, 3, 96, 64);
        using var output = model.forward(input);
        Assert.Equal(new long[] { 2, 9, 24, 16 }, output.shape); // heatmaps + 2K offsets
        using var heatmaps = model.Heatmaps(output);
        Assert.Equal(new long[] { 2, 3, 24, 16 }, heatmaps.shape);
        var (keypoints, confidence) = model.Decode(output);
        using (keypoints)
        using (confidence)
        {
            Assert.Equal(new long[] { 2, 3, 2 }, keypoints.shape);
            Assert.Equal(new long[] { 2, 3 }, confidence.shape);
            Assert.True(confidence.min().item<float>() >= 0 && confidence.max().item<float>() <= 1);
        }
    }

    [Fact]
    public void Integral_head_gives_k_heatmaps_and_hrnet_needs_no_deconvolution()
    {
        var spec = PoseModels.Spec("hrnet-small", ThreeKeypoints, 64, 64, head: "integral");
        using var model = PoseModels.Create(spec);
        model.eval();
        using var _ = no_grad();
        using var output = model.forward(rand(2, 3, 64, 64));
        Assert.Equal(new long[] { 2, 3, 16, 16 }, output.shape);
        Assert.DoesNotContain(model.named_parameters(), p => p.name.Contains("deconv", StringComparison.Ordinal));
        using var resnet = PoseModels.Create(PoseModels.Spec("resnet18", ThreeKeypoints, 64, 64), pretrained: false);
        Assert.Equal(3, resnet.named_parameters().Count(p => p.name.StartsWith("head.deconv.", StringComparison.Ordinal) && p.name.EndsWith(".0.weight", StringComparison.Ordinal)));
    }

    [Fact]
    public void Parameters_split_into_backbone_and_head_and_freezing_keeps_the_head_training()
    {
        using var model = PoseModels.Create(PoseModels.Spec("resnet18", ThreeKeypoints, 64, 64), pretrained: false);
        var all = model.parameters().Count();
        Assert.Equal(all, model.BackboneParameters().Count() + model.HeadParameters().Count());
        model.train();
        model.FreezeBackboneNormalization();
        var norms = model.named_modules().Where(m => m.module is TorchSharp.Modules.BatchNorm2d).ToList();
        Assert.All(norms.Where(m => m.name.StartsWith("backbone.", StringComparison.Ordinal)), m => Assert.False(m.module.training));
        Assert.All(norms.Where(m => m.name.StartsWith("head.", StringComparison.Ordinal)), m => Assert.True(m.module.training));
        Assert.Contains(norms, m => m.name.StartsWith("head.", StringComparison.Ordinal));
    }

    [Fact]
    public void Save_then_load_gives_identical_outputs_and_the_same_spec()
    {
        torch.manual_seed(3);
        var spec = PoseModels.Spec("hrnet-small", ThreeKeypoints, 64, 64, swapPairs: [[1, 2]]) with { LocationRefinement = false };
        using var model = PoseModels.Create(spec);
        using var input = rand(2, 3, 64, 64);
        model.train();
        using (no_grad()) model.forward(input).Dispose(); // moves the BatchNorm running statistics away from their defaults
        model.eval();
        using var expected = model.forward(input).detach();

        PoseModels.Save(model, folder);
        Assert.True(File.Exists(Path.Combine(folder, "model.json")));
        Assert.Contains("\"input_width\": 64", File.ReadAllText(Path.Combine(folder, "model.json")));
        using var loaded = PoseModels.Load(folder);
        loaded.eval();
        using var actual = loaded.forward(input).detach();
        Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
        Assert.Equal(spec.Keypoints, loaded.Spec.Keypoints);
        Assert.Equal(spec.Mean, loaded.Spec.Mean);
        Assert.Equal(spec.Std, loaded.Spec.Std);
        Assert.False(loaded.Spec.LocationRefinement);
        Assert.Equal([1, 2], Assert.Single(loaded.Spec.SwapPairs));
        Assert.Equal(spec with { Keypoints = loaded.Spec.Keypoints, SwapPairs = loaded.Spec.SwapPairs, Mean = loaded.Spec.Mean, Std = loaded.Spec.Std }, loaded.Spec);
    }

    [Fact]
    public void A_model_at_another_heatmap_stride_and_sigma_saves_and_loads_them_and_outputs_that_resolution()
    {
        torch.manual_seed(4);
        var spec = PoseModels.Spec("resnet18", ThreeKeypoints, 64, 96) with { HeatmapStride = 2, HeatmapSigma = 3 };
        using var model = PoseModels.Create(spec, pretrained: false);
        model.eval();
        using var input = rand(1, 3, 96, 64);
        using (var output = model.forward(input)) Assert.Equal(new long[] { 1, 9, 48, 32 }, output.shape);
        PoseModels.Save(model, folder);
        var json = File.ReadAllText(Path.Combine(folder, "model.json"));
        Assert.Contains("\"heatmap_stride\": 2", json);
        Assert.Contains("\"heatmap_sigma\": 3", json);
        using var loaded = PoseModels.Load(folder);
        Assert.Equal(2, loaded.Spec.HeatmapStride);
        Assert.Equal(3, loaded.Spec.HeatmapSigma);

        // A model card written before the two fields existed reads as stride 4, σ 2 (what every earlier model had).
        var card = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        Assert.True(card.Remove("heatmap_stride") && card.Remove("heatmap_sigma"));
        File.WriteAllText(Path.Combine(folder, "model.json"), card.ToJsonString());
        var older = PoseModels.ReadSpec(Path.Combine(folder, "model.json"));
        Assert.Equal((4, PoseModelSpec.DefaultHeatmapSigma), (older.HeatmapStride, older.HeatmapSigma));
    }

    [Fact]
    public void Heatmap_strides_and_sigmas_outside_what_the_heads_build_are_refused()
    {
        var spec = PoseModels.Spec("resnet18", ThreeKeypoints);
        Assert.Contains("stride 3 is not supported", Assert.Throws<ArgumentException>(() => (spec with { HeatmapStride = 3 }).Validate()).Message);
        Assert.Contains("stride 16 is not supported", Assert.Throws<ArgumentException>(() => (spec with { HeatmapStride = 16 }).Validate()).Message);
        Assert.Contains("sigma 0.2 must be in", Assert.Throws<ArgumentException>(() => (spec with { HeatmapSigma = 0.2 }).Validate()).Message);
        Assert.Contains("only the heatmap head", Assert.Throws<ArgumentException>(() => (spec with { Head = "integral", HeatmapSigma = 3 }).Validate()).Message);
        (spec with { HeatmapStride = 8, HeatmapSigma = 1 }).Validate();
    }

    [Fact]
    public void Loading_weights_of_another_architecture_names_both_files()
    {
        using (var model = PoseModels.Create(PoseModels.Spec("hrnet-small", ThreeKeypoints, 64, 64)))
            PoseModels.Save(model, folder);
        var json = Path.Combine(folder, "model.json");
        File.WriteAllText(json, File.ReadAllText(json).Replace("hrnet-small", "resnet18", StringComparison.Ordinal));
        var e = Assert.Throws<InvalidDataException>(() => PoseModels.Load(folder));
        Assert.Contains("model.weights", e.Message);
        Assert.Contains("model.json", e.Message);
    }

    [Fact]
    public void Bad_specs_are_rejected_with_the_reason()
    {
        Assert.Contains("Known: resnet18-imagenet", Assert.Throws<ArgumentException>(() => PoseModels.Spec("vgg16", ThreeKeypoints)).Message);
        Assert.Contains("multiples of 32", Assert.Throws<ArgumentException>(() => PoseModels.Spec("resnet18", ThreeKeypoints, 100, 64)).Message);
        Assert.Contains("Swap pair", Assert.Throws<ArgumentException>(() => PoseModels.Spec("resnet18", ThreeKeypoints, swapPairs: [[1, 3]])).Message);
        Assert.Contains("head", Assert.Throws<ArgumentException>(() => PoseModels.Spec("resnet18", ThreeKeypoints, head: "dense")).Message);
        File.WriteAllText(Path.Combine(folder, "model.json"), "{ \"backbone\": ");
        File.WriteAllText(Path.Combine(folder, "model.weights"), "");
        Assert.Contains("model.json", Assert.Throws<InvalidDataException>(() => PoseModels.Load(folder)).Message);
    }

    [Fact]
    public void Registry_lists_one_pretrained_backbone()
    {
        var pretrained = Assert.Single(PoseModels.Names, b => b.Pretrained);
        Assert.Equal("resnet18-imagenet", pretrained.Name);
        Assert.Equal(123.15f / 255f, pretrained.Mean[0]);
        Assert.All(PoseModels.Names, b => Assert.False(string.IsNullOrWhiteSpace(b.Description)));
    }
}
