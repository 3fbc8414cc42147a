using NewtPose.Inference;
using NewtPose.Models;
using NewtPose.Models.Heads;
using NewtPose.Tests.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace NewtPose.Tests.Inference;

/// <summary>
/// The float-array decoder (shared by every backend) must compute what the heads' tensor Decode and Unflip compute, and,
/// with offset voting, read a point as its peak cells' confidence-weighted vote.
/// </summary>
public class PoseDecoderTests
{
    private const int Input = 64;
    private const int Cells = Input / 4;
    private static readonly string[] Names = ["snout", "left_eye", "right_eye"];

    public static TheoryData<string, bool> Heads() => new() { { "heatmap", true }, { "heatmap", false }, { "integral", false } };

    /// <summary>A head and the decoder of its card; the tensor decoding reads the peak cell's own offset, so voting is off unless asked.</summary>
    private static (PoseHead Head, PoseDecoder Decoder) Make(string head, bool locref, bool offsetVoting = false)
    {
        var spec = PoseModels.Spec("resnet18", Names, Input, Input, head, swapPairs: [[1, 2]]) with { LocationRefinement = locref };
        PoseHead h = head == "integral" ? new IntegralHead(8, 4, 3) : new HeatmapHead(8, 4, 3, locref);
        return (h, new PoseDecoder(ModelCard.Describe(spec), offsetVoting));
    }

    private static RawOutput ToRaw(Tensor output)
    {
        var s = output.shape;
        return new RawOutput(output.contiguous().data<float>().ToArray(), (int)s[0], (int)s[1], (int)s[2], (int)s[3]);
    }

