using NewtPose.Data;
using SkiaSharp;

namespace NewtPose.Tests.Data;

/// <summary>Temporary folders, tiny PNGs and a small synthetic dataset for the data-layer tests.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "newtpose-test-" + Guid.NewGuid().ToString("N")));

    public string Path { get; }

    public string File(string relative, string? text = null)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        if (text is not null) System.IO.File.WriteAllText(full, text);
        return full;
    }

    public string Png(string relative, int width, int height)
    {
        var full = File(relative);
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(new SKColor(90, 120, 60));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        System.IO.File.WriteAllBytes(full, data.ToArray());
        return full;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

internal static class TestData
{
    public static readonly string[] Names = ["left_eye", "right_eye", "snout", "left_hand", "right_hand", "vent"];

    /// <summary>
    /// Images in subfolders with non-round coordinates, every visibility, an image with two animals, an unlabelled image;
    /// PNGs of the stated sizes are written under <paramref name="root"/>.
    /// </summary>
    public static PoseDataset Newts(TempFolder folder, string root = "src")
    {
        var random = new Random(7);
        var images = new List<LabeledImage>();
        for (var i = 0; i < 6; i++)
        {
            var (w, h) = (120 + 10 * i, 90 + 7 * i);
            var path = $"photos/day{i % 2}/newt{i}.png";
            folder.Png($"{root}/{path}", w, h);
            var instances = new List<PoseInstance>();
            for (var a = 0; a < (i == 3 ? 2 : i == 5 ? 0 : 1); a++)
            {
                var kps = Names.Select((_, k) =>
                {
                    var v = (Visibility)((i + k + a) % 3);
                    return v == Visibility.NotLabeled ? Keypoint.Missing : new Keypoint(random.NextDouble() * w, random.NextDouble() * h, v);
                }).ToArray();
                instances.Add(new PoseInstance(kps, individual: $"N{i % 3}"));
            }
            images.Add(new LabeledImage(path, w, h, instances));
        }
        var skeleton = new Skeleton(Names, [new Edge(0, 2), new Edge(1, 2), new Edge(2, 5)], [new SwapPair(0, 1), new SwapPair(3, 4)]);
        return new PoseDataset(skeleton, images, System.IO.Path.Combine(folder.Path, root));
    }

    /// <summary>Asserts every labelled point is within 1e-3 px and keeps its visibility (or becomes v=2 where the format has none).</summary>
    public static void AssertSameLabels(PoseDataset expected, PoseDataset actual, bool keepsOccluded)
    {
        Assert.Equal(expected.Skeleton.Keypoints, actual.Skeleton.Keypoints);
        Assert.Equal(expected.Images.Count, actual.Images.Count);
        for (var i = 0; i < expected.Images.Count; i++)
        {
            var (e, a) = (expected.Images[i], actual.Images[i]);
            Assert.Equal((e.Width, e.Height), (a.Width, a.Height));
            var labeled = e.Instances.Where(x => x.LabeledCount > 0).ToArray();
            Assert.Equal(labeled.Length, a.Instances.Count);
            for (var n = 0; n < labeled.Length; n++)
                for (var k = 0; k < expected.Skeleton.Count; k++)
                {
                    var (p, q) = (labeled[n].Keypoints[k], a.Instances[n].Keypoints[k]);
                    Assert.Equal(p.IsLabeled, q.IsLabeled);
                    if (!p.IsLabeled) continue;
                    Assert.True(Math.Abs(p.X - q.X) <= 1e-3 && Math.Abs(p.Y - q.Y) <= 1e-3, $"image {i} instance {n} keypoint {k}: ({p.X}, {p.Y}) became ({q.X}, {q.Y})");
                    Assert.Equal(keepsOccluded ? p.Visibility : Visibility.Visible, q.Visibility);
                }
        }
    }
}
