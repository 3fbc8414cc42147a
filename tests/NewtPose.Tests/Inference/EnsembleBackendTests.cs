using NewtPose.Inference;
using NewtPose.Models;

namespace NewtPose.Tests.Inference;

public class EnsembleBackendTests
{
    /// <summary>TEST-ONLY: returns the same raw output for every call, and counts the calls and disposals.</summary>
    private sealed class FixedBackend(PoseModelSpec spec, float value) : IPoseBackend
    {
        public PoseModelSpec Spec => spec;
        public string Name => "fixed";
        public int Calls { get; private set; }
        public bool Disposed { get; private set; }

        public RawOutput Run(float[] pixels, int batch)
        {
            Calls++;
            var (h, w) = (spec.InputHeight / spec.HeatmapStride, spec.InputWidth / spec.HeatmapStride);
            var channels = 3 * spec.Keypoints.Count;
            var values = Enumerable.Range(0, batch * channels * h * w).Select(i => value + i % 7).ToArray();
            return new RawOutput(values, batch, channels, h, w);
        }

        public void Dispose() => Disposed = true;
    }

    private static readonly PoseModelSpec Spec = PoseModels.Spec("resnet18", ["snout", "left_eye", "right_eye"], 64, 64, swapPairs: [[1, 2]]);

    [Fact]
    public void The_members_raw_outputs_are_averaged_value_by_value_and_each_member_runs_once()
    {
        var (a, b, c) = (new FixedBackend(Spec, 1), new FixedBackend(Spec, 2), new FixedBackend(Spec, 6));
        using (var ensemble = new EnsembleBackend([a, b, c]))
        {
            var output = ensemble.Run(new float[2 * 3 * 64 * 64], 2);
            var alone = a.Run(new float[2 * 3 * 64 * 64], 2);
            Assert.Equal((2, 9, 16, 16), (output.Batch, output.Channels, output.Height, output.Width));
            // (1 + 2 + 6) / 3 = 3 more than member a's value at every position.
            for (var i = 0; i < output.Values.Length; i++) Assert.Equal(alone.Values[i] + 2, output.Values[i], 5);
            Assert.Equal((2, 1, 1), (a.Calls, b.Calls, c.Calls));
            Assert.Equal(3, ensemble.Count);
            Assert.Equal("fixed ensemble of 3", ensemble.Name);
        }
        Assert.True(a.Disposed && b.Disposed && c.Disposed);
    }

    [Fact]
    public void Models_whose_outputs_mean_different_things_are_refused_naming_the_difference()
    {
        string Refusal(PoseModelSpec other) =>
            Assert.Throws<ArgumentException>(() => new EnsembleBackend([new FixedBackend(Spec, 0), new FixedBackend(other, 0)])).Message;
        Assert.Contains("member 2", Refusal(Spec with { HeatmapStride = 8 }));
        Assert.Contains("heatmap stride 4 vs 8", Refusal(Spec with { HeatmapStride = 8 }));
        Assert.Contains("input 64x64 vs 96x64", Refusal(Spec with { InputWidth = 96 }));
        Assert.Contains("keypoints", Refusal(Spec with { Keypoints = ["snout", "right_eye", "left_eye"] }));
        Assert.Contains("head heatmap vs integral", Refusal(Spec with { Head = "integral" }));
        Assert.Contains("location refinement", Refusal(Spec with { LocationRefinement = false }));
        Assert.Contains("left/right pairs", Refusal(Spec with { SwapPairs = [] }));
        Assert.Contains("at least two", Assert.Throws<ArgumentException>(() => new EnsembleBackend([new FixedBackend(Spec, 0)])).Message);
        // Another backbone, normalisation or target σ still gives outputs of one meaning.
        Assert.Null(EnsembleBackend.OutputDifference(Spec, Spec with { Backbone = "resnet34", HeatmapSigma = 3, Mean = [0.5f, 0.5f, 0.5f] }));
    }

    [Fact]
    public void Raw_outputs_of_different_shapes_are_not_averaged()
    {
        var a = new RawOutput(new float[8], 1, 2, 2, 2);
        var b = new RawOutput(new float[8], 1, 2, 1, 4);
        Assert.Contains("different shapes", Assert.Throws<ArgumentException>(() => PoseDecoder.Average([a, b])).Message);
        Assert.Equal([2f, 3f], PoseDecoder.Average([a with { Values = [1, 2] , Channels = 1, Height = 1, Width = 2 }, a with { Values = [3, 4], Channels = 1, Height = 1, Width = 2 }]).Values);
    }
}
