using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Imaging;
using NewtPose.Inference;
using NewtPose.Tests.Imaging;
using SkiaSharp;

namespace NewtPose.Tests.Inference;

/// <summary>TEST-ONLY: photos of a dot "animal" for <see cref="TestOnlyDotBackend"/>, and engines over it.</summary>
internal static class EnginePhotos
{
    /// <summary>The dots of an animal centred on (x, y), spanning about 4·<paramref name="size"/> × 6·<paramref name="size"/> pixels.</summary>
    public static (double X, double Y)[] Animal(double x, double y, double size) =>
        [(x, y - 2 * size), (x + 1.5 * size, y - size), (x - 1.5 * size, y - size), (x, y + 3 * size)];

    public static RgbImage Draw(int width, int height, (double X, double Y)[] points, float radius) =>
        TestImages.Dots(width, height, points, TestOnlyDotBackend.Colours, radius);

    public static string WritePng(string folder, string name, RgbImage image)
    {
        var path = Path.Combine(folder, name);
        using var bitmap = ImageLoader.ToBitmap(image);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    /// <summary>
    /// The card of a dot model "trained" with the default augmentation (flips on). It does not say how far training
    /// rotated (so quarter turns run only when asked): the dots' stand-in network tells the eyes apart by where they lie
    /// left or right of the snout, which a turn changes, where a trained network tells them apart by the body.
    /// </summary>
    public static ModelCard Card(int size = 64, PixelConvention convention = PixelConvention.Continuous, AugmentationOptions? augmentation = null)
    {
        var spec = TestOnlyDotBackend.SpecFor(size);
        var skeleton = new Skeleton(TestOnlyDotBackend.Names, [new Edge(0, 1), new Edge(0, 2), new Edge(0, 3)], [new SwapPair(1, 2)]);
        return ModelCard.Describe(spec, skeleton, augmentation ?? AugmentationOptions.Default) with { PixelConvention = convention, TrainedRotationDegrees = null };
    }

    /// <summary>
    /// An untrained network of the dot spec (weights drawn from <paramref name="seed"/>) saved as a run folder with the dot
    /// card: what the command tests open by path, where the points need not be right, only the same each time.
    /// </summary>
    public static string SaveUntrainedModel(string folder, int seed = 1, int size = 64, AugmentationOptions? augmentation = null)
    {
        TorchSharp.torch.manual_seed(seed);
        using var model = NewtPose.Models.PoseModels.Create(TestOnlyDotBackend.SpecFor(size), pretrained: false);
        NewtPose.Models.PoseModels.Save(model, folder, card: Card(size, augmentation: augmentation));
        return folder;
    }

    public static PoseEngine Engine(EngineOptions? options = null, int size = 64, PixelConvention convention = PixelConvention.Continuous) =>
        new(new TestOnlyDotBackend(TestOnlyDotBackend.SpecFor(size), legacy: convention == PixelConvention.LegacyCellCentres), Card(size, convention), options);

    /// <summary>The largest distance between predicted and true points, in photo pixels.</summary>
    public static double WorstError(IReadOnlyList<NewtPose.Evaluation.PredictedKeypoint> predicted, (double X, double Y)[] truth) =>
        predicted.Zip(truth, (p, t) => Math.Sqrt((p.X - t.X) * (p.X - t.X) + (p.Y - t.Y) * (p.Y - t.Y))).Max();
}
