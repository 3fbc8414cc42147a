using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace NewtPose.Export;

/// <summary>
/// An ONNX graph being written: initialisers (weights copied out of TorchSharp tensors), nodes with their attributes, and
/// the graph's input and output. Every node has one output, named like the node, so a module path names its result.
/// </summary>
internal sealed class OnnxGraph
{
    private readonly HashSet<string> names = [];

    public GraphProto Proto { get; } = new() { Name = "newtpose" };

    /// <summary>A float initialiser holding a copy of <paramref name="value"/> (detached, on the CPU, contiguous).</summary>
    public string Weight(string name, Tensor value)
    {
        using var cpu = value.detach().cpu().to(ScalarType.Float32).contiguous();
        return Add(name, TensorProto.Types.DataType.Float, ByteString.CopyFrom(cpu.bytes), cpu.shape);
    }

    public string Constant(string name, float[] values, long[] dims) =>
        Add(name, TensorProto.Types.DataType.Float, ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())), dims);

    private string Add(string name, TensorProto.Types.DataType type, ByteString raw, long[] dims)
    {
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)type, RawData = raw };
        tensor.Dims.AddRange(dims);
        Proto.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a node whose single output is named <paramref name="name"/> (made unique) and returns that name.</summary>
    public string Node(string opType, string name, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var output = Unique(name);
        var node = new NodeProto { OpType = opType, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Proto.Node.Add(node);
        return output;
    }

    /// <summary>A float32 graph input or output; a null dimension is symbolic, named by <paramref name="symbols"/>.</summary>
    public static ValueInfoProto Value(string name, long?[] dims, string[] symbols)
    {
        var shape = new TensorShapeProto();
        for (var i = 0; i < dims.Length; i++)
            shape.Dim.Add(dims[i] is { } d ? new TensorShapeProto.Types.Dimension { DimValue = d } : new TensorShapeProto.Types.Dimension { DimParam = symbols[i] });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Text(string name, string value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    private string Unique(string name)
    {
        if (string.IsNullOrEmpty(name)) name = "node";
        var candidate = name;
        for (var i = 1; !names.Add(candidate); i++) candidate = $"{name}_{i}";
        return candidate;
    }
}
