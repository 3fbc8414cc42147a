using NewtPose.Models;
using NewtPose.Models.Backbones;
using NewtPose.Models.Heads;
using TorchSharp;
using TorchSharp.Modules;
using static NewtPose.Export.OnnxGraph;
using static TorchSharp.torch;

namespace NewtPose.Export;

/// <summary>
/// Writes a TorchSharp module tree as ONNX nodes by walking its named children. TorchSharp's layers map one to one
/// (Conv2d → Conv, ConvTranspose2d → ConvTranspose, BatchNorm2d → BatchNormalization with the running statistics, ReLU →
/// Relu, ReLU6 → Clip(0, 6), MaxPool2d → MaxPool, Upsample(nearest) → Resize, Sequential → its children in order,
/// Identity → nothing); NewtPose's blocks (residual blocks, inverted residuals, HRNet's modules, the heads, PoseModel) are
/// written from the same children their <c>forward</c> uses. A module of any other type, a block whose children are not
/// the expected ones, or a layer setting the mapping does not cover is an <see cref="OnnxExportException"/> naming the
/// module's type and path: a wrong graph is never written silently.
/// </summary>
internal sealed class OnnxModuleWriter(OnnxGraph graph)
{
    /// <summary>Writes <paramref name="module"/> applied to the value <paramref name="input"/>; returns the output's name.</summary>
    public string Write(nn.Module module, string path, string input) => module switch
    {
        PoseModel m => PoseModel(m, path, input),
        HeatmapHead or IntegralHead => Head(module, path, input),
        ResNet m => ResNet(m, path, input),
        ResNet.BasicBlock m => BasicBlock(m, path, input),
        ResNet.BottleneckBlock m => BottleneckBlock(m, path, input),
        MobileNetV2 m => Chain(Children(m, path, ["features"]), path, input),
        MobileNetV2.InvertedResidual m => InvertedResidual(m, path, input),
        HrNetSmall m => HrNet(m, path, input),
        HrNetSmall.ResidualBlock m => HrNetResidual(m, path, input),
        Sequential m => Chain(Children(m, path, null), path, input),
        Conv2d m => Conv(m, path, input),
        ConvTranspose2d m => ConvTranspose(m, path, input),
        BatchNorm2d m => BatchNorm(m, path, input),
        ReLU => graph.Node("Relu", path, [input]),
        ReLU6 => Clip(path, input, 0, 6),
        MaxPool2d m => MaxPool(m, path, input),
        Upsample m => Upsample(m, path, input),
        Identity => input,
        _ => throw Unknown(module, path, "the exporter has no mapping for this module type"),
    };

    private string PoseModel(PoseModel model, string path, string input)
    {
        var children = Children(model, path, ["backbone", "head"]);
        var spec = model.Spec;
        // PoseModel.forward normalises first; the same Sub and Div keep the graph equal to it to the last bit.
        var mean = graph.Constant(Join(path, "normalize.mean"), spec.Mean, [1, 3, 1, 1]);
        var std = graph.Constant(Join(path, "normalize.std"), spec.Std, [1, 3, 1, 1]);
        var centred = graph.Node("Sub", Join(path, "normalize.sub"), [input, mean]);
        var normalised = graph.Node("Div", Join(path, "normalize.div"), [centred, std]);
        var features = Write(children["backbone"], Join(path, "backbone"), normalised);
        return Write(children["head"], Join(path, "head"), features);
    }

    private string Head(nn.Module head, string path, string input)
    {
        var children = Children(head, path, ["deconv", "final"]);
        return Write(children["final"], Join(path, "final"), Write(children["deconv"], Join(path, "deconv"), input));
    }

    private string ResNet(ResNet resnet, string path, string input)
    {
        var c = Children(resnet, path, ["conv1", "bn1", "maxpool", "layer1", "layer2", "layer3", "layer4"]);
        var x = Write(c["bn1"], Join(path, "bn1"), Write(c["conv1"], Join(path, "conv1"), input));
        x = Write(c["maxpool"], Join(path, "maxpool"), graph.Node("Relu", Join(path, "relu"), [x]));
        foreach (var layer in new[] { "layer1", "layer2", "layer3", "layer4" }) x = Write(c[layer], Join(path, layer), x);
        return x;
    }

