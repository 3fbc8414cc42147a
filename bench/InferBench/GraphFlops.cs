using Onnx;

/// <summary>
/// Multiply-adds of an exported graph's convolutions and deconvolutions (everything else is a rounding error next to
/// them), counted by propagating shapes through the few ops the exporter writes. FLOPs = 2 × multiply-adds.
/// </summary>
internal static class GraphFlops
{
    public static double GigaFlopsPerImage(ModelProto model, int height, int width)
    {
        var shapes = new Dictionary<string, long[]> { [model.Graph.Input[0].Name] = [1, 3, height, width] };
        var weights = model.Graph.Initializer.ToDictionary(t => t.Name, t => t.Dims.ToArray());
        double macs = 0;
        foreach (var node in model.Graph.Node)
        {
            var x = shapes[node.Input[0]];
            long[] y;
            switch (node.OpType)
            {
                case "Conv":
                {
                    var w = weights[node.Input[1]];
                    y = [x[0], w[0], Out(x[2], node, 0, transposed: false), Out(x[3], node, 1, transposed: false)];
                    macs += (double)y[0] * y[1] * y[2] * y[3] * w[1] * w[2] * w[3];
                    break;
                }
                case "ConvTranspose":
                {
                    var w = weights[node.Input[1]];
                    var group = Int(node, "group", 1);
                    y = [x[0], w[1] * group, Out(x[2], node, 0, transposed: true), Out(x[3], node, 1, transposed: true)];
                    macs += (double)x[0] * x[1] * x[2] * x[3] * w[1] * w[2] * w[3];
                    break;
                }
                case "MaxPool":
                    y = [x[0], x[1], Out(x[2], node, 0, transposed: false), Out(x[3], node, 1, transposed: false)];
                    break;
                case "Resize":
                {
                    var scales = model.Graph.Initializer.Single(t => t.Name == node.Input[2]);
                    var s = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(scales.RawData.Span).ToArray();
                    y = [x[0], x[1], (long)(x[2] * s[2]), (long)(x[3] * s[3])];
                    break;
                }
                case "Sub" or "Div" or "Add" or "Relu" or "Clip" or "BatchNormalization":
                    y = x;
                    break;
                default:
                    throw new NotSupportedException($"GraphFlops does not know op {node.OpType} ({node.Name}).");
            }
            shapes[node.Output[0]] = y;
        }
        return 2 * macs / 1e9;
    }

    private static long Out(long size, NodeProto node, int axis, bool transposed)
    {
        var kernel = Ints(node, "kernel_shape")[axis];
        var stride = Ints(node, "strides") is { Length: > 0 } s ? s[axis] : 1;
        var pads = Ints(node, "pads") is { Length: 4 } p ? p[axis] + p[axis + 2] : 0;
        var dilation = Ints(node, "dilations") is { Length: > 0 } d ? d[axis] : 1;
        if (transposed)
        {
            var outputPadding = Ints(node, "output_padding") is { Length: > 0 } o ? o[axis] : 0;
            return stride * (size - 1) + outputPadding + dilation * (kernel - 1) + 1 - pads;
        }
        return (size + pads - dilation * (kernel - 1) - 1) / stride + 1;
    }

    private static long[] Ints(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name)?.Ints.ToArray() ?? [];

    private static long Int(NodeProto node, string name, long fallback) => node.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? fallback;
}
