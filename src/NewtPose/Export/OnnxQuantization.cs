using System.Text.Json;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace NewtPose.Export;

/// <summary>How activation ranges are taken from the calibration inputs.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen.</summary>
    MinMax,

    /// <summary>The values at <see cref="OnnxQuantizationOptions.Percentile"/> of a histogram (outliers saturate).</summary>
    Percentile,
}

/// <summary>How to quantise a float ONNX model to int8.</summary>
/// <param name="Calibration">How each activation's range is taken.</param>
/// <param name="Percentile">For <see cref="CalibrationMethod.Percentile"/>: the share (in %) of values kept inside the range on each side.</param>
/// <param name="QuantizeConvTranspose">
/// Also quantise deconvolutions. Off by default: ONNX Runtime's CPU provider has no QDQ fusion for ConvTranspose, so a
/// quantised one runs as DequantizeLinear + float ConvTranspose, slower than leaving it float and no more accurate.
/// </param>
/// <param name="Threads">ONNX Runtime intra-op threads while calibrating (0: its choice).</param>
public sealed record OnnxQuantizationOptions(CalibrationMethod Calibration = CalibrationMethod.MinMax, double Percentile = 99.999,
    bool QuantizeConvTranspose = false, int Threads = 0)
{
    public OnnxQuantizationOptions Validate()
    {
        if (!(Percentile is > 90 and <= 100)) throw new ArgumentException($"Percentile {Percentile} must be in (90, 100].");
        if (Threads < 0) throw new ArgumentException($"Threads {Threads} must be 0 (automatic) or more.");
        return this;
    }
}

/// <summary>An int8 model and what was done to it.</summary>
/// <param name="Model">The QDQ model (float input and output, as the float model had).</param>
/// <param name="QuantizedNodes">Nodes of the float graph (after BatchNorm folding) that run quantised, by op.</param>
/// <param name="FloatNodes">Nodes left in float32, by op (BatchNorms folded away and Relus merged are not counted).</param>
/// <param name="CalibrationInputs">How many network inputs the ranges came from.</param>
public sealed record OnnxQuantizationResult(ModelProto Model, IReadOnlyDictionary<string, int> QuantizedNodes,
    IReadOnlyDictionary<string, int> FloatNodes, int CalibrationInputs);

/// <summary>
/// Static int8 quantisation of an exported model, written here because ONNX Runtime's quantiser is a Python tool. The
/// result is ONNX's QDQ form (see <see cref="QdqRewriter"/>): uint8 activations with calibrated ranges, int8 weights
/// with one symmetric scale per output channel, int32 biases; ONNX Runtime fuses it into QLinearConv / QLinearAdd at
/// ORT_ENABLE_EXTENDED and ALL, which <see cref="OptimizedOps"/> shows. Input and output stay float32, so the
/// inference engine, <c>predict --model</c> and <c>evaluate --model</c> run it unchanged.
/// </summary>
public static partial class OnnxQuantization
{
    /// <summary>Metadata key: JSON saying the file is int8 and how it was quantised and calibrated.</summary>
    public const string MetadataKey = "newtpose.quantization";

    /// <summary>
    /// Quantises <paramref name="model"/> (not changed) with ranges measured on <paramref name="calibration"/> (network
    /// inputs of the model's input size, planar RGB in [0, 1]: what the engine feeds it). <paramref name="calibrationSource"/>
    /// says where they came from, for the metadata. Refuses a graph with an op the quantiser does not know, naming it.
    /// </summary>
    public static OnnxQuantizationResult QuantizeStatic(ModelProto model, IReadOnlyList<float[]> calibration, string calibrationSource, OnnxQuantizationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(calibration);
        options = (options ?? new()).Validate();
        if (calibration.Count == 0) throw new ArgumentException("Calibration needs at least one input (one photo).", nameof(calibration));
        var dims = model.Graph.Input[0].Type.TensorType.Shape.Dim.Skip(1).Aggregate(1L, (a, d) => a * d.DimValue);
        for (var i = 0; i < calibration.Count; i++)
            if (calibration[i]?.Length != dims)
                throw new ArgumentException($"Calibration input {i} has {calibration[i]?.Length ?? 0} values; the model's input has {dims} (3 × H × W).", nameof(calibration));

        var folded = model.Clone();
        BatchNormFolding.Fold(folded.Graph);
        var quantized = folded.Clone();
        var rewriter = new QdqRewriter(quantized, options);
        var counted = Count(rewriter.Quantized);
        var left = Count(quantized.Graph.Node.Where(n => !rewriter.Quantized.Contains(n)));
        var ranges = ActivationRanges.Measure(folded, rewriter.Calibrated, calibration, options);
        rewriter.Rewrite(ranges);

        var description = new
        {
            format = "QDQ int8 (QuantizeLinear/DequantizeLinear; ONNX Runtime fuses QLinearConv/QLinearAdd)",
            activations = "uint8, asymmetric, one scale per tensor",
            weights = "int8, symmetric, one scale per output channel; int32 bias",
            calibration = options.Calibration == CalibrationMethod.MinMax ? "min/max" : $"percentile {options.Percentile}",
            calibration_inputs = calibration.Count,
            calibration_source = calibrationSource,
            quantized_ops = counted,
            float_ops = left,
        };
        var metadata = quantized.MetadataProps.FirstOrDefault(p => p.Key == MetadataKey);
        if (metadata is not null) quantized.MetadataProps.Remove(metadata);
        quantized.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKey, Value = JsonSerializer.Serialize(description) });
        quantized.DocString = (model.DocString + " Quantised to int8 (QDQ).").Trim();
        return new OnnxQuantizationResult(quantized, counted, left, calibration.Count);
    }

    /// <summary>
    /// The op types ONNX Runtime actually runs for <paramref name="model"/> after its graph optimisations at
    /// <paramref name="level"/> (from the optimised model it writes): QLinearConv and QLinearAdd where the QDQ form was
    /// fused, Conv/ConvTranspose where it stayed float.
    /// </summary>
    public static IReadOnlyDictionary<string, int> OptimizedOps(ModelProto model, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
    {
        var file = Path.Combine(Path.GetTempPath(), $"newtpose-optimized-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = new SessionOptions { GraphOptimizationLevel = level, OptimizedModelFilePath = file, IntraOpNumThreads = 1 })
            using (new InferenceSession(model.ToByteArray(), options)) { }
            return Count(ModelProto.Parser.ParseFrom(File.ReadAllBytes(file)).Graph.Node);
        }
        finally
        {
            if (File.Exists(file)) File.Delete(file);
        }
    }

    private static SortedDictionary<string, int> Count(IEnumerable<NodeProto> nodes) =>
        new(nodes.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count()), StringComparer.Ordinal);
}