    private string BasicBlock(nn.Module block, string path, string input)
    {
        var c = Children(block, path, ["conv1", "bn1", "conv2", "bn2"], optional: ["downsample"]);
        var x = graph.Node("Relu", Join(path, "relu1"), [Step(c, path, input, "conv1", "bn1")]);
        return Residual(c, path, input, Step(c, path, x, "conv2", "bn2"));
    }

    private string BottleneckBlock(nn.Module block, string path, string input)
    {
        var c = Children(block, path, ["conv1", "bn1", "conv2", "bn2", "conv3", "bn3"], optional: ["downsample"]);
        var x = graph.Node("Relu", Join(path, "relu1"), [Step(c, path, input, "conv1", "bn1")]);
        x = graph.Node("Relu", Join(path, "relu2"), [Step(c, path, x, "conv2", "bn2")]);
        return Residual(c, path, input, Step(c, path, x, "conv3", "bn3"));
    }

    /// <summary>relu(x + shortcut), the shortcut being the block's downsample when it has one, else its input.</summary>
    private string Residual(Dictionary<string, nn.Module> c, string path, string input, string x)
    {
        var identity = c.TryGetValue("downsample", out var downsample) ? Write(downsample, Join(path, "downsample"), input) : input;
        return graph.Node("Relu", Join(path, "relu"), [graph.Node("Add", Join(path, "add"), [x, identity])]);
    }

    private string Step(Dictionary<string, nn.Module> c, string path, string input, string conv, string norm) =>
        Write(c[norm], Join(path, norm), Write(c[conv], Join(path, conv), input));

    private string InvertedResidual(MobileNetV2.InvertedResidual block, string path, string input)
    {
        var output = Write(Children(block, path, ["conv"])["conv"], Join(path, "conv"), input);
        return block.Residual ? graph.Node("Add", Join(path, "add"), [output, input]) : output;
    }

    private string HrNet(HrNetSmall hrnet, string path, string input)
    {
        var c = Children(hrnet, path, ["stem", "layer1", "transition1", "stage2", "transition2", "stage3"]);
        var x = Write(c["layer1"], Join(path, "layer1"), Write(c["stem"], Join(path, "stem"), input));
        var transitions = List(c["transition1"], Join(path, "transition1"));
        var branches = transitions.Select((t, i) => Write(t, Join(path, $"transition1.{i}"), x)).ToArray();
        var stage2 = List(c["stage2"], Join(path, "stage2"));
        for (var i = 0; i < stage2.Count; i++) branches = HighResolution(stage2[i], Join(path, $"stage2.{i}"), branches);
        branches = [.. branches, Write(c["transition2"], Join(path, "transition2"), branches[^1])];
        var stage3 = List(c["stage3"], Join(path, "stage3"));
        for (var i = 0; i < stage3.Count; i++) branches = HighResolution(stage3[i], Join(path, $"stage3.{i}"), branches);
        return branches[0];
    }

    private string HrNetResidual(nn.Module block, string path, string input)
    {
        var c = Children(block, path, ["conv1", "bn1", "conv2", "bn2"]);
        var x = graph.Node("Relu", Join(path, "relu1"), [Step(c, path, input, "conv1", "bn1")]);
        return Residual(c, path, input, Step(c, path, x, "conv2", "bn2"));
    }

    /// <summary>HRNet's module: a residual block per branch, then out_i = relu(x_i + Σ_{j≠i} fuse[i·n + j](x_j)).</summary>
    private string[] HighResolution(nn.Module module, string path, string[] inputs)
    {
        if (module is not HrNetSmall.HighResolutionModule) throw Unknown(module, path, "expected HRNet's HighResolutionModule here");
        var c = Children(module, path, ["branches", "fuse"]);
        var branches = List(c["branches"], Join(path, "branches"));
        var fuse = List(c["fuse"], Join(path, "fuse"));
        var n = branches.Count;
        if (n != inputs.Length || fuse.Count != n * n)
            throw Unknown(module, path, $"{n} branches and {fuse.Count} fuse layers for {inputs.Length} inputs; expected one branch per input and n² fuse layers");
        var x = branches.Select((b, i) => Write(b, Join(path, $"branches.{i}"), inputs[i])).ToArray();
        var outputs = new string[n];
        for (var i = 0; i < n; i++)
        {
            var sum = x[i];
            for (var j = 0; j < n; j++)
                if (j != i) sum = graph.Node("Add", Join(path, $"sum{i}"), [sum, Write(fuse[i * n + j], Join(path, $"fuse.{i * n + j}"), x[j])]);
            outputs[i] = graph.Node("Relu", Join(path, $"relu{i}"), [sum]);
        }
        return outputs;
    }

