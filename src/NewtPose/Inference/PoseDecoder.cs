using NewtPose.Evaluation;

namespace NewtPose.Inference;

/// <summary>
/// Turns a backend's raw head output into points, on plain float arrays, so the TorchSharp and the ONNX Runtime backends
/// share one implementation: the heatmap head's argmax with location-refinement offsets clamped to the trained radius
/// (by default as the vote of the peak's 3 × 3 cells, <see cref="EngineOptions.OffsetVoting"/>), or with a quadratic fit
/// on the log-probabilities; the integral head's soft-argmax. Without offset voting it computes what the heads' tensor
/// <c>Decode</c> computes (tests hold the two together; training's per-epoch label-crop validation reads points that way).
/// Points come out in continuous input coordinates (pixel i covers [i, i + 1)), corrected for models saved with
/// <see cref="PixelConvention.LegacyCellCentres"/>.
/// </summary>
public sealed class PoseDecoder
{
    private readonly int[] _flipIndex;

    /// <param name="card">The model whose head output is decoded.</param>
    /// <param name="offsetVoting">Read a location-refinement head's points as its peak cells' vote (<see cref="EngineOptions.OffsetVoting"/>).</param>
    public PoseDecoder(ModelCard card, bool offsetVoting = EngineOptions.DefaultOffsetVoting)
    {
        Card = card.Validate();
        _flipIndex = card.Spec.FlipIndex();
        OffsetVoting = offsetVoting && card.Decoding == DecodingRule.HeatmapArgmaxRefined;
    }

    public ModelCard Card { get; }

    /// <summary>Whether points are read as the vote of the peak's 3 × 3 cells (only ever for a location-refinement head).</summary>
    public bool OffsetVoting { get; }

    private int Keypoints => Card.Spec.Keypoints.Count;

    private int Stride => Card.Spec.HeatmapStride;

    /// <summary>The channels the card's head outputs: K heatmaps, plus 2·K offset maps with location refinement.</summary>
    public int Channels => Card.Decoding == DecodingRule.HeatmapArgmaxRefined ? 3 * Keypoints : Keypoints;

    /// <summary>
    /// The points of every batch item, in input pixels, with the head's confidence. <paramref name="mirroredShare"/> says
    /// how much of the output came from a mirrored input (0 direct, 1 an unflipped mirrored branch, 0.5 the flip test's
    /// average): only a legacy model needs it, whose mirrored branch lands one pixel left of its direct one.
    /// </summary>
    public PredictedKeypoint[][] Decode(RawOutput output, double mirroredShare = 0)
    {
        CheckLayout(output);
        var result = new PredictedKeypoint[output.Batch][];
        for (var b = 0; b < output.Batch; b++)
        {
            var item = output.Item(b);
            var points = new PredictedKeypoint[Keypoints];
            for (var k = 0; k < Keypoints; k++)
            {
                var (x, y, confidence) = Card.Decoding == DecodingRule.IntegralSoftArgmax
                    ? SoftArgmax(item, k, output.Height, output.Width)
                    : AtCell(item, k, ArgmaxCell(item.Slice(k * output.Height * output.Width, output.Height * output.Width)), output.Height, output.Width);
                points[k] = ToInput(x, y, confidence, mirroredShare);
            }
            result[b] = points;
        }
        return result;
    }

    /// <summary>Whether points can be read at other cells than the argmax (<see cref="Peaks"/>, <see cref="DecodeAt"/>): a heatmap head's; a soft-argmax has one answer per map.</summary>
    public bool HasPeaks => Card.Decoding != DecodingRule.IntegralSoftArgmax;

    /// <summary>
    /// The cells of heatmap <paramref name="keypoint"/> of batch item <paramref name="item"/> that are local maxima (no
    /// neighbour in the 3 × 3 window higher), the highest first, at most <paramref name="count"/>; the argmax cell is
    /// always the first. For decoding a point jointly with others (a rig's linked views) instead of on its own.
    /// </summary>
    public int[] Peaks(RawOutput output, int item, int keypoint, int count)
    {
        CheckLayout(output);
        if (!HasPeaks) throw new InvalidOperationException("A soft-argmax head has no heatmap peaks to choose among.");
        var (h, w) = (output.Height, output.Width);
        var heat = output.Item(item).Slice(keypoint * h * w, h * w);
        var argmax = ArgmaxCell(heat);
        var peaks = new List<int>();
        for (var row = 0; row < h; row++)
        for (var column = 0; column < w; column++)
        {
            var cell = row * w + column;
            if (cell == argmax) continue;
            var value = heat[cell];
            var isPeak = true;
            for (var dy = -1; dy <= 1 && isPeak; dy++)
            for (var dx = -1; dx <= 1; dx++)
            {
                int r = row + dy, c = column + dx;
                if ((dx == 0 && dy == 0) || r < 0 || r >= h || c < 0 || c >= w) continue;
                if (heat[r * w + c] > value) { isPeak = false; break; }
            }
            if (isPeak) peaks.Add(cell);
        }
        var copy = heat.ToArray();
        return peaks.OrderByDescending(c => copy[c]).Take(Math.Max(0, count - 1)).Prepend(argmax).ToArray();
    }

