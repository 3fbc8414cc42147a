using System.Buffers.Binary;
using System.IO.Compression;
using NewtPose.Imaging;
using SkiaSharp;

namespace NewtPose.Tests.Imaging;

/// <summary>Writes tiny test images: PNGs by hand (any bit depth / colour type) and JPEGs with a hand-made EXIF orientation.</summary>
internal static class TestImages
{
    public static string TempFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "newtpose-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A PNG from raw samples: <paramref name="samples"/> holds channels × width × height values, row-major, interleaved.</summary>
    public static void WritePng(string path, int width, int height, int bitDepth, byte colorType, int[] samples)
    {
        int channels = colorType switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => throw new ArgumentException("colour type") };
        var bytesPerSample = bitDepth / 8;
        using var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter: none
            for (var i = 0; i < width * channels; i++)
            {
                var v = samples[y * width * channels + i];
                if (bytesPerSample == 2) raw.WriteByte((byte)(v >> 8));
                raw.WriteByte((byte)v);
            }
        }
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) raw.WriteTo(z);
        using var file = File.Create(path);
        file.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = (byte)bitDepth; header[9] = colorType;
        Chunk(file, "IHDR", header);
        Chunk(file, "IDAT", compressed.ToArray());
        Chunk(file, "IEND", []);
    }

    /// <summary>Encodes <paramref name="image"/> as JPEG (quality 100) and inserts an EXIF APP1 segment holding one Orientation tag.</summary>
    public static void WriteJpeg(string path, RgbImage image, int? exifOrientation = null, int quality = 100)
    {
        using var bitmap = ImageLoader.ToBitmap(image);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        var jpeg = data.ToArray();
        if (exifOrientation is null) { File.WriteAllBytes(path, jpeg); return; }
        // TIFF, little-endian: header (8 bytes) → IFD with one entry: tag 0x0112 (Orientation), type SHORT, count 1.
        var tiff = new byte[8 + 2 + 12 + 4];
        tiff[0] = (byte)'I'; tiff[1] = (byte)'I'; tiff[2] = 42;
        BinaryPrimitives.WriteInt32LittleEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteInt16LittleEndian(tiff.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(10), 0x0112);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(12), 3);
        BinaryPrimitives.WriteInt32LittleEndian(tiff.AsSpan(14), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(18), (ushort)exifOrientation.Value);
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var app1 = new byte[4 + payload.Length];
        app1[0] = 0xFF; app1[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(app1.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(app1, 4);
        // Right after SOI (FF D8), before the encoder's JFIF APP0.
        File.WriteAllBytes(path, jpeg[..2].Concat(app1).Concat(jpeg[2..]).ToArray());
    }

    /// <summary>A black image with filled discs of the given colours at the given centres (continuous coordinates).</summary>
    public static RgbImage Dots(int width, int height, IReadOnlyList<(double X, double Y)> centres, IReadOnlyList<(byte R, byte G, byte B)> colours, float radius)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Black);
            using var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
            for (var i = 0; i < centres.Count; i++)
            {
                paint.Color = new SKColor(colours[i].R, colours[i].G, colours[i].B);
                canvas.DrawCircle((float)centres[i].X, (float)centres[i].Y, radius, paint);
            }
        }
        return ImageLoader.ToRgb(bitmap);
    }

    /// <summary>Weighted centroid (continuous coordinates) of the pixels of one saturated colour in an RGB image; null when absent.</summary>
    public static (double X, double Y)? Centroid(RgbImage image, (byte R, byte G, byte B) colour)
    {
        double sx = 0, sy = 0, sw = 0;
        for (var y = 0; y < image.Height; y++)
        for (var x = 0; x < image.Width; x++)
        {
            var i = (y * image.Width + x) * 3;
            var w = Membership(image.Pixels[i] / 255.0, image.Pixels[i + 1] / 255.0, image.Pixels[i + 2] / 255.0, colour);
            sx += w * (x + 0.5); sy += w * (y + 0.5); sw += w;
        }
        return sw < 1 ? null : (sx / sw, sy / sw);
    }

    /// <summary>How much a pixel is this dot colour: the weakest "on" channel minus the strongest "off" channel.</summary>
    private static double Membership(double r, double g, double b, (byte R, byte G, byte B) c)
    {
        double on = 1, off = 0;
        if (c.R > 127) on = Math.Min(on, r); else off = Math.Max(off, r);
        if (c.G > 127) on = Math.Min(on, g); else off = Math.Max(off, g);
        if (c.B > 127) on = Math.Min(on, b); else off = Math.Max(off, b);
        return Math.Clamp(on - off, 0, 1);
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var head = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(head, 4);
        s.Write(head);
        s.Write(data);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(head.AsSpan(4).ToArray().Concat(data).ToArray()));
        s.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