    private string Chain(Dictionary<string, nn.Module> children, string path, string input)
    {
        var x = input;
        foreach (var (name, child) in children) x = Write(child, Join(path, name), x);
        return x;
    }

    private string Conv(Conv2d conv, string path, string input)
    {
        CheckConvolution(conv, path);
        var inputs = new List<string> { input, graph.Weight(Join(path, "weight"), conv.weight!) };
        if (conv.bias is { } bias) inputs.Add(graph.Weight(Join(path, "bias"), bias));
        return graph.Node("Conv", path, inputs, Ints("kernel_shape", conv.kernel_size), Ints("strides", conv.stride),
            Ints("pads", Pads(conv.padding!)), Ints("dilations", conv.dilation), Int("group", conv.groups));
    }

    private string ConvTranspose(ConvTranspose2d deconv, string path, string input)
    {
        CheckConvolution(deconv, path);
        // torch's (C_in, C_out / groups, kH, kW) weight is ONNX's layout; pads need all four sides, or ONNX Runtime
        // silently computes a larger output.
        var inputs = new List<string> { input, graph.Weight(Join(path, "weight"), deconv.weight!) };
        if (deconv.bias is { } bias) inputs.Add(graph.Weight(Join(path, "bias"), bias));
        return graph.Node("ConvTranspose", path, inputs, Ints("kernel_shape", deconv.kernel_size), Ints("strides", deconv.stride),
            Ints("pads", Pads(deconv.padding!)), Ints("output_padding", Pair(deconv.output_padding is { Length: > 0 } o ? o : [0L], path, deconv)),
            Ints("dilations", deconv.dilation), Int("group", deconv.groups));
    }

    private static void CheckConvolution(Convolution conv, string path)
    {
        if (conv.padding_type is not null) throw Unknown(conv, path, $"padding mode '{conv.padding_type}' (only explicit padding is mapped)");
        if (conv.padding_mode != PaddingModes.Zeros) throw Unknown(conv, path, $"padding_mode {conv.padding_mode} (only zero padding is mapped)");
        if (conv.weight is null) throw Unknown(conv, path, "the convolution has no weight");
        Pair(conv.kernel_size, path, conv);
        Pair(conv.stride, path, conv);
        Pair(conv.dilation, path, conv);
    }

    private string BatchNorm(BatchNorm2d norm, string path, string input)
    {
        // Inference semantics: the running statistics, whatever mode the module is in.
        if (norm.running_mean is null || norm.running_var is null) throw Unknown(norm, path, "no running statistics (track_running_stats = false)");
        var channels = norm.num_features;
        var scale = norm.weight is { } w ? graph.Weight(Join(path, "weight"), w) : graph.Constant(Join(path, "weight"), Enumerable.Repeat(1f, (int)channels).ToArray(), [channels]);
        var shift = norm.bias is { } b ? graph.Weight(Join(path, "bias"), b) : graph.Constant(Join(path, "bias"), new float[channels], [channels]);
        return graph.Node("BatchNormalization", path,
            [input, scale, shift, graph.Weight(Join(path, "running_mean"), norm.running_mean), graph.Weight(Join(path, "running_var"), norm.running_var)],
            Float("epsilon", (float)norm.eps));
    }

    private string Clip(string path, string input, float min, float max) =>
        graph.Node("Clip", path, [input, graph.Constant(Join(path, "min"), [min], []), graph.Constant(Join(path, "max"), [max], [])]);

