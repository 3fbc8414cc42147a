using NewtPose.Augmentation;

namespace NewtPose.Imaging;

/// <summary>
/// A photo decoded at a working resolution. <paramref name="FromSource"/> maps the full-resolution upright photo's
/// coordinates (the ones labels use) onto <paramref name="Image"/>'s pixels, so keypoints never lose their meaning.
/// </summary>
public sealed record ScaledImage(RgbImage Image, AffineTransform FromSource)
{
    /// <summary>A full-resolution image: the map is the identity.</summary>
    public static ScaledImage FullSize(RgbImage image) => new(image, AffineTransform.Identity);

    /// <summary>Image pixels per source pixel (geometric mean of the two axes).</summary>
    public double Scale => Math.Sqrt(Math.Abs(FromSource.A * FromSource.E - FromSource.B * FromSource.D));
}
