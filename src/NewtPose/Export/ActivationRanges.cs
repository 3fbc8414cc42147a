using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace NewtPose.Export;

/// <summary>
/// The range of values each named tensor of a float graph takes over the calibration inputs: the extreme values
/// (<see cref="CalibrationMethod.MinMax"/>), or the values at a percentile of a histogram over them
/// (<see cref="CalibrationMethod.Percentile"/>, which lets a few outliers saturate instead of coarsening every other value).
/// </summary>
internal static class ActivationRanges
{
    private const int Bins = 4096;
    private const int CallBatch = 8;

    public static Dictionary<string, (float Min, float Max)> Measure(ModelProto model, IReadOnlyCollection<string> tensors,
        IReadOnlyList<float[]> inputs, OnnxQuantizationOptions options)
    {
        var probe = model.Clone();
        var outputs = probe.Graph.Output.Select(o => o.Name).ToHashSet();
        foreach (var name in tensors.Where(t => !outputs.Contains(t)))
            probe.Graph.Output.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC,
            IntraOpNumThreads = options.Threads,
            InterOpNumThreads = 1,
        };
        using var session = new InferenceSession(probe.ToByteArray(), sessionOptions);
        var input = probe.Graph.Input[0];
        var shape = input.Type.TensorType.Shape.Dim.Select(d => d.DimValue).ToArray();
        var names = tensors.ToArray();

        var extremes = names.ToDictionary(n => n, _ => (Min: float.PositiveInfinity, Max: float.NegativeInfinity));
        Each(session, input.Name, shape, inputs, names, (name, values) =>
        {
            var (min, max) = extremes[name];
            foreach (var v in values) { if (v < min) min = v; if (v > max) max = v; }
            extremes[name] = (min, max);
        });
        if (options.Calibration == CalibrationMethod.MinMax) return extremes;

        var histograms = names.ToDictionary(n => n, _ => new long[Bins]);
        Each(session, input.Name, shape, inputs, names, (name, values) =>
        {
            var (min, max) = extremes[name];
            var histogram = histograms[name];
            var width = (max - min) / Bins;
            if (!(width > 0)) return;
            foreach (var v in values) histogram[Math.Clamp((int)((v - min) / width), 0, Bins - 1)]++;
        });
        return names.ToDictionary(n => n, n => Percentile(histograms[n], extremes[n], options.Percentile));
    }

    /// <summary>Runs the calibration inputs in batches and hands each tensor's values of each batch to <paramref name="visit"/>.</summary>
    private static void Each(InferenceSession session, string inputName, long[] shape, IReadOnlyList<float[]> inputs, string[] names, Action<string, ReadOnlySpan<float>> visit)
    {
        using var runOptions = new RunOptions();
        for (var start = 0; start < inputs.Count; start += CallBatch)
        {
            var batch = Math.Min(CallBatch, inputs.Count - start);
            var plane = inputs[start].Length;
            var pixels = new float[batch * plane];
            for (var i = 0; i < batch; i++) inputs[start + i].CopyTo(pixels, i * plane);
            using var value = OrtValue.CreateTensorValueFromMemory(pixels, [batch, shape[1], shape[2], shape[3]]);
            using var results = session.Run(runOptions, [inputName], [value], names);
            for (var i = 0; i < names.Length; i++) visit(names[i], results[i].GetTensorDataAsSpan<float>());
        }
    }

    /// <summary>The values below which (1 − p) and above which (1 − p) of the counts lie, p = percentile / 100.</summary>
    private static (float Min, float Max) Percentile(long[] histogram, (float Min, float Max) extremes, double percentile)
    {
        var total = histogram.Sum();
        if (total == 0) return extremes;
        var width = (extremes.Max - extremes.Min) / Bins;
        var tail = (long)Math.Floor(total * (1 - percentile / 100));
        int low = 0, high = Bins - 1;
        for (long seen = 0; low < Bins - 1 && seen + histogram[low] <= tail; low++) seen += histogram[low];
        for (long seen = 0; high > 0 && seen + histogram[high] <= tail; high--) seen += histogram[high];
        return (extremes.Min + low * width, extremes.Min + (high + 1) * width);
    }
}