    private string MaxPool(MaxPool2d pool, string path, string input)
    {
        var kernel = Pair(pool.kernel_size, path, pool);
        var stride = pool.stride is { Length: > 0 } s ? Pair(s, path, pool) : kernel;
        var padding = pool.padding is { Length: > 0 } p ? p : [0L];
        var dilation = pool.dilation is { Length: > 0 } d ? Pair(d, path, pool) : [1L, 1L];
        return graph.Node("MaxPool", path, [input], Ints("kernel_shape", kernel), Ints("strides", stride), Ints("pads", Pads(padding)),
            Ints("dilations", dilation), Int("ceil_mode", pool.ceil_mode ? 1 : 0));
    }

    private string Upsample(Upsample upsample, string path, string input)
    {
        var scale = upsample.scale_factor.ToArray();
        if (upsample.mode != UpsampleMode.Nearest) throw Unknown(upsample, path, $"upsampling mode {upsample.mode} (only nearest is mapped)");
        if (upsample.size.Length > 0 || scale.Length != 2 || scale.Any(f => f < 1 || f != Math.Floor(f)))
            throw Unknown(upsample, path, "only integer scale factors for both axes are mapped");
        // torch's nearest upsampling reads source index floor(dst / scale): ONNX's asymmetric transform with floor rounding.
        var scales = graph.Constant(Join(path, "scales"), [1f, 1f, (float)scale[0], (float)scale[1]], [4]);
        return graph.Node("Resize", path, [input, "", scales], Text("mode", "nearest"),
            Text("coordinate_transformation_mode", "asymmetric"), Text("nearest_mode", "floor"));
    }

    /// <summary>The module's named children; exactly <paramref name="expected"/> (plus any of <paramref name="optional"/>) unless null.</summary>
    private static Dictionary<string, nn.Module> Children(nn.Module module, string path, string[]? expected, string[]? optional = null)
    {
        if (module.named_parameters(recurse: false).Any() || module.named_buffers(recurse: false).Any())
            throw Unknown(module, path, "it holds its own parameters or buffers, which no mapping reads");
        var children = new Dictionary<string, nn.Module>();
        foreach (var (name, child) in module.named_children()) children[name] = child;
        if (expected is not null)
        {
            var allowed = expected.Concat(optional ?? []).ToHashSet();
            var missing = expected.Where(e => !children.ContainsKey(e)).ToArray();
            var extra = children.Keys.Where(k => !allowed.Contains(k)).ToArray();
            if (missing.Length > 0 || extra.Length > 0)
                throw Unknown(module, path, $"its children are [{string.Join(", ", children.Keys)}], the exporter expects [{string.Join(", ", expected)}]" +
                    (optional is { Length: > 0 } ? $" and optionally [{string.Join(", ", optional)}]" : ""));
        }
        return children;
    }

    /// <summary>The items of a ModuleList in order ("0", "1", …).</summary>
    private static IReadOnlyList<nn.Module> List(nn.Module list, string path)
    {
        var children = Children(list, path, null);
        var ordered = Enumerable.Range(0, children.Count).Select(i => children.GetValueOrDefault(i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        if (ordered.Any(c => c is null)) throw Unknown(list, path, $"expected a module list with children 0..{children.Count - 1}, found [{string.Join(", ", children.Keys)}]");
        return ordered!;
    }

    private static long[] Pair(long[] values, string path, nn.Module module) => values.Length switch
    {
        1 => [values[0], values[0]],
        2 => values,
        _ => throw Unknown(module, path, $"expected one or two values per spatial setting, found [{string.Join(", ", values)}]"),
    };

    /// <summary>torch's symmetric (h, w) padding as ONNX's [top, left, bottom, right].</summary>
    private static long[] Pads(long[] padding)
    {
        var (h, w) = padding.Length == 1 ? (padding[0], padding[0]) : (padding[0], padding[1]);
        return [h, w, h, w];
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static OnnxExportException Unknown(nn.Module module, string path, string reason) =>
        new($"Cannot export module '{(path.Length == 0 ? "(root)" : path)}' of type {module.GetType().FullName}: {reason}.");
}

/// <summary>The network holds a layer, or a layer setting, that the ONNX exporter does not map; the message names it.</summary>
public sealed class OnnxExportException(string message) : Exception(message);
