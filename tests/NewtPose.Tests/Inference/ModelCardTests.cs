using System.Text.Json;
using System.Text.Json.Nodes;
using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Inference;
using NewtPose.Models;
using NewtPose.Tests.Data;

namespace NewtPose.Tests.Inference;

public sealed class ModelCardTests : IDisposable
{
    private readonly TempFolder temp = new();
    private string folder => temp.Path;

    public void Dispose() => temp.Dispose();

    private static readonly Skeleton Skeleton = new(["snout", "left_eye", "right_eye"], [new Edge(0, 1), new Edge(0, 2)], [new SwapPair(1, 2)]);

    [Fact]
    public void A_saved_model_describes_how_it_saw_photos_and_loads_back()
    {
        var spec = PoseModels.Spec("resnet18", Skeleton.Keypoints, 64, 64, swapPairs: [[1, 2]]);
        using var model = PoseModels.Create(spec, pretrained: false);
        var augmentation = AugmentationOptions.Default with { Crop = new CropPolicy { Margin = 0.2, MinCropFraction = 0.1, Square = false }, WholePhotoProbability = 0.25 };
        var card = ModelCard.Describe(spec, Skeleton, augmentation, oksSigmas: [0.03, 0.05, 0.05]);

        PoseModels.Save(model, folder, card: card);
        var loaded = PoseModels.LoadCard(folder);

        Assert.Equal(card.Crop, loaded.Crop);
        Assert.Equal(card.Locator, loaded.Locator);
        Assert.Equal(0.25, loaded.Locator.WholePhotoProbability);
        Assert.Equal(DecodingRule.HeatmapArgmaxRefined, loaded.Decoding);
        Assert.Equal(PixelConvention.Continuous, loaded.PixelConvention);
        Assert.True(loaded.TrainedWithFlips);
        Assert.Equal([[0, 1], [0, 2]], loaded.SkeletonEdges);
        Assert.Equal([0.03, 0.05, 0.05], loaded.OksSigmas);
        Assert.Equal("dataset", loaded.OksSigmaSource);
        Assert.Equal(Skeleton.Keypoints, loaded.Keypoints);
        Assert.Equal(spec.Mean, loaded.Spec.Mean);
        Assert.Equal(Skeleton.SwapPairs, loaded.Skeleton().SwapPairs);
        // The spec readers of before still read the file (the card's fields sit beside the spec's).
        Assert.Equal(spec.Keypoints, PoseModels.ReadSpec(Path.Combine(folder, "model.json")).Keypoints);
        using var network = PoseModels.Load(folder);
    }

    [Fact]
    public void A_model_json_from_before_the_card_loads_with_the_stated_defaults()
    {
        var spec = PoseModels.Spec("resnet18", Skeleton.Keypoints, 64, 64, swapPairs: [[1, 2]]);
        // What PoseModels.Save wrote before the model card: the spec alone.
        File.WriteAllText(Path.Combine(folder, "model.json"), JsonSerializer.Serialize(spec, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));

        var card = PoseModels.LoadCard(folder);

        Assert.Equal(CropPolicy.Default, card.Crop);
        Assert.Equal(PixelConvention.LegacyCellCentres, card.PixelConvention);
        Assert.Equal(DecodingRule.HeatmapArgmaxRefined, card.Decoding);
        Assert.Null(card.TrainedWithFlips);
        Assert.Equal(0, card.Locator.WholePhotoProbability);
        Assert.Equal(Enumerable.Repeat(ModelCard.DefaultOksSigma, 3), card.OksSigmas);
        Assert.Equal("default", card.OksSigmaSource);
        Assert.Empty(card.SkeletonEdges);
    }

    [Fact]
    public void A_card_that_does_not_fit_its_spec_is_refused_naming_the_file()
    {
        var spec = PoseModels.Spec("resnet18", Skeleton.Keypoints, 64, 64);
        var node = JsonNode.Parse(ModelCard.Describe(spec).ToJson())!.AsObject();
        node["oks_sigmas"] = new JsonArray(0.1, 0.1);
        var path = Path.Combine(folder, "model.json");
        File.WriteAllText(path, node.ToJsonString());

        var e = Assert.Throws<InvalidDataException>(() => PoseModels.LoadCard(folder));
        Assert.Contains(path, e.Message);
        Assert.Contains("oks_sigmas has 2 values", e.Message);
    }

    [Fact]
    public void Flips_are_recorded_from_the_augmentation()
    {
        var spec = PoseModels.Spec("resnet18", Skeleton.Keypoints, 64, 64);
        Assert.True(ModelCard.Describe(spec, Skeleton, AugmentationOptions.Default).TrainedWithFlips);
        Assert.False(ModelCard.Describe(spec, Skeleton, AugmentationOptions.Rig).TrainedWithFlips);
        Assert.Null(ModelCard.Describe(spec).TrainedWithFlips);
    }
}
