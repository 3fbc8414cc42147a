using Google.Protobuf;
using NewtPose.Export;
using NewtPose.Inference;
using NewtPose.Models;
using Onnx;
using Xunit.Abstractions;
using static NewtPose.Tests.Export.ExportFixtures;

namespace NewtPose.Tests.Export;

/// <summary>The hand-written int8 quantiser: ONNX Runtime fuses its QDQ graph, and the int8 output stays close to float.</summary>
public sealed class OnnxQuantizationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("resnet18")]
    [InlineData("mobilenetv2")]
    [InlineData("hrnet-small")]
    public void The_int8_graph_runs_fused_in_onnx_runtime_and_its_heatmap_peaks_agree_with_float(string backbone)
    {
        using var model = RandomModel(backbone, "heatmap", locationRefinement: true, width: 64, height: 64);
        var card = ModelCard.Describe(model.Spec);
        var fp32 = OnnxExport.Build(model, 17, card, card.ToJson(), null);
        var calibration = Enumerable.Range(1, 6).Select(i => PhotoCrop(model.Spec, i)).ToArray();
        var result = OnnxQuantization.QuantizeStatic(fp32, calibration, "six fixture photos");

        // What ONNX Runtime runs: every quantised Conv became a QLinearConv (the head's last conv writes the graph's float
        // output and stays float; so do the deconvolutions, which the CPU provider cannot fuse).
        var ops = OnnxQuantization.OptimizedOps(result.Model);
        output.WriteLine($"{backbone}: quantised {Describe(result.QuantizedNodes)}; float {Describe(result.FloatNodes)}; ORT runs {Describe(ops)}");
        Assert.Equal(result.QuantizedNodes["Conv"], ops.GetValueOrDefault("QLinearConv"));
        Assert.Equal(1, ops.GetValueOrDefault("Conv"));
        Assert.Equal(fp32.Graph.Node.Count(n => n.OpType == "ConvTranspose"), ops.GetValueOrDefault("ConvTranspose"));
        if (backbone != "mobilenetv2") Assert.True(ops.GetValueOrDefault("QLinearAdd") > 0, "the residual Adds were not fused");
        Assert.Contains("int8", result.Model.MetadataProps.Single(p => p.Key == OnnxQuantization.MetadataKey).Value);

        // Photos the calibration did not see. The tolerance: 8-bit activations over ~20 layers add noise of a few % of
        // the output's spread (RMS below 5 %), and a point is decoded from its heatmap's peak; with random weights many
        // cells are nearly tied, so the peak may move to another cell, but only to one whose float logit was within a
        // few RMS errors of the float peak (a near-tie), never to a cell the float model scored clearly lower.
        var pixels = PhotoCrop(model.Spec, 7).Concat(PhotoCrop(model.Spec, 8)).ToArray();
        using var floatBackend = OnnxBackend.FromBytes(fp32.ToByteArray(), "fp32", new OnnxBackendOptions(IntraOpThreads: 1));
        using var int8Backend = OnnxBackend.FromBytes(result.Model.ToByteArray(), "int8", new OnnxBackendOptions(IntraOpThreads: 1));
        var expected = floatBackend.Run(pixels, 2);
        var actual = int8Backend.Run(pixels, 2);
        var rms = Rms(expected.Values, actual.Values);
        var relative = rms / Spread(expected.Values);
        var (same, total, worstGap) = (0, 0, 0.0);
        for (var b = 0; b < 2; b++)
            for (var k = 0; k < model.Spec.Keypoints.Count; k++, total++)
            {
                var map = Map(expected, b, k);
                var (e, a) = (Peak(map), Peak(Map(actual, b, k)));
                if (e == a) same++;
                worstGap = Math.Max(worstGap, (map[e] - map[a]) / rms);
            }
        output.WriteLine($"RMS |int8 − float| {rms:E2} = {relative:P2} of the spread; heatmap peaks in the same cell {same}/{total}; " +
                         $"worst float logit gap between the two peaks {worstGap:F2} RMS errors");
        Assert.True(relative < 0.05, $"int8 output RMS error {relative:P2} of the output's spread");
        Assert.True(worstGap <= 4, $"an int8 peak sits on a cell {worstGap:F2} RMS errors below the float peak");
        Assert.True(same >= total / 2, $"only {same} of {total} peaks in the same cell");
    }

    [Fact]
    public void A_graph_with_an_op_the_quantiser_does_not_know_is_refused_naming_the_op_and_node()
    {
        using var model = RandomModel("resnet18", "heatmap", locationRefinement: false, width: 32, height: 32);
        var card = ModelCard.Describe(model.Spec);
        var fp32 = OnnxExport.Build(model, 17, card, card.ToJson(), null);
        var relu = fp32.Graph.Node.First(n => n.OpType == "Relu");
        relu.OpType = "Elu";
        var error = Assert.Throws<OnnxExportException>(() => OnnxQuantization.QuantizeStatic(fp32, [PhotoCrop(model.Spec)], "one photo"));
        Assert.Contains("op Elu", error.Message);
        Assert.Contains(relu.Name, error.Message);
    }

    [Fact]
    public void Calibration_needs_at_least_one_input_of_the_models_size()
    {
        using var model = RandomModel("resnet18", "heatmap", locationRefinement: false, width: 32, height: 32);
        var card = ModelCard.Describe(model.Spec);
        var fp32 = OnnxExport.Build(model, 17, card, card.ToJson(), null);
        Assert.Contains("at least one", Assert.Throws<ArgumentException>(() => OnnxQuantization.QuantizeStatic(fp32, [], "nothing")).Message);
        Assert.Contains("3 × H × W", Assert.Throws<ArgumentException>(() => OnnxQuantization.QuantizeStatic(fp32, [new float[10]], "too small")).Message);
        Assert.Contains("at least 1 photo", Assert.Throws<ArgumentException>(() => new RunCalibrationOptions(Photos: 0).Validate()).Message);
    }

    [Fact]
    public void Folding_batch_norm_into_convolutions_keeps_the_float_output()
    {
        using var model = RandomModel("resnet18", "heatmap", locationRefinement: true, width: 32, height: 32);
        var card = ModelCard.Describe(model.Spec);
        var fp32 = OnnxExport.Build(model, 17, card, card.ToJson(), null);
        var folded = fp32.Clone();
        BatchNormFolding.Fold(folded.Graph);
        Assert.DoesNotContain(folded.Graph.Node, n => n.OpType == "BatchNormalization");
        var pixels = RandomPixels(model.Spec, 2, seed: 3);
        using var before = OnnxBackend.FromBytes(fp32.ToByteArray(), "fp32", new OnnxBackendOptions(IntraOpThreads: 1, Optimization: Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_DISABLE_ALL));
        using var after = OnnxBackend.FromBytes(folded.ToByteArray(), "folded", new OnnxBackendOptions(IntraOpThreads: 1, Optimization: Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_DISABLE_ALL));
        Assert.True(MaxAbsDifference(before.Run(pixels, 2).Values, after.Run(pixels, 2).Values) < 1e-4);
    }

    private static float[] Map(RawOutput output, int batch, int channel) =>
        output.Item(batch).Slice(channel * output.Height * output.Width, output.Height * output.Width).ToArray();

    private static int Peak(float[] map)
    {
        var best = 0;
        for (var i = 1; i < map.Length; i++) if (map[i] > map[best]) best = i;
        return best;
    }

    private static double Rms(float[] a, float[] b) => Math.Sqrt(a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Average());

    private static string Describe(IReadOnlyDictionary<string, int> ops) => string.Join(", ", ops.Select(o => $"{o.Key} {o.Value}"));
}
