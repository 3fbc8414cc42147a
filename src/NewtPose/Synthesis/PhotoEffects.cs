using SkiaSharp;

namespace NewtPose.Synthesis;

/// <summary>What the camera adds: a lightly textured background, then blur, uneven light, vignetting, colour temperature
/// and sensor noise. All randomness comes from the scene's <see cref="PhotoConditions.NoiseSeed"/>.</summary>
internal static class PhotoEffects
{
    public static void PaintBackground(SKCanvas canvas, NewtScene scene)
    {
        var c = scene.Conditions;
        canvas.Clear(c.Background);
        if (c.TextureStrength <= 0) return;
        var random = new Random(c.NoiseSeed ^ 0x5bd1e995);
        var size = Math.Max(scene.Width, scene.Height);
        using var blur = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, 0.05f * size);
        using var paint = new SKPaint { IsAntialias = true, MaskFilter = blur };
        // Large soft blotches: an uneven tray or paper surface.
        for (var i = 0; i < 24; i++)
        {
            var light = random.Next(2) == 0;
            paint.Color = (light ? SKColors.White : new SKColor(90, 90, 80)).WithAlpha((byte)(c.TextureStrength * (6 + random.Next(14))));
            canvas.DrawOval(random.NextSingle() * scene.Width, random.NextSingle() * scene.Height,
                (0.05f + 0.2f * random.NextSingle()) * size, (0.05f + 0.2f * random.NextSingle()) * size, paint);
        }
        // Fine fibres and specks.
        paint.MaskFilter = null;
        for (var i = 0; i < 300; i++)
        {
            paint.Color = new SKColor(80, 80, 70, (byte)(c.TextureStrength * (4 + random.Next(18))));
            canvas.DrawCircle(random.NextSingle() * scene.Width, random.NextSingle() * scene.Height, 0.3f + 1.5f * random.NextSingle(), paint);
        }
    }

    /// <summary>Blur, then one pass over the pixels for light, colour and noise. Returns the finished bitmap (the input is disposed when replaced).</summary>
    public static SKBitmap Finish(SKBitmap bitmap, NewtScene scene)
    {
        var c = scene.Conditions;
        if (c.BlurSigma > 0.05f)
        {
            var blurred = new SKBitmap(bitmap.Info);
            using (var canvas = new SKCanvas(blurred))
            using (var filter = SKImageFilter.CreateBlur(c.BlurSigma, c.BlurSigma, SKShaderTileMode.Clamp))
            using (var paint = new SKPaint { ImageFilter = filter })
                canvas.DrawBitmap(bitmap, 0, 0, paint);
            bitmap.Dispose();
            bitmap = blurred;
        }
        ApplyLightAndNoise(bitmap, scene);
        return bitmap;
    }

    private static void ApplyLightAndNoise(SKBitmap bitmap, NewtScene scene)
    {
        var c = scene.Conditions;
        int w = bitmap.Width, h = bitmap.Height;
        // The bitmap owns its pixels; writing through its span is how Skia expects in-place edits.
        var readOnly = bitmap.GetPixelSpan();
        var pixels = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(readOnly), readOnly.Length);
        float gainR = c.Exposure * (1 + 0.07f * c.Temperature), gainG = c.Exposure, gainB = c.Exposure * (1 - 0.08f * c.Temperature);
        float dx = MathF.Cos(c.LightDirection), dy = MathF.Sin(c.LightDirection);
        float cx = w / 2f, cy = h / 2f, invR2 = 1f / (cx * cx + cy * cy), invSize = 1f / Math.Max(w, h);
        var state = (uint)c.NoiseSeed | 1u;
        var rowGain = new float[w];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                float rx = x - cx, ry = y - cy;
                var vignette = 1 - c.Vignetting * (rx * rx + ry * ry) * invR2;
                rowGain[x] = vignette * (1 + c.LightGradient * (rx * dx + ry * dy) * invSize);
            }
            var row = pixels.Slice(y * w * 4, w * 4);
            for (var x = 0; x < w; x++)
            {
                // Luminance grain plus a little chroma noise, from a xorshift generator (fast and reproducible).
                var grain = (Next(ref state) + Next(ref state) + Next(ref state) - 1.5f) * 2f * c.Noise;
                var g = rowGain[x];
                var i = 4 * x;
                row[i] = ToByte(row[i] * gainR * g + grain + (Next(ref state) - 0.5f) * c.Noise);
                row[i + 1] = ToByte(row[i + 1] * gainG * g + grain);
                row[i + 2] = ToByte(row[i + 2] * gainB * g + grain + (Next(ref state) - 0.5f) * c.Noise);
            }
        }
    }

    private static float Next(ref uint state)
    {
        state ^= state << 13; state ^= state >> 17; state ^= state << 5;
        return (state >> 8) * (1f / 16777216f);
    }

    private static byte ToByte(float v) => (byte)Math.Clamp((int)(v + 0.5f), 0, 255);
}
