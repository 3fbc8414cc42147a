using NewtPose.Augmentation;
using SkiaSharp;

namespace NewtPose.Imaging;

/// <summary>
/// Decodes JPEG/PNG (8/16-bit, grey/RGB/RGBA) to upright 8-bit RGB, applying the EXIF orientation as labelling tools
/// display it. Coordinates are continuous: pixel (i, j) covers [i, i+1) × [j, j+1), its centre is (i + 0.5, j + 0.5).
/// </summary>
public static class ImageLoader
{
    /// <summary>Decodes the whole photo at full resolution, upright.</summary>
    public static RgbImage Load(string path) => LoadScaled(path, 1.0).Image;

    /// <summary>
    /// Decodes the photo, upright, with its longer side at most <paramref name="maxSide"/> pixels. JPEGs are decoded
    /// directly at 1/2, 1/4 or 1/8 size where possible (much faster than a full decode), then resized to fit.
    /// <see cref="ScaledImage.FromSource"/> maps full-resolution upright coordinates onto the returned pixels.
    /// </summary>
    public static ScaledImage Load(string path, int maxSide)
    {
        if (maxSide < 1) throw new ArgumentOutOfRangeException(nameof(maxSide), maxSide, "The longest side must be at least 1 pixel.");
        var (width, height) = ReadSize(path);
        var wanted = Math.Min(1.0, (double)maxSide / Math.Max(width, height));
        var decoded = LoadScaled(path, wanted);
        var image = decoded.Image;
        if (Math.Max(image.Width, image.Height) <= maxSide) return decoded;
        var ratio = (double)maxSide / Math.Max(image.Width, image.Height);
        int w = Math.Max(1, (int)Math.Round(image.Width * ratio)), h = Math.Max(1, (int)Math.Round(image.Height * ratio));
        var resized = Resize(image, w, h);
        var step = new AffineTransform((double)w / image.Width, 0, 0, 0, (double)h / image.Height, 0);
        return new ScaledImage(resized, decoded.FromSource.Then(step));
    }

