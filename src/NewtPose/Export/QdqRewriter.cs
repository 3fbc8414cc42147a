using Onnx;
using static NewtPose.Export.OnnxGraph;

namespace NewtPose.Export;

/// <summary>
/// Rewrites a float graph (BatchNorms already folded) into ONNX's QDQ form: a QuantizeLinear → DequantizeLinear pair
/// on every activation a quantised node reads or writes (uint8, asymmetric, one scale per tensor) and a
/// DequantizeLinear on each quantised convolution's weight (int8, symmetric, one scale per output channel) and bias
/// (int32, scale = input scale × weight scale). ONNX Runtime (ORT_ENABLE_EXTENDED and above) replaces each
/// DQ → Conv → Q by a QLinearConv, DQ → Add → Q by a QLinearAdd, and drops the pairs around MaxPool and nearest
/// Resize, which run on uint8 directly. A Relu or Clip(0, max) right after a quantised Conv or Add is removed: the
/// output's range then starts at 0 and the uint8 quantisation clips exactly as the Relu did.
/// </summary>
internal sealed class QdqRewriter
{
    /// <summary>Ops the quantiser understands: those it quantises, and float ones it leaves as they are.</summary>
    public static readonly IReadOnlySet<string> KnownOps = new HashSet<string>(StringComparer.Ordinal)
        { "Sub", "Div", "Conv", "ConvTranspose", "BatchNormalization", "Relu", "Clip", "MaxPool", "Add", "Resize" };

    private static readonly HashSet<string> PassThrough = ["MaxPool", "Resize"];

    private readonly ModelProto model;
    private readonly OnnxQuantizationOptions options;
    private readonly Dictionary<string, TensorProto> initializers;
    private readonly HashSet<string> graphOutputs;

    public QdqRewriter(ModelProto model, OnnxQuantizationOptions options)
    {
        this.model = model;
        this.options = options;
        foreach (var node in model.Graph.Node)
            if (!KnownOps.Contains(node.OpType))
                throw new OnnxExportException($"Cannot quantize node '{node.Name}' (op {node.OpType}): the int8 quantiser knows only {string.Join(", ", KnownOps)}; nothing was written.");
        initializers = model.Graph.Initializer.ToDictionary(t => t.Name);
        graphOutputs = model.Graph.Output.Select(o => o.Name).ToHashSet();
        FoldActivations();
        Plan();
    }

