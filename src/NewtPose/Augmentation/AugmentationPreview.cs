using NewtPose.Charts;
using NewtPose.Data;
using NewtPose.Imaging;
using SkiaSharp;

namespace NewtPose.Augmentation;

/// <summary>Augmented samples of one photo with their keypoints and skeleton drawn: what the network will see (notebook 03).</summary>
public static class AugmentationPreview
{
    /// <summary>
    /// <paramref name="count"/> samples of <paramref name="instance"/>, each <paramref name="size"/>² pixels, drawn with
    /// seeds <paramref name="seed"/>, <paramref name="seed"/> + 1, … (sample i is reproducible on its own). Points that
    /// left the frame are not drawn; left-side keypoints (the Left of a swap pair) get a white ring so flips can be checked.
    /// </summary>
    public static IReadOnlyList<RgbImage> Render(RgbImage image, PoseInstance instance, Skeleton skeleton,
        AugmentationOptions options, int count, int seed, int size = 256)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "At least one sample is needed.");
        var sampler = new PoseSampler(skeleton, size, size, options);
        var left = skeleton.SwapPairs.Select(p => p.Left).ToHashSet();
        var images = new RgbImage[count];
        for (var i = 0; i < count; i++)
        {
            var sample = sampler.Sample(image, instance, new Random(seed + i), augment: true);
            images[i] = Draw(sample, skeleton, left);
        }
        return images;
    }

    /// <summary>
    /// The samples of <see cref="Render"/> as one image grid chart (a notebook cell's output): each panel titled with its
    /// seed, so a sample worth a closer look can be rendered again on its own.
    /// </summary>
    public static PlotlyFigure Grid(RgbImage image, PoseInstance instance, Skeleton skeleton, AugmentationOptions options,
        string title, int count = 8, int seed = 1, int size = 256, int columns = 4)
    {
        var samples = Render(image, instance, skeleton, options, count, seed, size);
        // The keypoints are drawn into the samples (left ones ringed), so the panels carry no labels of their own.
        var panels = samples.Select((s, i) => new ImagePanel(s, [], $"seed {seed + i}")).ToArray();
        return Chart.ImageGrid(panels, skeleton, new ImageGridOptions(Columns: columns, MaxSide: size, Title: title));
    }

    /// <summary>The sample's pixels as an 8-bit RGB image.</summary>
    public static RgbImage ToImage(PoseSample sample)
    {
        var plane = sample.Width * sample.Height;
        var rgb = new byte[plane * 3];
        for (var i = 0; i < plane; i++)
        for (var c = 0; c < 3; c++)
            rgb[i * 3 + c] = (byte)Math.Clamp((int)MathF.Round(sample.Chw[c * plane + i] * 255), 0, 255);
        return new RgbImage(sample.Width, sample.Height, rgb);
    }

    // Minimal drawing, kept private: the shared KeypointOverlay (synth branch) should replace it when merged.
    private static RgbImage Draw(PoseSample sample, Skeleton skeleton, HashSet<int> left)
    {
        using var bitmap = ImageLoader.ToBitmap(ToImage(sample));
        using (var canvas = new SKCanvas(bitmap))
        {
            var k = sample.Keypoints;
            var radius = Math.Max(2f, sample.Width / 80f);
            using var line = new SKPaint { Color = new SKColor(255, 255, 255, 160), StrokeWidth = radius / 2, IsAntialias = true, Style = SKPaintStyle.Stroke };
            foreach (var e in skeleton.Edges)
                if (k[e.From].IsLabeled && k[e.To].IsLabeled)
                    canvas.DrawLine((float)k[e.From].X, (float)k[e.From].Y, (float)k[e.To].X, (float)k[e.To].Y, line);
            using var dot = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
            using var ring = new SKPaint { Color = SKColors.White, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = radius / 2 };
            for (var i = 0; i < k.Length; i++)
            {
                if (!k[i].IsLabeled) continue;
                dot.Color = SKColor.FromHsv(360f * i / k.Length, 90, 100);
                canvas.DrawCircle((float)k[i].X, (float)k[i].Y, radius, dot);
                if (left.Contains(i)) canvas.DrawCircle((float)k[i].X, (float)k[i].Y, radius * 1.6f, ring);
            }
        }
        return ImageLoader.ToRgb(bitmap);
    }
}
