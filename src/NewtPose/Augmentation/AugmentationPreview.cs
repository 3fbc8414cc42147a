using NewtPose.Charts;
using NewtPose.Data;
using NewtPose.Imaging;
using NewtPose.Drawing;

namespace NewtPose.Augmentation;

/// <summary>Augmented samples of one photo with their keypoints and skeleton drawn: what the network will see (notebook 03).</summary>
public static class AugmentationPreview
{
    // Samples are small (~256 px): larger dots than the photo-sized default keep them readable.
    private static readonly OverlayStyle PreviewStyle = new(PointRadius: 0.014f, LineWidth: 0.005f);

    /// <summary>
    /// <paramref name="count"/> samples of <paramref name="instance"/>, each <paramref name="size"/>² pixels, drawn with
    /// seeds <paramref name="seed"/>, <paramref name="seed"/> + 1, … (sample i is reproducible on its own). Points that
    /// left the frame are not drawn; keypoints are coloured by side (KeypointOverlay: the animal's left blue, its right red, midline
    /// green), so a flip that failed to swap names shows as a colour on the wrong side.
    /// </summary>
    public static IReadOnlyList<RgbImage> Render(RgbImage image, PoseInstance instance, Skeleton skeleton,
        AugmentationOptions options, int count, int seed, int size = 256)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "At least one sample is needed.");
        var sampler = new PoseSampler(skeleton, size, size, options);
        var images = new RgbImage[count];
        for (var i = 0; i < count; i++)
        {
            var sample = sampler.Sample(image, instance, new Random(seed + i), augment: true);
            images[i] = KeypointOverlay.Draw(ToImage(sample), new PoseInstance(sample.Keypoints), skeleton, PreviewStyle);
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
        // The keypoints are drawn into the samples (coloured by side), so the panels carry no labels of their own.
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
}
