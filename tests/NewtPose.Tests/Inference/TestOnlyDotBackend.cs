using NewtPose.Inference;
using NewtPose.Models;

namespace NewtPose.Tests.Inference;

/// <summary>
/// TEST-ONLY: a "network" that finds coloured dots exactly, so the engine's geometry (decode size, crop, letterbox,
/// mirror, EXIF, mapping back) can be checked to a fraction of a pixel without training anything. Keypoints: snout (a red
/// dot), left_eye and right_eye (green dots: the one right of the snout in the image is the animal's left, as in a belly
/// view, so a mirror swaps them the way a flip-trained model would), tail (a blue dot). It writes the heatmap head's raw
/// layout (K logits + 2K offsets at stride 4) that decodes to each dot's weighted centroid, in the continuous convention
/// or, with <paramref name="legacy"/>, in the convention of models saved before the model card.
/// </summary>
internal sealed class TestOnlyDotBackend(PoseModelSpec spec, bool legacy = false) : IPoseBackend
{
    public static readonly string[] Names = ["snout", "left_eye", "right_eye", "tail"];
    public static readonly (byte R, byte G, byte B)[] Colours = [(255, 0, 0), (0, 255, 0), (0, 255, 0), (0, 0, 255)];

    public static PoseModelSpec SpecFor(int size = 64) => PoseModels.Spec("resnet18", Names, size, size, swapPairs: [[1, 2]]);

    public PoseModelSpec Spec => spec;
    public string Name => "dots";
    public int Calls { get; private set; }
    public int Items { get; private set; }

    public RawOutput Run(float[] pixels, int batch)
    {
        Calls++;
        Items += batch;
        int w = spec.InputWidth, h = spec.InputHeight, cw = w / 4, ch = h / 4, k = Names.Length;
        var values = new float[batch * 3 * k * cw * ch];
        for (var b = 0; b < batch; b++)
        {
            var item = pixels.AsSpan(b * 3 * w * h, 3 * w * h);
            var snout = Centroid(item, w, h, 0, _ => true);
            var centres = new (double X, double Y)?[]
            {
                snout,
                snout is { } s ? Centroid(item, w, h, 1, x => x > s.X) : null,
                snout is { } t ? Centroid(item, w, h, 1, x => x < t.X) : null,
                Centroid(item, w, h, 2, _ => true),
            };
            var output = values.AsSpan(b * 3 * k * cw * ch, 3 * k * cw * ch);
            for (var j = 0; j < k; j++) Encode(output, j, k, cw, ch, centres[j]);
        }
        return new RawOutput(values, batch, 3 * k, ch, cw);
    }

    /// <summary>Logits of a Gaussian (σ = 2 cells, peak 0.9) at the point and the exact offsets to it; flat and low when there is no dot.</summary>
    private void Encode(Span<float> output, int j, int k, int cw, int ch, (double X, double Y)? centre)
    {
        var plane = cw * ch;
        for (var i = 0; i < plane; i++) output[j * plane + i] = -8;
        if (centre is not { } c) return;
        var (cx, cy) = legacy ? ((c.X - 1.5) / 4, (c.Y - 1.5) / 4) : (c.X / 4 - 0.5, c.Y / 4 - 0.5);
        for (var row = 0; row < ch; row++)
        for (var col = 0; col < cw; col++)
        {
            double dx = cx - col, dy = cy - row;
            var p = 0.9 * Math.Exp(-(dx * dx + dy * dy) / 8);
            var cell = row * cw + col;
            output[j * plane + cell] = (float)Math.Log(p / (1 - p));
            output[(k + 2 * j) * plane + cell] = (float)dx;
            output[(k + 2 * j + 1) * plane + cell] = (float)dy;
        }
    }

    /// <summary>Centroid (continuous coordinates) of the pixels that are saturated in <paramref name="channel"/> alone.</summary>
    private static (double X, double Y)? Centroid(ReadOnlySpan<float> chw, int w, int h, int channel, Func<double, bool> keep)
    {
        double sx = 0, sy = 0, sw = 0;
        var plane = w * h;
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            var i = y * w + x;
            double on = chw[channel * plane + i], off = 0;
            for (var c = 0; c < 3; c++) if (c != channel) off = Math.Max(off, chw[c * plane + i]);
            var weight = Math.Clamp(on - off, 0, 1);
            if (weight <= 0 || !keep(x + 0.5)) continue;
            sx += weight * (x + 0.5); sy += weight * (y + 0.5); sw += weight;
        }
        return sw < 0.5 ? null : (sx / sw, sy / sw);
    }

    public void Dispose() { }
}
