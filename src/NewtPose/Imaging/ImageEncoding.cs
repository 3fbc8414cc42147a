using SkiaSharp;

namespace NewtPose.Imaging;

/// <summary>Encodes decoded photos back to files' bytes (for pages that show them, and for test fixtures).</summary>
public static class ImageEncoding
{
    /// <summary>JPEG bytes of <paramref name="image"/> at <paramref name="quality"/> (1–100).</summary>
    public static byte[] Jpeg(RgbImage image, int quality = 90)
    {
        if (quality is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(quality), quality, "JPEG quality is 1..100.");
        using var bitmap = ImageLoader.ToBitmap(image);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }
}
