using SkiaSharp;

namespace NewtPose.Augmentation;

/// <summary>
/// The pixel-only augmentations, applied in place to a planar RGB sample in [0, 1] after the geometric warp:
/// colour (hue, saturation, contrast, brightness, gamma) → blur → noise → JPEG artefacts → occlusion patches.
/// None of them moves a keypoint.
/// </summary>
internal static class PixelAugment
{
    public static void Apply(float[] chw, int width, int height, AugmentationOptions o, Random random)
    {
        if (Happens(random, o.ColorProbability)) Color(chw, o, random);
        if (Happens(random, o.BlurProbability)) Blur(chw, width, height, Uniform(random, 0.3, o.MaxBlurSigma));
        if (Happens(random, o.NoiseProbability)) Noise(chw, Uniform(random, 0, o.MaxNoiseStd), random);
        if (Happens(random, o.JpegProbability)) Jpeg(chw, width, height, random.Next(o.MinJpegQuality, 96));
        if (Happens(random, o.OcclusionProbability)) Occlude(chw, width, height, o, random);
    }

    /// <summary>A transform with probability 0 draws no random number at all.</summary>
    internal static bool Happens(Random random, double probability) => probability > 0 && random.NextDouble() < probability;

    internal static double Uniform(Random random, double min, double max) => min + (max - min) * random.NextDouble();

    private static void Color(float[] chw, AugmentationOptions o, Random random)
    {
        var hue = Uniform(random, -o.MaxHueDegrees, o.MaxHueDegrees) * Math.PI / 180;
        var saturation = Uniform(random, 1 - o.MaxSaturation, 1 + o.MaxSaturation);
        var contrast = Uniform(random, 1 - o.MaxContrast, 1 + o.MaxContrast);
        var brightness = Uniform(random, -o.MaxBrightness, o.MaxBrightness);
        var gamma = Math.Exp(Uniform(random, -Math.Log(1 + o.MaxGamma), Math.Log(1 + o.MaxGamma)));

        // Hue and saturation are one linear map in YIQ space: rotate and scale the chroma (I, Q), keep the luma (Y).
        double[,] yiq = { { 0.299, 0.587, 0.114 }, { 0.596, -0.274, -0.322 }, { 0.211, -0.523, 0.312 } };
        double c = Math.Cos(hue) * saturation, s = Math.Sin(hue) * saturation;
        double[,] chroma = { { 1, 0, 0 }, { 0, c, -s }, { 0, s, c } };
        var m = Multiply(Invert(yiq), Multiply(chroma, yiq));

        var plane = chw.Length / 3;
        double mean = 0;
        for (var i = 0; i < plane; i++) mean += 0.299 * chw[i] + 0.587 * chw[plane + i] + 0.114 * chw[2 * plane + i];
        mean /= plane;
        // Contrast around the mean grey and brightness fold into one offset per channel: v' = k·v + (1 − k)·mean + b.
        float k = (float)contrast, offset = (float)((1 - contrast) * mean + brightness);
        var lut = GammaTable(gamma);
        float m00 = (float)m[0, 0], m01 = (float)m[0, 1], m02 = (float)m[0, 2], m10 = (float)m[1, 0], m11 = (float)m[1, 1],
            m12 = (float)m[1, 2], m20 = (float)m[2, 0], m21 = (float)m[2, 1], m22 = (float)m[2, 2];
        for (var i = 0; i < plane; i++)
        {
            float r = chw[i], g = chw[plane + i], b = chw[2 * plane + i];
            chw[i] = Lookup(lut, k * (m00 * r + m01 * g + m02 * b) + offset);
            chw[plane + i] = Lookup(lut, k * (m10 * r + m11 * g + m12 * b) + offset);
            chw[2 * plane + i] = Lookup(lut, k * (m20 * r + m21 * g + m22 * b) + offset);
        }
    }

    /// <summary>v^gamma sampled at 1024 steps: a table lookup costs far less than <see cref="MathF.Pow"/> per value.</summary>
    private static float[] GammaTable(double gamma)
    {
        var lut = new float[1025];
        for (var i = 0; i < lut.Length; i++) lut[i] = (float)Math.Pow(i / 1024.0, gamma);
        return lut;
    }

    private static float Lookup(float[] lut, float v)
    {
        if (!(v > 0)) return 0;
        if (v >= 1) return 1;
        var f = v * 1024;
        var i = (int)f;
        return lut[i] + (lut[i + 1] - lut[i]) * (f - i);
    }