    /// <summary>The point of heatmap <paramref name="keypoint"/> read at <paramref name="cell"/> (refined as <see cref="Decode"/> refines its argmax), in input pixels, with that cell's confidence.</summary>
    public PredictedKeypoint DecodeAt(RawOutput output, int item, int keypoint, int cell, double mirroredShare = 0)
    {
        CheckLayout(output);
        if (!HasPeaks) throw new InvalidOperationException("A soft-argmax head is decoded only as a whole map.");
        var (x, y, confidence) = AtCell(output.Item(item), keypoint, cell, output.Height, output.Width);
        return ToInput(x, y, confidence, mirroredShare);
    }

    /// <summary>Heatmap cell coordinates to input pixels, corrected for a legacy model's convention (see <see cref="Decode"/>).</summary>
    private PredictedKeypoint ToInput(double x, double y, double confidence, double mirroredShare)
    {
        var legacy = Card.PixelConvention == PixelConvention.LegacyCellCentres;
        double shiftX = legacy ? -0.5 + mirroredShare : 0, shiftY = legacy ? -0.5 : 0;
        return new PredictedKeypoint((x + 0.5) * Stride + shiftX, (y + 0.5) * Stride + shiftY, confidence);
    }

    /// <summary>
    /// Raw output computed on horizontally mirrored inputs, mapped back to the unmirrored inputs' frame: every map mirrored
    /// along its width, keypoint k read from its left/right partner's maps, x offsets negated. The float-array twin of
    /// <see cref="NewtPose.Models.Heads.PoseHead.Unflip"/>; applying it twice gives the output back.
    /// </summary>
    public RawOutput Unflip(RawOutput mirrored)
    {
        CheckLayout(mirrored);
        var (h, w) = (mirrored.Height, mirrored.Width);
        var plane = h * w;
        var values = new float[mirrored.Values.Length];
        var refined = Card.Decoding == DecodingRule.HeatmapArgmaxRefined;
        for (var b = 0; b < mirrored.Batch; b++)
        {
            var source = mirrored.Item(b);
            var target = values.AsSpan(b * Channels * plane, Channels * plane);
            for (var k = 0; k < Keypoints; k++)
            {
                var partner = _flipIndex[k];
                MirrorPlane(source.Slice(partner * plane, plane), target.Slice(k * plane, plane), h, w, 1);
                if (!refined) continue;
                MirrorPlane(source.Slice((Keypoints + 2 * partner) * plane, plane), target.Slice((Keypoints + 2 * k) * plane, plane), h, w, -1);
                MirrorPlane(source.Slice((Keypoints + 2 * partner + 1) * plane, plane), target.Slice((Keypoints + 2 * k + 1) * plane, plane), h, w, 1);
            }
        }
        return mirrored with { Values = values };
    }

    /// <summary>
    /// Raw output computed on square inputs turned by <paramref name="quarterTurns"/> quarter turns
    /// (<see cref="TurnPixels"/>), mapped back to the unturned inputs' frame: every map turned back and the offset vectors
    /// with it. A turn keeps left left, so no keypoint changes maps. Exact on the cell grid: cell j's centre s·(j + 0.5)
    /// lands on a cell centre again.
    /// </summary>
    public RawOutput Unturn(RawOutput turned, int quarterTurns)
    {
        CheckLayout(turned);
        var turns = ((quarterTurns % 4) + 4) % 4;
        if (turns == 0) return turned;
        if (turned.Height != turned.Width) throw new ArgumentException($"Only square maps can be turned back; these are {turned.Width}x{turned.Height}.", nameof(turned));
        var output = turned;
        for (var q = 0; q < turns; q++) output = UnturnOnce(output);
        return output;
    }

