using System.Runtime.InteropServices;
using Google.Protobuf;
using NewtPose.IO;
using Onnx;
using static TorchSharp.torch;

namespace NewtPose.Models.Backbones;

/// <summary>
/// ImageNet weights for the "resnet18-imagenet" backbone, converted from the MIT-licensed ONNX inside the NuGet package
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (a CNTK 2.6 export, opset 8): a ResNet with [2, 2, 2, 3] basic
/// blocks, unfused BatchNorm (eps 1e-5), bias-free convs. Its preprocessing is BGR in 0–255 minus per-channel means and
/// no std; conv1's input channels are flipped here so the network takes RGB, and the normalisation is expressed as
/// <see cref="Mean"/>/<see cref="Std"/> in [0, 1] units. CNTK pads stride-2 layers asymmetrically; that equals PyTorch's
/// symmetric padding whenever the input size is a multiple of 32. The conversion runs once and is cached.
/// </summary>
public static class ImageNetResNet18
{
    /// <summary>Blocks per stage of the ONNX model (not torchvision's 2, 2, 2, 2).</summary>
    public static readonly int[] Blocks = [2, 2, 2, 3];

    /// <summary>RGB means in [0, 1] units: (123.15, 115.90, 103.06) / 255.</summary>
    public static readonly float[] Mean = [123.15f / 255f, 115.90f / 255f, 103.06f / 255f];

    /// <summary>1/255 per channel: the network was trained on 0–255 values without a std division.</summary>
    public static readonly float[] Std = [1f / 255f, 1f / 255f, 1f / 255f];

    private const string PackageId = "microsoft.ml.dnnimagefeaturizer.resnet18";
    private const string PackageVersion = "0.23.1";
    private const string RelativeOnnxPath = "DnnImageModels/ResNet18Onnx/ResNet18.onnx";
    // Bump when the conversion changes, so stale caches are not reused.
    private const string CacheFileName = "resnet18-imagenet-v1.weights";