    /// <summary>Nodes that will run quantised. By reference: a protobuf message's equality and hash follow its contents, which the rewrite changes.</summary>
    public HashSet<NodeProto> Quantized { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Activations with their own range (calibrated); a pass-through op's output reuses its input's parameters.</summary>
    public List<string> Calibrated { get; } = [];

    private readonly Dictionary<string, string> aliasOf = [];
    private readonly List<string> quantizedTensors = [];

    /// <summary>The Relus and Clips removed (their outputs are now written by the Conv or Add before them).</summary>
    private void FoldActivations()
    {
        var readers = Readers();
        var producers = model.Graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(x => x.o, x => x.n);
        foreach (var activation in model.Graph.Node.Where(n => n.OpType is "Relu" or "Clip").ToArray())
        {
            if (activation.OpType == "Clip" && !(ClipMinimum(activation) == 0f)) continue;
            var x = activation.Input[0];
            if (!producers.TryGetValue(x, out var producer) || !IsComputation(producer) || readers[x].Count != 1 || graphOutputs.Contains(x)) continue;
            if (graphOutputs.Contains(activation.Output[0])) continue;
            producer.Output[0] = activation.Output[0];
            producers[activation.Output[0]] = producer;
            model.Graph.Node.Remove(activation);
        }
    }

    private float? ClipMinimum(NodeProto clip) =>
        clip.Input.Count > 1 && initializers.TryGetValue(clip.Input[1], out var min) ? OnnxTensors.Floats(min).Single() : null;

    /// <summary>A node whose arithmetic runs in int8 when quantised (not a pass-through); never the one writing a graph output.</summary>
    private bool IsComputation(NodeProto node) =>
        !graphOutputs.Contains(node.Output[0]) && node.OpType switch
        {
            "Conv" => initializers.ContainsKey(node.Input[1]),
            "Add" => node.Input.All(i => !initializers.ContainsKey(i)),
            "ConvTranspose" => options.QuantizeConvTranspose && initializers.ContainsKey(node.Input[1]) && (node.Attribute.FirstOrDefault(a => a.Name == "group")?.I ?? 1) == 1,
            _ => false,
        };

    private void Plan()
    {
        var marked = new HashSet<string>();
        void Mark(string tensor, string? alias = null)
        {
            if (!marked.Add(tensor)) return;
            quantizedTensors.Add(tensor);
            if (alias is null) Calibrated.Add(tensor);
            else aliasOf[tensor] = alias;
        }
        foreach (var node in model.Graph.Node)
        {
            if (IsComputation(node))
            {
                Quantized.Add(node);
                foreach (var input in node.OpType == "Add" ? node.Input : node.Input.Take(1)) Mark(input);
                Mark(node.Output[0]);
            }
            else if (PassThrough.Contains(node.OpType) && marked.Contains(node.Input[0]) && !graphOutputs.Contains(node.Output[0]))
            {
                Quantized.Add(node);
                Mark(node.Output[0], alias: Root(node.Input[0]));
            }
        }
    }

    private string Root(string tensor) => aliasOf.TryGetValue(tensor, out var a) ? Root(a) : tensor;

    /// <summary>Writes the QDQ graph, given each calibrated tensor's range.</summary>
    public void Rewrite(IReadOnlyDictionary<string, (float Min, float Max)> ranges)
    {
        var graph = model.Graph;
        var parameters = new Dictionary<string, (float Scale, byte ZeroPoint)>();
        foreach (var tensor in quantizedTensors)
            parameters[tensor] = aliasOf.ContainsKey(tensor) ? parameters[Root(tensor)] : Activation(ranges[tensor]);

        var nodes = new List<NodeProto>();
        var dequantized = quantizedTensors.ToDictionary(t => t, t => t + "_dq");
        void Pair(string tensor)
        {
            var (scale, zeroPoint) = parameters[tensor];
            var s = Add(OnnxTensors.Float(tensor + "_scale", [scale], []));
            var z = Add(OnnxTensors.UInt8(tensor + "_zero_point", [zeroPoint], []));
            nodes.Add(Node("QuantizeLinear", tensor + "_q", [tensor, s, z]));
            nodes.Add(Node("DequantizeLinear", dequantized[tensor], [tensor + "_q", s, z]));
        }
        foreach (var input in graph.Input.Where(i => dequantized.ContainsKey(i.Name))) Pair(input.Name);
        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Input.Count; i++)
                if (dequantized.TryGetValue(node.Input[i], out var dq)) node.Input[i] = dq;
            if (Quantized.Contains(node) && node.OpType is "Conv" or "ConvTranspose") QuantizeWeights(node, parameters[Root(InputBeforeDq(node.Input[0]))].Scale, nodes);
            nodes.Add(node);
            if (dequantized.ContainsKey(node.Output[0])) Pair(node.Output[0]);
        }
        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        var used = nodes.SelectMany(n => n.Input).ToHashSet();
        foreach (var unused in graph.Initializer.Where(t => !used.Contains(t.Name)).ToArray()) graph.Initializer.Remove(unused);
    }

    private static string InputBeforeDq(string name) => name.EndsWith("_dq", StringComparison.Ordinal) ? name[..^3] : name;

    /// <summary>int8 weights, one symmetric scale per output channel, and int32 bias; each behind a DequantizeLinear.</summary>
    private void QuantizeWeights(NodeProto conv, float inputScale, List<NodeProto> nodes)
    {
        var weightTensor = initializers[conv.Input[1]];
        var weight = OnnxTensors.Floats(weightTensor);
        var dims = weightTensor.Dims.ToArray();
        var axis = conv.OpType == "Conv" ? 0 : 1;
        var channels = (int)dims[axis];
        var channelOf = BatchNormFolding.OutputChannelOf(conv, dims);
        var largest = new float[channels];
        for (var i = 0; i < weight.Length; i++) largest[channelOf(i)] = Math.Max(largest[channelOf(i)], Math.Abs(weight[i]));
        var scales = largest.Select(m => m > 0 ? m / 127f : 1f).ToArray();
        var quantized = new sbyte[weight.Length];
        for (var i = 0; i < weight.Length; i++) quantized[i] = (sbyte)Math.Clamp(MathF.Round(weight[i] / scales[channelOf(i)]), -127, 127);

        var w = Add(OnnxTensors.Int8(conv.Input[1] + "_int8", quantized, dims));
        var ws = Add(OnnxTensors.Float(conv.Input[1] + "_scale", scales, [channels]));
        var wz = Add(OnnxTensors.Int8(conv.Input[1] + "_zero_point", new sbyte[channels], [channels]));
        nodes.Add(Node("DequantizeLinear", conv.Input[1] + "_dq", [w, ws, wz], Int("axis", axis)));
        conv.Input[1] = conv.Input[1] + "_dq";
        if (conv.Input.Count < 3 || conv.Input[2].Length == 0) return;

        var bias = OnnxTensors.Floats(initializers[conv.Input[2]]);
        var biasScales = scales.Select(s => inputScale * s).ToArray();
        var biasQuantized = bias.Select((b, c) => (int)Math.Clamp(Math.Round(b / biasScales[c]), int.MinValue + 1, int.MaxValue)).ToArray();
        var b = Add(OnnxTensors.Int32(conv.Input[2] + "_int32", biasQuantized, [channels]));
        var bs = Add(OnnxTensors.Float(conv.Input[2] + "_scale", biasScales, [channels]));
        var bz = Add(OnnxTensors.Int32(conv.Input[2] + "_zero_point", new int[channels], [channels]));
        nodes.Add(Node("DequantizeLinear", conv.Input[2] + "_dq", [b, bs, bz], Int("axis", 0)));
        conv.Input[2] = conv.Input[2] + "_dq";
    }

    /// <summary>uint8 scale and zero point for a range, widened to hold 0 (zero padding must be exact).</summary>
    private static (float Scale, byte ZeroPoint) Activation((float Min, float Max) range)
    {
        var (min, max) = (Math.Min(range.Min, 0f), Math.Max(range.Max, 0f));
        var scale = (max - min) / 255f;
        if (!(scale > 0) || !float.IsFinite(scale)) return (1f, 0);
        return (scale, (byte)Math.Clamp(MathF.Round(-min / scale), 0, 255));
    }

    private string Add(TensorProto tensor)
    {
        model.Graph.Initializer.Add(tensor);
        initializers[tensor.Name] = tensor;
        return tensor.Name;
    }

    private static NodeProto Node(string opType, string output, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private Dictionary<string, List<NodeProto>> Readers()
    {
        var readers = new Dictionary<string, List<NodeProto>>();
        foreach (var node in model.Graph.Node)
            foreach (var input in node.Input)
            {
                if (!readers.TryGetValue(input, out var list)) readers[input] = list = [];
                list.Add(node);
            }
        return readers;
    }
}