    /// <summary>Undoes one <see cref="TurnPixels"/> quarter turn ((x, y) → (y, S − x)) on the output: map values and offsets (dx, dy) = (−dy′, dx′).</summary>
    private RawOutput UnturnOnce(RawOutput turned)
    {
        var n = turned.Width;
        var plane = n * n;
        var values = new float[turned.Values.Length];
        var refined = Card.Decoding == DecodingRule.HeatmapArgmaxRefined;
        for (var b = 0; b < turned.Batch; b++)
        {
            var source = turned.Item(b);
            var target = values.AsSpan(b * Channels * plane, Channels * plane);
            for (var row = 0; row < n; row++)
            for (var column = 0; column < n; column++)
            {
                // Cell (column, row) of the unturned frame sits at (row, n − 1 − column) of the turned one.
                var from = (n - 1 - column) * n + row;
                var to = row * n + column;
                for (var k = 0; k < Keypoints; k++)
                {
                    target[k * plane + to] = source[k * plane + from];
                    if (!refined) continue;
                    int dx = (Keypoints + 2 * k) * plane, dy = dx + plane;
                    target[dx + to] = -source[dy + from];
                    target[dy + to] = source[dx + from];
                }
            }
        }
        return turned with { Values = values };
    }

    /// <summary>
    /// Turns batch × 3 × S × S planar pixels by <paramref name="quarterTurns"/> quarter turns, each (x, y) → (y, S − x)
    /// in continuous coordinates (pixel (i, j) moves to (j, S − 1 − i)).
    /// </summary>
    public static float[] TurnPixels(float[] pixels, int size, int quarterTurns)
    {
        var plane = size * size;
        if (pixels.Length % plane != 0) throw new ArgumentException($"{pixels.Length} values are not whole {size}x{size} planes.", nameof(pixels));
        var turned = pixels;
        for (var q = 0; q < ((quarterTurns % 4) + 4) % 4; q++)
        {
            var next = new float[pixels.Length];
            for (var p = 0; p < pixels.Length / plane; p++)
            for (var row = 0; row < size; row++)
            for (var column = 0; column < size; column++)
                next[p * plane + (size - 1 - column) * size + row] = turned[p * plane + row * size + column];
            turned = next;
        }
        return turned;
    }

    /// <summary>The flip test's output: the mean of the direct output and the unflipped mirrored one, value by value.</summary>
    public static RawOutput Average(RawOutput direct, RawOutput unflipped) => Average([direct, unflipped]);

    /// <summary>The element-wise mean of raw outputs of one shape (the flip test's two branches, an ensemble's members).</summary>
    public static RawOutput Average(IReadOnlyList<RawOutput> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        if (outputs.Count == 0) throw new ArgumentException("Nothing to average.", nameof(outputs));
        var first = outputs[0];
        foreach (var other in outputs.Skip(1))
            if (other.Values.Length != first.Values.Length || (other.Batch, other.Channels, other.Height, other.Width) != (first.Batch, first.Channels, first.Height, first.Width))
                throw new ArgumentException($"Raw outputs of different shapes cannot be averaged: {first.Batch}x{first.Channels}x{first.Height}x{first.Width} vs {other.Batch}x{other.Channels}x{other.Height}x{other.Width}.");
        var values = new float[first.Values.Length];
        foreach (var output in outputs)
            for (var i = 0; i < values.Length; i++) values[i] += output.Values[i];
        var scale = 1f / outputs.Count;
        for (var i = 0; i < values.Length; i++) values[i] *= scale;
        return first with { Values = values };
    }

    /// <summary>Mirrors batch × 3 × H × W planar pixels along their width (the input's horizontal mirror, x → W − x).</summary>
    public static float[] MirrorPixels(float[] pixels, int width, int height)
    {
        var mirrored = new float[pixels.Length];
        for (var row = 0; row < pixels.Length / width; row++)
        {
            var offset = row * width;
            for (var x = 0; x < width; x++) mirrored[offset + width - 1 - x] = pixels[offset + x];
        }
        return mirrored;
    }

    private static void MirrorPlane(ReadOnlySpan<float> source, Span<float> target, int height, int width, float sign)
    {
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
            target[y * width + width - 1 - x] = sign * source[y * width + x];
    }

    /// <summary>The first maximum of a heatmap, as torch's argmax.</summary>
    private static int ArgmaxCell(ReadOnlySpan<float> heat)
    {
        var flat = 0;
        for (var i = 1; i < heat.Length; i++) if (heat[i] > heat[flat]) flat = i;
        return flat;
    }

    /// <summary>Heatmap k read at cell <paramref name="flat"/>, refined by offsets (or their vote) or a quadratic fit; confidence = sigmoid(the cell's logit).</summary>
    private (double X, double Y, double Confidence) AtCell(ReadOnlySpan<float> item, int k, int flat, int height, int width)
    {
        var plane = height * width;
        var heat = item.Slice(k * plane, plane);
        int column = flat % width, row = flat / width;
        var peak = heat[flat];
        double x, y;
        if (Card.Decoding == DecodingRule.HeatmapArgmaxRefined)
        {
            // Offsets are only trained near a keypoint; at a wrong peak they are arbitrary, so they are clamped to that radius.
            (x, y) = OffsetVote(item, k, column, row, height, width, reach: OffsetVoting ? 1 : 0);
        }
        else
        {
            x = column + QuadraticOffset(heat, flat, column, 1, width);
            y = row + QuadraticOffset(heat, flat, row, width, height);
        }
        return (x, y, 1 / (1 + Math.Exp(-peak)));
    }