    /// <summary>Random outputs (peaks anywhere, offsets beyond the clamp) and exact Gaussian ones (sub-cell points).</summary>
    private static IEnumerable<Tensor> Outputs(int channels, bool locref)
    {
        manual_seed(5);
        yield return randn(3, channels, Cells, Cells) * 3;
        using var points = tensor(new float[] { 21.3f, 30.8f, 40.55f, 12.1f, 30.2f, 33.4f, 33.7f, 44.2f, 9.9f, 50.45f, 52.6f, 20.3f }, [2, 3, 2]);
        yield return ExactHeatmaps.Output(points, Cells, locref);
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Decoding_floats_gives_the_heads_tensor_decoding(string kind, bool locref)
    {
        var (head, decoder) = Make(kind, locref);
        using var _ = head;
        foreach (var output in Outputs(decoder.Channels, locref))
        {
            using (output)
            {
                var (keypoints, confidence) = head.Decode(output);
                var xy = keypoints.data<float>().ToArray();
                var conf = confidence.data<float>().ToArray();
                var decoded = decoder.Decode(ToRaw(output));
                for (var b = 0; b < decoded.Length; b++)
                for (var k = 0; k < 3; k++)
                {
                    var i = b * 3 + k;
                    Assert.True(Math.Abs(decoded[b][k].X - xy[2 * i]) < 1e-5 * Input, $"{kind} b{b} k{k}: x {decoded[b][k].X} vs {xy[2 * i]}");
                    Assert.True(Math.Abs(decoded[b][k].Y - xy[2 * i + 1]) < 1e-5 * Input, $"{kind} b{b} k{k}: y {decoded[b][k].Y} vs {xy[2 * i + 1]}");
                    Assert.True(Math.Abs(decoded[b][k].Confidence - conf[i]) < 1e-5, $"{kind} b{b} k{k}: confidence {decoded[b][k].Confidence} vs {conf[i]}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Unflipping_and_averaging_floats_give_the_heads_tensor_flip_test_exactly(string kind, bool locref)
    {
        var (head, decoder) = Make(kind, locref);
        using var _ = head;
        manual_seed(9);
        using var direct = randn(2, decoder.Channels, Cells, Cells);
        using var mirrored = randn(2, decoder.Channels, Cells, Cells);
        using var index = tensor(new long[] { 0, 2, 1 });
        using var unflipped = head.Unflip(mirrored, index);
        using var averaged = (direct + unflipped) / 2;

        var floats = decoder.Unflip(ToRaw(mirrored));

        Assert.Equal(unflipped.data<float>().ToArray(), floats.Values);
        Assert.Equal(averaged.data<float>().ToArray(), PoseDecoder.Average(ToRaw(direct), floats).Values);
        Assert.Equal(ToRaw(mirrored).Values, decoder.Unflip(floats).Values);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Peaks_are_the_local_maxima_highest_first_and_decode_as_the_argmax_does(bool locref)
    {
        var (head, decoder) = Make("heatmap", locref);
        head.Dispose();
        manual_seed(4);
        using var output = randn(2, decoder.Channels, Cells, Cells) * 3;
        var raw = ToRaw(output);
        var decoded = decoder.Decode(raw);
        var plane = Cells * Cells;
        for (var b = 0; b < 2; b++)
        for (var k = 0; k < 3; k++)
        {
            var heat = raw.Item(b).Slice(k * plane, plane).ToArray();
            var peaks = decoder.Peaks(raw, b, k, 6);
            Assert.Equal(6, peaks.Length);
            Assert.Equal(Array.IndexOf(heat, heat.Max()), peaks[0]);
            Assert.Equal(peaks.Select(c => heat[c]).OrderByDescending(v => v), peaks.Select(c => heat[c]));
            foreach (var cell in peaks)
            {
                int row = cell / Cells, column = cell % Cells;
                for (var dy = -1; dy <= 1; dy++)
                for (var dx = -1; dx <= 1; dx++)
                    if (row + dy is >= 0 and < Cells && column + dx is >= 0 and < Cells)
                        Assert.True(heat[(row + dy) * Cells + column + dx] <= heat[cell], $"b{b} k{k}: cell {cell} is not a local maximum");
            }
            Assert.Equal(decoded[b][k], decoder.DecodeAt(raw, b, k, peaks[0]));
            var second = decoder.DecodeAt(raw, b, k, peaks[1]);
            Assert.Equal(1 / (1 + Math.Exp(-heat[peaks[1]])), second.Confidence, 12);
            Assert.InRange(second.X - (peaks[1] % Cells + 0.5) * 4, -2 * 4 - 1e-9, 2 * 4 + 1e-9);
        }
        var (integral, soft) = Make("integral", false);
        integral.Dispose();
        Assert.False(soft.HasPeaks);
        Assert.Throws<InvalidOperationException>(() => soft.Peaks(new RawOutput(new float[3 * plane], 1, 3, Cells, Cells), 0, 0, 2));
    }

    [Fact]
    public void Offset_voting_is_the_confidence_weighted_mean_of_the_peak_cells_votes()
    {
        var (head, voting) = Make("heatmap", true, offsetVoting: true);
        head.Dispose();
        var (_, single) = Make("heatmap", true);
        Assert.True(voting.OffsetVoting);
        // One item: keypoint 0 peaks at cell (row 5, column 7); its right neighbour is the only other confident cell.
        var plane = Cells * Cells;
        var values = new float[voting.Channels * plane];
        Array.Fill(values, -30f, 0, 3 * plane);
        int peak = 5 * Cells + 7, right = peak + 1;
        values[peak] = 2f;
        values[right] = 1f;
        // The peak cell points 0.4 right and 0.2 down, its neighbour 0.5 left and 0.1 up; a far offset is clamped to the radius.
        (values[3 * plane + peak], values[4 * plane + peak]) = (0.4f, 0.2f);
        (values[3 * plane + right], values[4 * plane + right]) = (-0.5f, -0.1f);
        values[3 * plane + peak - Cells] = 50f;
        var raw = new RawOutput(values, 1, voting.Channels, Cells, Cells);

        double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
        var r = voting.Card.RefinementRadius;
        double wPeak = Sigmoid(2), wRight = Sigmoid(1), wFaint = Sigmoid(-30);
        // The seven faint cells vote for their own centres plus their offsets (0, or r for the clamped one).
        double faintX = (6 + 7 + 8 + 6 + 6 + 7 + 8) + r, faintY = 4 * 3 + 6 * 3 + 5;
        var expectedX = (wPeak * 7.4 + wRight * 7.5 + wFaint * faintX) / (wPeak + wRight + 7 * wFaint);
        var expectedY = (wPeak * 5.2 + wRight * 4.9 + wFaint * faintY) / (wPeak + wRight + 7 * wFaint);

        var point = voting.Decode(raw)[0][0];
        // Offsets are floats (0.4f is not 0.4): equal to float precision.
        Assert.Equal((expectedX + 0.5) * 4, point.X, 5);
        Assert.Equal((expectedY + 0.5) * 4, point.Y, 5);
        Assert.Equal(wPeak, point.Confidence, 12);
        var alone = single.Decode(raw)[0][0];
        Assert.Equal((7.4 + 0.5) * 4, alone.X, 5);
        Assert.Equal((5.2 + 0.5) * 4, alone.Y, 5);
        Assert.Equal(point, voting.DecodeAt(raw, 0, 0, voting.Peaks(raw, 0, 0, 1)[0]));
    }

    [Fact]
    public void Offset_voting_keeps_exact_points_exact_and_spreads_one_cells_offset_error()
    {
        var (head, voting) = Make("heatmap", true, offsetVoting: true);
        head.Dispose();
        var (_, single) = Make("heatmap", true);
        using var points = tensor(new float[] { 21.3f, 30.8f, 40.55f, 12.1f, 30.2f, 33.4f }, [1, 3, 2]);
        using var output = ExactHeatmaps.Output(points, Cells, true);
        var raw = ToRaw(output);
        var truth = points.data<float>().ToArray();
        var exact = voting.Decode(raw)[0];
        for (var k = 0; k < 3; k++)
        {
            Assert.Equal(truth[2 * k], exact[k].X, 4);
            Assert.Equal(truth[2 * k + 1], exact[k].Y, 4);
        }

        // A wrong x offset of 0.6 cells at keypoint 0's peak cell: read alone it moves the point by all of it, voted by far less.
        var plane = Cells * Cells;
        var peakCell = voting.Peaks(raw, 0, 0, 1)[0];
        raw.Values[3 * plane + peakCell] += 0.6f;
        var voted = voting.Decode(raw)[0][0].X - truth[0];
        var alone = single.Decode(raw)[0][0].X - truth[0];
        Assert.Equal(0.6 * 4, alone, 4);
        Assert.InRange(voted, 0.05, 0.5 * alone);
    }

    [Fact]
    public void Offset_voting_stays_finite_where_every_cell_is_far_below_zero()
    {
        var (head, voting) = Make("heatmap", true, offsetVoting: true);
        head.Dispose();
        var plane = Cells * Cells;
        var values = new float[voting.Channels * plane];
        Array.Fill(values, -1000f, 0, 3 * plane);
        values[4 * Cells + 6] = -990f;
        values[3 * plane + 4 * Cells + 6] = 0.25f;
        var point = voting.Decode(new RawOutput(values, 1, voting.Channels, Cells, Cells))[0][0];
        // The centre's sigmoid weight underflows to 0 in double; relative weights keep the peak's vote, 10 nats above the rest.
        Assert.Equal((6 + 0.25 + 0.5) * 4, point.X, 2);
        Assert.Equal((4 + 0.5) * 4, point.Y, 2);
    }

    [Theory]
    [InlineData("heatmap", false)]
    [InlineData("integral", false)]
    public void Offset_voting_changes_nothing_for_a_head_without_offsets(string kind, bool locref)
    {
        var (head, voting) = Make(kind, locref, offsetVoting: true);
        head.Dispose();
        var (_, plain) = Make(kind, locref);
        Assert.False(voting.OffsetVoting);
        manual_seed(3);
        using var output = randn(2, voting.Channels, Cells, Cells) * 3;
        Assert.Equal(plain.Decode(ToRaw(output)).SelectMany(p => p), voting.Decode(ToRaw(output)).SelectMany(p => p));
    }

    [Fact]
    public void Mirroring_pixels_is_the_tensors_flip_along_the_width()
    {
        manual_seed(2);
        using var pixels = rand(2, 3, 8, 12);
        using var flipped = pixels.flip(3);
        Assert.Equal(flipped.data<float>().ToArray(), PoseDecoder.MirrorPixels(pixels.data<float>().ToArray(), 12, 8));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Turning_pixels_is_the_tensors_quarter_rotation(int quarterTurns)
    {
        manual_seed(3);
        using var pixels = rand(2, 3, 8, 8);
        using var turned = pixels.rot90(quarterTurns, (2, 3));
        Assert.Equal(turned.data<float>().ToArray(), PoseDecoder.TurnPixels(pixels.data<float>().ToArray(), 8, quarterTurns));
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(true, 2)]
    [InlineData(true, 3)]
    [InlineData(false, 1)]
    [InlineData(false, 3)]
    public void Unturning_the_output_for_turned_points_gives_the_output_for_the_points(bool locref, int quarterTurns)
    {
        var (head, decoder) = Make("heatmap", locref);
        head.Dispose();
        var points = new float[] { 21.3f, 30.8f, 40.55f, 12.1f, 30.2f, 33.4f, 33.7f, 44.2f, 9.9f, 50.45f, 52.6f, 20.3f };
        // Each quarter turn moves a point (x, y) of the S × S input to (y, S − x), as TurnPixels moves the pixels.
        var turned = (float[])points.Clone();
        for (var q = 0; q < quarterTurns; q++)
            for (var i = 0; i < turned.Length; i += 2) (turned[i], turned[i + 1]) = (turned[i + 1], Input - turned[i]);
        using var straight = tensor(points, [2, 3, 2]);
        using var moved = tensor(turned, [2, 3, 2]);
        using var expected = ExactHeatmaps.Output(straight, Cells, locref);
        using var output = ExactHeatmaps.Output(moved, Cells, locref);

        var back = decoder.Unturn(ToRaw(output), quarterTurns);

        var want = ToRaw(expected).Values;
        Assert.Equal(want.Length, back.Values.Length);
        for (var i = 0; i < want.Length; i++) Assert.True(Math.Abs(want[i] - back.Values[i]) < 1e-4, $"value {i}: {back.Values[i]} vs {want[i]}");
        if (!locref) return;
        // With offsets the exact maps decode to the points themselves, so the turned-back ones must too.
        var decoded = decoder.Decode(back);
        for (var b = 0; b < 2; b++)
        for (var k = 0; k < 3; k++)
        {
            Assert.True(Math.Abs(points[2 * (3 * b + k)] - decoded[b][k].X) < 1e-3, $"b{b} k{k}: x {decoded[b][k].X}");
            Assert.True(Math.Abs(points[2 * (3 * b + k) + 1] - decoded[b][k].Y) < 1e-3, $"b{b} k{k}: y {decoded[b][k].Y}");
        }
    }

    [Fact]
    public void Only_square_maps_are_turned_back()
    {
        var (head, decoder) = Make("heatmap", true);
        head.Dispose();
        var e = Assert.Throws<ArgumentException>(() => decoder.Unturn(new RawOutput(new float[9 * 4 * 8], 1, 9, 4, 8), 1));
        Assert.Contains("8x4", e.Message);
    }

    [Fact]
    public void An_output_of_the_wrong_layout_is_refused_with_both_channel_counts()
    {
        var (head, decoder) = Make("heatmap", true);
        head.Dispose();
        var e = Assert.Throws<ArgumentException>(() => decoder.Decode(new RawOutput(new float[3 * 16], 1, 3, 4, 4)));
        Assert.Contains("3 channels", e.Message);
        Assert.Contains("9", e.Message);
    }
}
