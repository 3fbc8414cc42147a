using Onnx;

namespace NewtPose.Export;

/// <summary>
/// Folds each BatchNormalization into the Conv or ConvTranspose that feeds it (weight × γ/√(σ²+ε) per output channel,
/// bias (b − μ)·γ/√(σ²+ε) + β), as ONNX Runtime does at load time for float graphs. The quantiser needs it done in the
/// graph: once a weight sits behind a DequantizeLinear, ONNX Runtime can no longer fold a BatchNorm into it. A BatchNorm
/// that follows anything else, or whose input has other readers, stays as it is.
/// </summary>
internal static class BatchNormFolding
{
    public static void Fold(GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var producers = new Dictionary<string, NodeProto>();
        var readers = new Dictionary<string, int>();
        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output) producers[output] = node;
            foreach (var input in node.Input) readers[input] = readers.GetValueOrDefault(input) + 1;
        }
        var outputs = graph.Output.Select(o => o.Name).ToHashSet();
        foreach (var norm in graph.Node.Where(n => n.OpType == "BatchNormalization").ToArray())
        {
            var x = norm.Input[0];
            if (!producers.TryGetValue(x, out var conv) || conv.OpType is not ("Conv" or "ConvTranspose") || readers[x] != 1 || outputs.Contains(x)) continue;
            if (!initializers.TryGetValue(conv.Input[1], out var weightTensor) || norm.Input.Skip(1).Any(i => !initializers.ContainsKey(i))) continue;
            var gamma = OnnxTensors.Floats(initializers[norm.Input[1]]);
            var beta = OnnxTensors.Floats(initializers[norm.Input[2]]);
            var mean = OnnxTensors.Floats(initializers[norm.Input[3]]);
            var variance = OnnxTensors.Floats(initializers[norm.Input[4]]);
            var epsilon = norm.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
            var scale = gamma.Select((g, c) => g / MathF.Sqrt(variance[c] + epsilon)).ToArray();

            var weight = OnnxTensors.Floats(weightTensor);
            var dims = weightTensor.Dims.ToArray();
            var perOutput = OutputChannelOf(conv, dims);
            for (var i = 0; i < weight.Length; i++) weight[i] *= scale[perOutput(i)];
            var bias = conv.Input.Count > 2 && conv.Input[2].Length > 0 ? OnnxTensors.Floats(initializers[conv.Input[2]]) : new float[scale.Length];
            var folded = bias.Select((b, c) => (b - mean[c]) * scale[c] + beta[c]).ToArray();

            Replace(graph, initializers, weightTensor.Name, OnnxTensors.Float(weightTensor.Name, weight, dims));
            var biasName = conv.Input.Count > 2 && conv.Input[2].Length > 0 ? conv.Input[2] : conv.Name + ".bias";
            Replace(graph, initializers, biasName, OnnxTensors.Float(biasName, folded, [folded.Length]));
            if (conv.Input.Count > 2) conv.Input[2] = biasName;
            else conv.Input.Add(biasName);
            conv.Output[0] = norm.Output[0];
            graph.Node.Remove(norm);
        }
        // Statistics no node reads any more.
        var used = graph.Node.SelectMany(n => n.Input).ToHashSet();
        foreach (var unused in graph.Initializer.Where(t => !used.Contains(t.Name)).ToArray()) graph.Initializer.Remove(unused);
    }

    /// <summary>The output channel of weight element i: Conv (O, I/g, kH, kW); ConvTranspose (I, O/g, kH, kW), group g.</summary>
    internal static Func<int, int> OutputChannelOf(NodeProto conv, long[] dims)
    {
        var kernel = (int)(dims[2] * dims[3]);
        if (conv.OpType == "Conv") return i => i / (kernel * (int)dims[1]);
        var group = (int)(conv.Attribute.FirstOrDefault(a => a.Name == "group")?.I ?? 1);
        var (inputs, outputsPerGroup) = ((int)dims[0], (int)dims[1]);
        var inputsPerGroup = inputs / group;
        return i =>
        {
            var input = i / (kernel * outputsPerGroup);
            var output = i / kernel % outputsPerGroup;
            return input / inputsPerGroup * outputsPerGroup + output;
        };
    }

    private static void Replace(GraphProto graph, Dictionary<string, TensorProto> initializers, string name, TensorProto tensor)
    {
        if (initializers.TryGetValue(name, out var old)) graph.Initializer.Remove(old);
        graph.Initializer.Add(tensor);
        initializers[name] = tensor;
    }
}
