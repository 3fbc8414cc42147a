using NewtPose.Models.Backbones;

namespace NewtPose.Models;

/// <summary>One registry entry: a backbone name, what it is, whether it starts from ImageNet weights, and its input normalisation.</summary>
/// <param name="Name">Registry name used in <see cref="PoseModelSpec.Backbone"/>.</param>
/// <param name="Description">A short description for listings.</param>
/// <param name="Pretrained">True when PoseModels.Create loads ImageNet weights.</param>
/// <param name="Mean">RGB mean in [0, 1] units the backbone expects.</param>
/// <param name="Std">RGB std in [0, 1] units the backbone expects.</param>
public sealed record BackboneInfo(string Name, string Description, bool Pretrained, float[] Mean, float[] Std);

/// <summary>The backbone table: names map to constructors here, nowhere else (no reflection).</summary>
internal static class BackboneCatalog
{
    // torchvision's ImageNet statistics: the usual choice for networks trained from scratch on photos.
    private static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];

    private sealed record Entry(BackboneInfo Info, Func<bool, Backbone> Create);

    private static readonly Entry[] Entries =
    [
        new(new("resnet18-imagenet", "ResNet18 variant [2,2,2,3], ImageNet weights (Microsoft.ML.DnnImageFeaturizer.ResNet18), stride 32, 512 ch", true,
                ImageNetResNet18.Mean, ImageNetResNet18.Std),
            pretrained => pretrained ? ImageNetResNet18.Create() : new ResNet("resnet18-imagenet", ImageNetResNet18.Blocks, bottleneck: false)),
        new(new("resnet18", "ResNet18 [2,2,2,2], random init, stride 32, 512 ch", false, ImageNetMean, ImageNetStd),
            _ => new ResNet("resnet18", [2, 2, 2, 2], bottleneck: false)),
        new(new("resnet34", "ResNet34 [3,4,6,3], random init, stride 32, 512 ch", false, ImageNetMean, ImageNetStd),
            _ => new ResNet("resnet34", [3, 4, 6, 3], bottleneck: false)),
        new(new("resnet50", "ResNet50 [3,4,6,3] bottlenecks, random init, stride 32, 2048 ch", false, ImageNetMean, ImageNetStd),
            _ => new ResNet("resnet50", [3, 4, 6, 3], bottleneck: true)),
        new(new("mobilenetv2", "MobileNetV2 1.0, random init, stride 32, 1280 ch", false, ImageNetMean, ImageNetStd),
            _ => new MobileNetV2("mobilenetv2")),
        new(new("hrnet-small", "small HRNet: 3 branches (32/64/128 ch) with repeated fusion, random init, stride 4, 32 ch", false, ImageNetMean, ImageNetStd),
            _ => new HrNetSmall("hrnet-small")),
    ];

    public static IReadOnlyList<BackboneInfo> All { get; } = Entries.Select(e => e.Info).ToArray();

    public static BackboneInfo Info(string name) => Find(name).Info;

    public static Backbone Create(string name, bool pretrained) => Find(name).Create(pretrained);

    private static Entry Find(string name) =>
        Entries.FirstOrDefault(e => e.Info.Name == name)
        ?? throw new ArgumentException($"Unknown backbone '{name}'. Known: {string.Join(", ", Entries.Select(e => e.Info.Name))}.", nameof(name));
}