    /// <summary>
    /// The ONNX file: next to the application (the package's .props copies it to DnnImageModels/), else in the NuGet
    /// package folder. Throws <see cref="FileNotFoundException"/> naming both places when neither has it.
    /// </summary>
    public static string LocateOnnx()
    {
        var candidates = new List<string> { Path.Combine(AppContext.BaseDirectory, RelativeOnnxPath) };
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packages))
            packages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        candidates.Add(Path.Combine(packages, PackageId, PackageVersion, "tools", RelativeOnnxPath));
        return candidates.FirstOrDefault(File.Exists) ?? throw new FileNotFoundException(
            $"The ImageNet ResNet18 ONNX was not found at {string.Join(" or ", candidates)}. It ships in the NuGet package " +
            $"Microsoft.ML.DnnImageFeaturizer.ResNet18 {PackageVersion} (a dependency of NewtPose): restore the project, or use a " +
            "randomly initialised backbone such as \"resnet18\".", candidates[0]);
    }

    /// <summary>Default cache folder: $NEWTPOSE_CACHE, else $XDG_CACHE_HOME/newtpose, else ~/.cache/newtpose.</summary>
    public static string DefaultCacheDirectory()
    {
        var explicitDir = Environment.GetEnvironmentVariable("NEWTPOSE_CACHE");
        if (!string.IsNullOrEmpty(explicitDir)) return explicitDir;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg;
        return Path.Combine(root, "newtpose");
    }

    /// <summary>A [2, 2, 2, 3] ResNet trunk with the ImageNet weights loaded (from the cache, or converted and cached).</summary>
    public static ResNet Create(string name = "resnet18-imagenet", string? cacheDirectory = null)
    {
        var backbone = new ResNet(name, Blocks, bottleneck: false);
        var cache = Path.Combine(cacheDirectory ?? DefaultCacheDirectory(), CacheFileName);
        if (File.Exists(cache))
        {
            try
            {
                backbone.load(cache);
                return backbone;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
            {
                // A cache written by another TorchSharp version or damaged on disk: convert again and replace it.
            }
        }
        var onnxPath = LocateOnnx();
        var weights = Convert(File.ReadAllBytes(onnxPath), onnxPath);
        try
        {
            using (no_grad()) LoadStrict(backbone, weights, onnxPath);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
        // save(Stream) closes its stream; AtomicFile still has to flush it, so write through a writer that leaves it open.
        AtomicFile.Write(cache, stream => { using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true); backbone.save(writer); });
        return backbone;
    }

    /// <summary>
    /// Maps the ONNX initialisers to torchvision-style names (110 tensors): the non-1×1 convs in graph order are conv1,
    /// then layerL.B.conv1/conv2; a 1×1 conv is the downsample of the block whose conv1 reads the same input; each conv's
    /// BatchNorm is the node consuming its output (inputs: scale, bias, mean, var). Bytes are parsed from memory so a
    /// file another process holds open can still be read.
    /// </summary>
    public static Dictionary<string, Tensor> Convert(byte[] onnxBytes, string source = "ResNet18.onnx")
    {
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(onnxBytes); }
        catch (InvalidProtocolBufferException e) { throw new InvalidDataException($"{source}: not an ONNX model ({e.Message}).", e); }
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var convs = graph.Node.Where(n => n.OpType == "Conv").ToList();
        TensorProto Init(string name) => initializers.TryGetValue(name, out var t) ? t
            : throw new InvalidDataException($"{source}: tensor '{name}' is not an initialiser.");

        var names = new Dictionary<NodeProto, string>();
        var spatial = convs.Where(c => Init(c.Input[1]).Dims[2] > 1).ToList();
        var expected = new List<string> { "conv1" };
        for (var layer = 0; layer < 4; layer++)
            for (var block = 0; block < Blocks[layer]; block++)
                expected.AddRange([$"layer{layer + 1}.{block}.conv1", $"layer{layer + 1}.{block}.conv2"]);
        if (spatial.Count != expected.Count)
            throw new InvalidDataException($"{source}: expected {expected.Count} 3×3/7×7 convolutions of a [2,2,2,3] ResNet, found {spatial.Count}.");
        for (var i = 0; i < spatial.Count; i++) names[spatial[i]] = expected[i];
        foreach (var pointwise in convs.Where(c => !names.ContainsKey(c)))
        {
            var sibling = spatial.FirstOrDefault(c => c.Input[0] == pointwise.Input[0] && names[c].EndsWith(".conv1", StringComparison.Ordinal))
                ?? throw new InvalidDataException($"{source}: 1×1 convolution '{pointwise.Name}' has no block conv1 reading the same input.");
            names[pointwise] = names[sibling][..^".conv1".Length] + ".downsample.0";
        }

        var state = new Dictionary<string, Tensor>();
        foreach (var (conv, name) in names)
        {
            if (conv.Input.Count > 2) throw new InvalidDataException($"{source}: convolution '{conv.Name}' has a bias; this mapping expects none.");
            var weight = ToTensor(Init(conv.Input[1]), source);
            // The ONNX network takes BGR; flipping conv1's input channels makes it take RGB.
            state[name + ".weight"] = name == "conv1" ? weight.flip(1).contiguous() : weight;
            var bn = graph.Node.SingleOrDefault(n => n.OpType == "BatchNormalization" && n.Input[0] == conv.Output[0])
                ?? throw new InvalidDataException($"{source}: no BatchNormalization consumes the output of convolution '{conv.Name}'.");
            var bnName = name.EndsWith(".downsample.0", StringComparison.Ordinal) ? name[..^1] + "1" : name.Replace("conv", "bn", StringComparison.Ordinal);
            string[] fields = ["weight", "bias", "running_mean", "running_var"];
            for (var i = 0; i < fields.Length; i++) state[$"{bnName}.{fields[i]}"] = ToTensor(Init(bn.Input[i + 1]), source);
        }
        return state;
    }

    private static void LoadStrict(ResNet backbone, Dictionary<string, Tensor> weights, string source)
    {
        var (missing, unexpected) = backbone.load_state_dict(weights, strict: false);
        var reallyMissing = missing.Where(m => !m.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList();
        if (reallyMissing.Count > 0 || unexpected.Count > 0)
            throw new InvalidDataException($"{source}: the converted weights do not fit the ResNet (missing: {string.Join(", ", reallyMissing)}; unexpected: {string.Join(", ", unexpected)}).");
    }

    private static Tensor ToTensor(TensorProto proto, string source)
    {
        if (proto.DataType != (int)TensorProto.Types.DataType.Float)
            throw new InvalidDataException($"{source}: tensor '{proto.Name}' has data type {proto.DataType}, expected float.");
        var shape = proto.Dims.ToArray();
        var values = proto.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(proto.RawData.Span).ToArray() : proto.FloatData.ToArray();
        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (values.Length != count) throw new InvalidDataException($"{source}: tensor '{proto.Name}' holds {values.Length} values for shape [{string.Join(",", shape)}].");
        return tensor(values, shape);
    }
}
