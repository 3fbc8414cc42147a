using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace NewtPose.Export;

/// <summary>Reading and writing the values of ONNX initialisers (raw little-endian data or the typed repeated fields).</summary>
internal static class OnnxTensors
{
    public static float[] Floats(TensorProto tensor)
    {
        if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
            throw new OnnxExportException($"Initialiser '{tensor.Name}' is of ONNX type {tensor.DataType}, not float32.");
        return tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray() : tensor.FloatData.ToArray();
    }

    public static TensorProto Float(string name, float[] values, long[] dims) =>
        Make(name, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    public static TensorProto Int8(string name, sbyte[] values, long[] dims) =>
        Make(name, TensorProto.Types.DataType.Int8, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    public static TensorProto UInt8(string name, byte[] values, long[] dims) =>
        Make(name, TensorProto.Types.DataType.Uint8, values, dims);

    public static TensorProto Int32(string name, int[] values, long[] dims) =>
        Make(name, TensorProto.Types.DataType.Int32, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    private static TensorProto Make(string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> raw, long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }
}
