using NewtPose.Data;
using NewtPose.Imaging;

namespace NewtPose.Tests.Training;

/// <summary>
/// TEST-ONLY data: 48×48 grey photos with a red blob at keypoint "red" and a blue blob at keypoint "blue", held in memory
/// (keyed by full path). Trivially learnable by a colour detector.
/// </summary>
internal sealed class ToyPoseData
{
    public const int Size = 48;
    private readonly Dictionary<string, RgbImage> images = new();

    public ToyPoseData(int count, int seed = 1)
    {
        var random = new Random(seed);
        var entries = new List<LabeledImage>();
        for (var i = 0; i < count; i++)
        {
            var red = new Keypoint(10 + random.NextDouble() * 28, 10 + random.NextDouble() * 28, Visibility.Visible);
            var blue = new Keypoint(10 + random.NextDouble() * 28, 10 + random.NextDouble() * 28, Visibility.Visible);
            var path = $"img{i:D3}.png";
            entries.Add(new LabeledImage(path, Size, Size, [new PoseInstance([red, blue])]));
            images[System.IO.Path.GetFullPath(System.IO.Path.Combine(Root, path))] = Draw(red, blue);
        }
        Dataset = new PoseDataset(new Skeleton(["red", "blue"]), entries, Root);
    }

    public static string Root => System.IO.Path.GetFullPath("/toy-pose-data");

    public PoseDataset Dataset { get; }

    public IReadOnlyList<string> Paths(int from, int count) => Dataset.Images.Skip(from).Take(count).Select(i => i.Path).ToArray();

    /// <summary>A sampler reading these in-memory photos.</summary>
    public TestOnlyCropSampler Sampler(int size) => new(size, Dataset, image => Load(Dataset.FullPath(image)));

    public RgbImage Load(string path) => images.TryGetValue(path, out var image) ? image : throw new FileNotFoundException($"{path}: not a toy image.", path);

    private static RgbImage Draw(Keypoint red, Keypoint blue)
    {
        var pixels = new byte[Size * Size * 3];
        Array.Fill(pixels, (byte)128);
        Blob(pixels, red, (230, 20, 20));
        Blob(pixels, blue, (20, 20, 230));
        return new RgbImage(Size, Size, pixels);
    }

    private static void Blob(byte[] pixels, Keypoint at, (byte R, byte G, byte B) colour)
    {
        for (var y = 0; y < Size; y++)
        for (var x = 0; x < Size; x++)
        {
            if ((x - at.X) * (x - at.X) + (y - at.Y) * (y - at.Y) > 2.5 * 2.5) continue;
            var i = (y * Size + x) * 3;
            (pixels[i], pixels[i + 1], pixels[i + 2]) = colour;
        }
    }
}

/// <summary>TEST-ONLY: writes the toy photos as PNG files so the default disk source (ImageLoader) is exercised.</summary>
internal static class ToyPoseFiles
{
    public static NewtPose.Data.PoseDataset WritePngs(ToyPoseData toy, string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var image in toy.Dataset.Images)
        {
            var rgb = toy.Load(toy.Dataset.FullPath(image));
            using var bitmap = new SkiaSharp.SKBitmap(rgb.Width, rgb.Height, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Unpremul);
            for (var y = 0; y < rgb.Height; y++)
            for (var x = 0; x < rgb.Width; x++)
            {
                var i = (y * rgb.Width + x) * 3;
                bitmap.SetPixel(x, y, new SkiaSharp.SKColor(rgb.Pixels[i], rgb.Pixels[i + 1], rgb.Pixels[i + 2]));
            }
            using var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(folder, image.Path), data.ToArray());
        }
        return toy.Dataset with { Root = folder };
    }
}