    /// <summary>
    /// The confidence-weighted mean of (cell + its offset, clamped to the refinement radius) over the cells within
    /// <paramref name="reach"/> of (<paramref name="column"/>, <paramref name="row"/>) inside the map: reach 0 reads that
    /// cell alone, reach 1 its 3 × 3 cells, whose vote averages one cell's offset error out (each cell near a keypoint was
    /// trained to point at it) while the low confidence of cells off the peak keeps their untrained offsets faint. Weights
    /// are taken relative to the centre cell's, in log space, so the centre always counts and none underflows to 0/0.
    /// </summary>
    private (double X, double Y) OffsetVote(ReadOnlySpan<float> item, int k, int column, int row, int height, int width, int reach)
    {
        var plane = height * width;
        var r = Card.RefinementRadius;
        var heat = item.Slice(k * plane, plane);
        var dxMap = item.Slice((Keypoints + 2 * k) * plane, plane);
        var dyMap = item.Slice((Keypoints + 2 * k + 1) * plane, plane);
        var centre = LogSigmoid(heat[row * width + column]);
        double weights = 0, x = 0, y = 0;
        for (var dy = -reach; dy <= reach; dy++)
        for (var dx = -reach; dx <= reach; dx++)
        {
            int r0 = row + dy, c0 = column + dx;
            if (r0 < 0 || r0 >= height || c0 < 0 || c0 >= width) continue;
            var cell = r0 * width + c0;
            var weight = Math.Exp(LogSigmoid(heat[cell]) - centre);
            weights += weight;
            x += weight * (c0 + Math.Clamp(dxMap[cell], -r, r));
            y += weight * (r0 + Math.Clamp(dyMap[cell], -r, r));
        }
        return (x / weights, y / weights);
    }

    /// <summary>Vertex of the parabola through the log-sigmoid values at the peak and its two neighbours along one axis; 0 at the border or where they do not bend down.</summary>
    private static double QuadraticOffset(ReadOnlySpan<float> heat, int flat, int position, int step, int size)
    {
        if (position <= 0 || position >= size - 1) return 0;
        double before = LogSigmoid(heat[flat - step]), centre = LogSigmoid(heat[flat]), after = LogSigmoid(heat[flat + step]);
        var curvature = before - 2 * centre + after;
        if (!(curvature < 0)) return 0;
        return Math.Clamp(0.5 * (before - after) / curvature, -0.5, 0.5);
    }

    private static double LogSigmoid(double x) => Math.Min(x, 0) - Math.Log(1 + Math.Exp(-Math.Abs(x)));

    /// <summary>Expectation of the softmax over map k; confidence = the probability mass in the 5×5 window around its most likely cell.</summary>
    private static (double X, double Y, double Confidence) SoftArgmax(ReadOnlySpan<float> item, int k, int height, int width)
    {
        var plane = height * width;
        var logits = item.Slice(k * plane, plane);
        var flat = 0;
        for (var i = 1; i < plane; i++) if (logits[i] > logits[flat]) flat = i;
        double max = logits[flat], sum = 0;
        var p = new double[plane];
        for (var i = 0; i < plane; i++) sum += p[i] = Math.Exp(logits[i] - max);
        double x = 0, y = 0;
        for (var i = 0; i < plane; i++)
        {
            p[i] /= sum;
            x += p[i] * (i % width);
            y += p[i] * (i / width);
        }
        int column = flat % width, row = flat / width;
        double mass = 0;
        for (var dy = -2; dy <= 2; dy++)
        for (var dx = -2; dx <= 2; dx++)
        {
            int cx = column + dx, cy = row + dy;
            if (cx >= 0 && cx < width && cy >= 0 && cy < height) mass += p[cy * width + cx];
        }
        return (x, y, Math.Clamp(mass, 0, 1));
    }

    private void CheckLayout(RawOutput output)
    {
        if (output.Channels != Channels)
            throw new ArgumentException($"The raw output has {output.Channels} channels; a {Card.Decoding} head with {Keypoints} keypoints outputs {Channels}.", nameof(output));
        if (output.Values.Length != output.Batch * output.Channels * output.Height * output.Width)
            throw new ArgumentException($"The raw output holds {output.Values.Length} values, not {output.Batch}×{output.Channels}×{output.Height}×{output.Width}.", nameof(output));
    }
}
