using Microsoft.ML.OnnxRuntime;
using NewtPose.Export;
using NewtPose.Models;

namespace NewtPose.Inference;

/// <summary>ONNX Runtime session settings for <see cref="OnnxBackend"/>.</summary>
/// <param name="IntraOpThreads">Threads inside one operator (a convolution); 0 lets ONNX Runtime pick (one per physical core).</param>
/// <param name="InterOpThreads">Threads running independent operators in parallel; 1 runs the graph sequentially.</param>
/// <param name="Optimization">Graph optimisation level (constant folding, Conv+BatchNorm fusion, layout changes).</param>
public sealed record OnnxBackendOptions(int IntraOpThreads = 0, int InterOpThreads = 1,
    GraphOptimizationLevel Optimization = GraphOptimizationLevel.ORT_ENABLE_ALL)
{
    public void Validate()
    {
        if (IntraOpThreads < 0) throw new ArgumentException($"IntraOpThreads {IntraOpThreads} must be 0 (automatic) or more.");
        if (InterOpThreads < 1) throw new ArgumentException($"InterOpThreads {InterOpThreads} must be at least 1.");
    }

    internal SessionOptions ToSessionOptions()
    {
        Validate();
        var options = new SessionOptions
        {
            GraphOptimizationLevel = Optimization,
            IntraOpNumThreads = IntraOpThreads,
            InterOpNumThreads = InterOpThreads,
            ExecutionMode = InterOpThreads > 1 ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL,
        };
        return options;
    }
}

/// <summary>
/// Runs an exported .onnx file (see <see cref="OnnxExport"/>) in ONNX Runtime: the same raw head output the TorchSharp
/// network gives, so the engine's one decoder serves both. The model card comes from the file's own metadata, and nothing
/// here touches TorchSharp, so a process that predicts through this backend never loads libtorch (see <see cref="OpenEngine"/>).
/// </summary>
public sealed class OnnxBackend : IPoseBackend
{
    private readonly InferenceSession session;

    private OnnxBackend(InferenceSession session, string source)
    {
        this.session = session;
        Source = source;
        Metadata = session.ModelMetadata.CustomMetadataMap;
        Card = OnnxMetadata.ReadCard(Metadata, source);
        var input = session.InputMetadata.TryGetValue(OnnxMetadata.InputName, out var i) ? i
            : throw new InvalidDataException($"{source}: no graph input named '{OnnxMetadata.InputName}'.");
        if (input.Dimensions is not [_, 3, var h, var w] || h != Spec.InputHeight || w != Spec.InputWidth)
            throw new InvalidDataException($"{source}: graph input [{string.Join(", ", input.Dimensions)}] does not match the metadata's {Spec.InputWidth}x{Spec.InputHeight} RGB input.");
        if (!session.OutputMetadata.ContainsKey(OnnxMetadata.OutputName))
            throw new InvalidDataException($"{source}: no graph output named '{OnnxMetadata.OutputName}'.");
    }

    /// <summary>Opens <paramref name="path"/>; the bytes are read first, so a file another process holds open still opens.</summary>
    public static OnnxBackend Open(string path, OnnxBackendOptions? options = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No ONNX model at {path}.", path);
        return FromBytes(File.ReadAllBytes(path), path, options ?? new());
    }

    /// <summary>
    /// The inference engine over the file alone: this backend plus the model card from its metadata; an unset
    /// <see cref="EngineOptions.FlipTest"/> is the exported run's (<see cref="OnnxMetadata.ScoredWithFlipTest(IReadOnlyDictionary{string, string}, string)"/>).
    /// Nothing on this path loads libtorch, so a machine that only predicts needs the .onnx file, not TorchSharp's native libraries.
    /// </summary>
    public static PoseEngine OpenEngine(string path, EngineOptions? engine = null, OnnxBackendOptions? options = null)
    {
        var backend = Open(path, options);
        try
        {
            engine ??= new EngineOptions();
            if (engine.FlipTest is null) engine = engine with { FlipTest = OnnxMetadata.ScoredWithFlipTest(backend.Metadata, path) };
            return new PoseEngine(backend, backend.Card, engine);
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }

    internal static OnnxBackend FromBytes(byte[] model, string source, OnnxBackendOptions options)
    {
        using var sessionOptions = options.ToSessionOptions();
        InferenceSession session;
        try
        {
            session = new InferenceSession(model, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{source}: ONNX Runtime cannot load the model ({e.Message}).", e);
        }
        try
        {
            return new OnnxBackend(session, source);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public PoseModelSpec Spec => Card.Spec;

    /// <summary>The model card stored in the file (crop policy, locator, decoding rule, pixel convention, skeleton).</summary>
    public ModelCard Card { get; }

    public string Name => "onnx";

    /// <summary>Where the model came from (the file path), for messages.</summary>
    public string Source { get; }

    /// <summary>The file's metadata_props (see <see cref="OnnxMetadata"/> for the keys).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public RawOutput Run(float[] pixels, int batch)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        var perItem = 3 * Spec.InputHeight * Spec.InputWidth;
        if (batch < 1 || pixels.Length != batch * perItem)
            throw new ArgumentException($"Expected {batch} × 3 × {Spec.InputHeight} × {Spec.InputWidth} = {(long)batch * perItem} floats, got {pixels.Length}.", nameof(pixels));
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, [batch, 3, Spec.InputHeight, Spec.InputWidth]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [OnnxMetadata.InputName], [input], [OnnxMetadata.OutputName]);
        var output = outputs[0];
        var shape = output.GetTensorTypeAndShape().Shape;
        if (shape is not [var b, var c, var h, var w] || b != batch)
            throw new InvalidDataException($"{Source}: output shape [{string.Join(", ", shape)}] is not (batch {batch}, C, H, W).");
        return new RawOutput(output.GetTensorDataAsSpan<float>().ToArray(), batch, (int)c, (int)h, (int)w);
    }

    public void Dispose() => session.Dispose();
}