    private static void Blur(float[] chw, int width, int height, double sigma)
    {
        var radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var kernel = new float[2 * radius + 1];
        for (var i = -radius; i <= radius; i++) kernel[i + radius] = (float)Math.Exp(-i * i / (2 * sigma * sigma));
        var sum = kernel.Sum();
        for (var i = 0; i < kernel.Length; i++) kernel[i] /= sum;
        var plane = width * height;
        var temp = new float[plane];
        var padded = new float[width + 2 * radius];
        for (var c = 0; c < 3; c++)
        {
            var p = c * plane;
            // Horizontal pass through a padded row (edge pixels repeated), so the inner loop needs no clamping.
            for (var y = 0; y < height; y++)
            {
                var row = p + y * width;
                Array.Copy(chw, row, padded, radius, width);
                for (var k = 0; k < radius; k++) { padded[k] = chw[row]; padded[radius + width + k] = chw[row + width - 1]; }
                for (var x = 0; x < width; x++)
                {
                    float acc = 0;
                    for (var k = 0; k < kernel.Length; k++) acc += kernel[k] * padded[x + k];
                    temp[y * width + x] = acc;
                }
            }
            // Vertical pass row by row: the inner loop runs along contiguous memory.
            for (var y = 0; y < height; y++)
            {
                var output = chw.AsSpan(p + y * width, width);
                output.Clear();
                for (var k = -radius; k <= radius; k++)
                {
                    var weight = kernel[k + radius];
                    var source = temp.AsSpan(Math.Clamp(y + k, 0, height - 1) * width, width);
                    for (var x = 0; x < width; x++) output[x] += weight * source[x];
                }
            }
        }
    }

    private static void Noise(float[] chw, double std, Random random)
    {
        // A sum of four uniform bytes is close to Gaussian (Irwin–Hall) and ~10× cheaper than Box–Muller per value;
        // the xorshift state is seeded from the caller's Random, so the noise stays reproducible.
        var state = (uint)random.Next() | 1u;
        var scale = (float)(std / Math.Sqrt(4 * (256.0 * 256 - 1) / 12));
        for (var i = 0; i < chw.Length; i++)
        {
            state ^= state << 13; state ^= state >> 17; state ^= state << 5;
            var sum = (int)(state & 255) + (int)((state >> 8) & 255) + (int)((state >> 16) & 255) + (int)(state >> 24) - 510;
            chw[i] = Math.Clamp(chw[i] + sum * scale, 0f, 1f);
        }
    }

    private static void Jpeg(float[] chw, int width, int height, int quality)
    {
        var plane = width * height;
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var px = new byte[4 * plane];
        for (var i = 0; i < plane; i++)
        {
            px[4 * i] = ToByte(chw[i]); px[4 * i + 1] = ToByte(chw[plane + i]); px[4 * i + 2] = ToByte(chw[2 * plane + i]); px[4 * i + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(px, 0, bitmap.GetPixels(), px.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        using var decoded = SKBitmap.Decode(data);
        using var rgba = decoded.ColorType == SKColorType.Rgba8888 ? decoded.Copy() : decoded.Copy(SKColorType.Rgba8888);
        var back = rgba.GetPixelSpan();
        for (var i = 0; i < plane; i++)
        {
            chw[i] = back[4 * i] / 255f; chw[plane + i] = back[4 * i + 1] / 255f; chw[2 * plane + i] = back[4 * i + 2] / 255f;
        }
    }

    private static void Occlude(float[] chw, int width, int height, AugmentationOptions o, Random random)
    {
        var plane = width * height;
        var count = random.Next(1, Math.Max(1, o.MaxOcclusions) + 1);
        for (var n = 0; n < count && o.MaxOcclusions > 0; n++)
        {
            var side = Math.Min(width, height);
            int pw = (int)(side * Uniform(random, 0.05, o.MaxOcclusionSize)), ph = (int)(side * Uniform(random, 0.05, o.MaxOcclusionSize));
            int x0 = random.Next(-pw / 2, width - pw / 2), y0 = random.Next(-ph / 2, height - ph / 2);
            var noisy = random.NextDouble() < 0.5;
            float r = random.NextSingle(), g = random.NextSingle(), b = random.NextSingle();
            for (var y = Math.Max(0, y0); y < Math.Min(height, y0 + ph); y++)
            for (var x = Math.Max(0, x0); x < Math.Min(width, x0 + pw); x++)
            {
                var i = y * width + x;
                if (noisy) { r = random.NextSingle(); g = random.NextSingle(); b = random.NextSingle(); }
                chw[i] = r; chw[plane + i] = g; chw[2 * plane + i] = b;
            }
        }
    }

    private static byte ToByte(float v) => (byte)Math.Clamp((int)MathF.Round(v * 255), 0, 255);

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        var r = new double[3, 3];
        for (var i = 0; i < 3; i++) for (var j = 0; j < 3; j++) for (var k = 0; k < 3; k++) r[i, j] += a[i, k] * b[k, j];
        return r;
    }

    private static double[,] Invert(double[,] m)
    {
        var det = m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1]) - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0])
                  + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0]);
        var r = new double[3, 3];
        for (var i = 0; i < 3; i++)
        for (var j = 0; j < 3; j++)
        {
            // Cofactor of (j, i), the transpose built in.
            int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
            r[i, j] = (m[r0, c0] * m[r1, c1] - m[r0, c1] * m[r1, c0]) / det;
        }
        return r;
    }
}
