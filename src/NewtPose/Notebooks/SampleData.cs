using NewtPose.Data;
using NewtPose.Data.Formats.Coco;
using NewtPose.IO;
using SkiaSharp;

namespace NewtPose.Notebooks;

/// <summary>
/// Data for notebooks that must run anywhere: the bundled newt photos when the clone has them, otherwise a tiny
/// generated set (a drawn newt-like body with 7 keypoints) so a notebook's later cells always have something to show.
/// </summary>
public static class SampleData
{
    /// <summary>Where the bundled newt dataset's COCO file sits, relative to the repository root.</summary>
    public const string BundledNewts = "data-samples/newts/annotations.json";

    /// <summary>
    /// The environment variable a notebook's labels fall back to when its YOUR DATA line is left at null: how the tests
    /// (and a lab's own scripts) run the notebooks on other data without editing them.
    /// </summary>
    public const string DataVariable = "NEWTPOSE_DATA";

    private static readonly string[] Keypoints = ["snout", "neck", "left_front_foot", "right_front_foot", "mid_body", "vent", "tail_tip"];

    /// <summary>The skeleton of the generated set: head to tail, front feet to the neck, the feet as a left/right pair.</summary>
    public static Skeleton TinySkeleton { get; } = new(Keypoints,
        [new Edge(0, 1), new Edge(1, 4), new Edge(4, 5), new Edge(5, 6), new Edge(1, 2), new Edge(1, 3)],
        [new SwapPair(2, 3)]);

    /// <summary>
    /// The labels a notebook opens: <paramref name="dataPath"/> (the notebook's YOUR DATA line) when set, else the path
    /// in <see cref="DataVariable"/> when set, else the bundled newts under <paramref name="repositoryRoot"/>.
    /// </summary>
    public static string LabelsPath(string? dataPath, string repositoryRoot) =>
        LabelsPath(dataPath, repositoryRoot, Environment.GetEnvironmentVariable(DataVariable));

    internal static string LabelsPath(string? dataPath, string repositoryRoot, string? fromEnvironment) =>
        dataPath ?? (string.IsNullOrWhiteSpace(fromEnvironment) ? Path.Combine(repositoryRoot, BundledNewts) : fromEnvironment);

    /// <summary>
    /// Reads the bundled newts under <paramref name="repositoryRoot"/> if present, else writes (once) and reads the tiny
    /// generated set in <paramref name="fallbackFolder"/>.
    /// </summary>
    public static PoseDataset LoadNewtsOrTiny(string repositoryRoot, string fallbackFolder, int tinyImages = 8)
    {
        var bundled = Path.Combine(repositoryRoot, BundledNewts);
        if (File.Exists(bundled)) return CocoFormat.Read(bundled);
        var tiny = Path.Combine(fallbackFolder, "annotations.json");
        if (!File.Exists(tiny)) WriteTiny(fallbackFolder, tinyImages);
        return CocoFormat.Read(tiny);
    }

    /// <summary>Writes <paramref name="count"/> 320×240 PNG images and their COCO file (annotations.json) into <paramref name="folder"/>.</summary>
    public static string WriteTiny(string folder, int count = 8, int seed = 1)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "At least one image.");
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        var images = new List<LabeledImage>();
        for (var i = 0; i < count; i++)
        {
            var name = $"tiny_{i + 1:D3}.png";
            var points = DrawOne(Path.Combine(folder, name), random);
            images.Add(new LabeledImage(name, 320, 240, [new PoseInstance(points, individual: $"tiny-{i % 4 + 1}")]));
        }
        var path = Path.Combine(folder, "annotations.json");
        CocoFormat.Write(new PoseDataset(TinySkeleton, images, folder), path, "newt");
        return path;
    }

    private static Keypoint[] DrawOne(string path, Random random)
    {
        // A body along a random direction through a point near the centre; feet to each side of the neck.
        var angle = random.NextDouble() * Math.PI * 2;
        var (dx, dy) = (Math.Cos(angle), Math.Sin(angle));
        var (nx, ny) = (-dy, dx);
        var (cx, cy) = (160 + random.Next(-30, 31), 120 + random.Next(-20, 21));
        (double X, double Y) Along(double t, double side = 0) => (cx + dx * t + nx * side, cy + dy * t + ny * side);
        var spots = new[] { Along(-70), Along(-45), Along(-38, -22), Along(-38, 22), Along(0), Along(35), Along(85) };
        var points = spots.Select(p => new Keypoint(Math.Round(p.X, 2), Math.Round(p.Y, 2), Visibility.Visible)).ToArray();
        // One foot hidden now and then, so charts show occluded points too.
        if (random.NextDouble() < 0.3) points[3] = points[3] with { Visibility = Visibility.Occluded };

        using var bitmap = new SKBitmap(320, 240);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(40, 60, 45));
            using var body = new SKPaint { Color = new SKColor(230, 150, 40), IsAntialias = true, StrokeCap = SKStrokeCap.Round, StrokeWidth = 18 };
            using var limb = new SKPaint { Color = new SKColor(200, 120, 30), IsAntialias = true, StrokeCap = SKStrokeCap.Round, StrokeWidth = 6 };
            canvas.DrawLine((float)spots[0].X, (float)spots[0].Y, (float)spots[5].X, (float)spots[5].Y, body);
            canvas.DrawLine((float)spots[5].X, (float)spots[5].Y, (float)spots[6].X, (float)spots[6].Y, limb);
            canvas.DrawLine((float)spots[1].X, (float)spots[1].Y, (float)spots[2].X, (float)spots[2].Y, limb);
            canvas.DrawLine((float)spots[1].X, (float)spots[1].Y, (float)spots[3].X, (float)spots[3].Y, limb);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteAllBytes(path, png.ToArray());
        return points;
    }
}