    /// <summary>
    /// Decodes the photo, upright, at the smallest size the codec offers whose scale is at least
    /// <paramref name="minScale"/> (JPEG: 1/8, 1/4, 1/2 or 1; other formats: full size). Nothing is resampled after
    /// decoding, so this is the cheapest way to get "enough" pixels; <see cref="ScaledImage.FromSource"/> is exact.
    /// A file cut short decodes as far as it goes (the rest grey), unless <paramref name="requireComplete"/>: then it is
    /// an <see cref="InvalidDataException"/> (what prediction on a user's folder wants: a half photo gives wrong points).
    /// </summary>
    public static ScaledImage LoadScaled(string path, double minScale, bool requireComplete = false)
    {
        if (!(minScale > 0)) throw new ArgumentOutOfRangeException(nameof(minScale), minScale, "The scale must be positive.");
        using var codec = OpenCodec(path, out var stream);
        using var _ = stream;
        int rawW = codec.Info.Width, rawH = codec.Info.Height;
        var (scaledW, scaledH, scale) = ChooseScale(codec, Math.Min(1.0, minScale));
        var info = new SKImageInfo(scaledW, scaledH, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var decoded = new SKBitmap(info);
        var result = codec.GetPixels(info, decoded.GetPixels());
        if (result is SKCodecResult.InvalidScale && scale < 1) return LoadScaled(path, 1.0, requireComplete);
        if (result is SKCodecResult.IncompleteInput && requireComplete)
            throw new InvalidDataException($"{path}: the image file is cut short (truncated); only part of it could be decoded.");
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            throw new InvalidDataException($"{path}: image could not be decoded ({result}).");
        var raw = ToRgb(decoded);
        var origin = codec.EncodedOrigin;
        var upright = Orient(raw, origin);
        // Full-resolution upright → full-resolution raw → decoded raw (exact 1/2^k scale) → decoded upright.
        var fromSource = Orientation(origin, rawW, rawH).Inverse()
            .Then(new AffineTransform(scale, 0, 0, 0, scale, 0))
            .Then(Orientation(origin, scaledW, scaledH));
        return new ScaledImage(upright, fromSource);
    }

    /// <summary>The upright size without decoding the pixels.</summary>
    public static (int Width, int Height) ReadSize(string path)
    {
        using var codec = OpenCodec(path, out var stream);
        using var _ = stream;
        return SwapsAxes(codec.EncodedOrigin) ? (codec.Info.Height, codec.Info.Width) : (codec.Info.Width, codec.Info.Height);
    }

    /// <summary>
    /// The map from raw (as stored) continuous coordinates of a <paramref name="width"/> × <paramref name="height"/>
    /// image to upright coordinates, for an EXIF orientation (EXIF values 1–8 in <see cref="SKEncodedOrigin"/> order).
    /// </summary>
    public static AffineTransform Orientation(SKEncodedOrigin origin, int width, int height) => origin switch
    {
        SKEncodedOrigin.TopRight => new(-1, 0, width, 0, 1, 0),          // 2: mirrored horizontally
        SKEncodedOrigin.BottomRight => new(-1, 0, width, 0, -1, height), // 3: rotated 180°
        SKEncodedOrigin.BottomLeft => new(1, 0, 0, 0, -1, height),       // 4: mirrored vertically
        SKEncodedOrigin.LeftTop => new(0, 1, 0, 1, 0, 0),                // 5: transposed
        SKEncodedOrigin.RightTop => new(0, -1, height, 1, 0, 0),         // 6: shown rotated 90° clockwise
        SKEncodedOrigin.RightBottom => new(0, -1, height, -1, 0, width), // 7: transverse
        SKEncodedOrigin.LeftBottom => new(0, 1, 0, -1, 0, width),        // 8: shown rotated 90° counter-clockwise
        _ => AffineTransform.Identity,
    };

    internal static RgbImage Resize(RgbImage image, int width, int height)
    {
        using var source = ToBitmap(image);
        using var resized = source.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul), SKFilterQuality.Medium)
            ?? throw new InvalidOperationException($"Could not resize a {image.Width}x{image.Height} image to {width}x{height}.");
        return ToRgb(resized);
    }

    internal static SKBitmap ToBitmap(RgbImage image)
    {
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var src = image.Pixels;
        var dst = new byte[image.Width * image.Height * 4];
        for (int i = 0, j = 0; j < src.Length; i += 4, j += 3)
        {
            dst[i] = src[j]; dst[i + 1] = src[j + 1]; dst[i + 2] = src[j + 2]; dst[i + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(dst, 0, bitmap.GetPixels(), dst.Length);
        return bitmap;
    }

    internal static RgbImage ToRgb(SKBitmap bitmap)
    {
        using var rgba = bitmap.ColorType == SKColorType.Rgba8888 && bitmap.AlphaType == SKAlphaType.Unpremul
            ? bitmap.Copy()
            : bitmap.Copy(SKColorType.Rgba8888);
        var src = rgba.GetPixelSpan();
        var rgb = new byte[rgba.Width * rgba.Height * 3];
        for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
        {
            rgb[j] = src[i]; rgb[j + 1] = src[i + 1]; rgb[j + 2] = src[i + 2];
        }
        return new RgbImage(rgba.Width, rgba.Height, rgb);
    }

    private static SKCodec OpenCodec(string path, out Stream stream)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: image file not found.", path);
        stream = File.OpenRead(path);
        var codec = SKCodec.Create(stream);
        if (codec is null)
        {
            stream.Dispose();
            throw new InvalidDataException($"{path}: not a readable image (JPEG or PNG expected).");
        }
        return codec;
    }

    /// <summary>The smallest of 1/8, 1/4, 1/2 that is ≥ <paramref name="minScale"/> and that the codec decodes natively (JPEG); 1 otherwise.</summary>
    private static (int Width, int Height, double Scale) ChooseScale(SKCodec codec, double minScale)
    {
        int w = codec.Info.Width, h = codec.Info.Height;
        if (codec.EncodedFormat != SKEncodedImageFormat.Jpeg) return (w, h, 1.0);
        // Only 1/8, 1/4, 1/2: measured exact (±0.05 px); Skia's 3/8, 5/8, 6/8 decodes put colour edges up to 2 px off.
        foreach (var n in (ReadOnlySpan<int>)[1, 2, 4])
        {
            var scale = n / 8.0;
            if (scale < minScale) continue;
            var size = codec.GetScaledDimensions((float)scale);
            // libjpeg rounds the scaled size up; accept only a size that is exactly that scale, so coordinates stay exact.
            if (size.Width == (int)Math.Ceiling(w * scale) && size.Height == (int)Math.Ceiling(h * scale)) return (size.Width, size.Height, scale);
        }
        return (w, h, 1.0);
    }

    private static bool SwapsAxes(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>Applies an EXIF orientation by exact pixel permutation: the result is the image as a viewer shows it.</summary>
    private static RgbImage Orient(RgbImage raw, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default) return raw;
        var map = Orientation(origin, raw.Width, raw.Height);
        int w = SwapsAxes(origin) ? raw.Height : raw.Width, h = SwapsAxes(origin) ? raw.Width : raw.Height;
        var dst = new byte[w * h * 3];
        var src = raw.Pixels;
        for (var y = 0; y < raw.Height; y++)
        for (var x = 0; x < raw.Width; x++)
        {
            var (ux, uy) = map.Apply(x + 0.5, y + 0.5);
            int i = (y * raw.Width + x) * 3, j = ((int)uy * w + (int)ux) * 3;
            dst[j] = src[i]; dst[j + 1] = src[i + 1]; dst[j + 2] = src[i + 2];
        }
        return new RgbImage(w, h, dst);
    }
}
