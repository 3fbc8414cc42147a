using NewtPose.Imaging;

namespace NewtPose.Augmentation;

/// <summary>
/// Resamples an RGB image through one affine map into planar float RGB in [0, 1]. Bilinear, with supersampling when
/// the map shrinks the image (so a strong zoom-out does not alias); outside the image the value is <see cref="Pad"/>.
/// </summary>
internal static class AffineWarp
{
    /// <summary>The letterbox / out-of-photo value (mid grey keeps padded areas near zero after mean subtraction).</summary>
    public const float Pad = 0.5f;

    // toImage maps output continuous coordinates to the image's continuous coordinates.
    public static float[] Warp(RgbImage image, AffineTransform toImage, int width, int height)
    {
        var chw = new float[3 * width * height];
        // How many image pixels one output pixel spans along each output axis; supersample when it is well above 1.
        var spanX = Math.Sqrt(toImage.A * toImage.A + toImage.D * toImage.D);
        var spanY = Math.Sqrt(toImage.B * toImage.B + toImage.E * toImage.E);
        int tapsX = Math.Clamp((int)Math.Round(spanX), 1, 4), tapsY = Math.Clamp((int)Math.Round(spanY), 1, 4);
        var taps = tapsX * tapsY;
        var offX = new double[taps];
        var offY = new double[taps];
        for (var ty = 0; ty < tapsY; ty++)
        for (var tx = 0; tx < tapsX; tx++)
        {
            double ox = (tx + 0.5) / tapsX, oy = (ty + 0.5) / tapsY;
            // Shifted by half a pixel so integer image coordinates fall on pixel centres.
            offX[ty * tapsX + tx] = toImage.A * ox + toImage.B * oy + toImage.C - 0.5;
            offY[ty * tapsX + tx] = toImage.D * ox + toImage.E * oy + toImage.F - 0.5;
        }
        var weight = 1f / (taps * 255f);
        int plane = width * height, w = image.Width, h = image.Height;
        var px = image.Pixels;
        // One thread per sample: the trainer's workers already run samples in parallel.
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                float r = 0, g = 0, b = 0;
                double bx = toImage.A * x + toImage.B * y, by = toImage.D * x + toImage.E * y;
                for (var t = 0; t < taps; t++) Bilinear(px, w, h, bx + offX[t], by + offY[t], ref r, ref g, ref b);
                var o = y * width + x;
                chw[o] = r * weight; chw[plane + o] = g * weight; chw[2 * plane + o] = b * weight;
            }
        }
        return chw;
    }

    private static void Bilinear(byte[] px, int w, int h, double sx, double sy, ref float r, ref float g, ref float b)
    {
        // Beyond half a pixel outside the photo there is nothing: pad. Within that half pixel the edge pixel is repeated.
        if (sx < -0.5 || sy < -0.5 || sx > w - 0.5 || sy > h - 0.5) { r += Pad * 255; g += Pad * 255; b += Pad * 255; return; }
        // sx, sy ≥ −0.5 here, so truncating after adding 1 is a floor.
        int x0 = (int)(sx + 1) - 1, y0 = (int)(sy + 1) - 1;
        float fx = (float)(sx - x0), fy = (float)(sy - y0);
        int xa = Math.Clamp(x0, 0, w - 1), xb = Math.Clamp(x0 + 1, 0, w - 1);
        int ya = Math.Clamp(y0, 0, h - 1), yb = Math.Clamp(y0 + 1, 0, h - 1);
        int i00 = (ya * w + xa) * 3, i01 = (ya * w + xb) * 3, i10 = (yb * w + xa) * 3, i11 = (yb * w + xb) * 3;
        float w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
        r += w00 * px[i00] + w01 * px[i01] + w10 * px[i10] + w11 * px[i11];
        g += w00 * px[i00 + 1] + w01 * px[i01 + 1] + w10 * px[i10 + 1] + w11 * px[i11 + 1];
        b += w00 * px[i00 + 2] + w01 * px[i01 + 2] + w10 * px[i10 + 2] + w11 * px[i11 + 2];
    }
}
