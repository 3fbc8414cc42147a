using Google.Protobuf;
using NewtPose.Inference;
using NewtPose.IO;
using NewtPose.Models;
using NewtPose.Training;
using Onnx;

namespace NewtPose.Export;

/// <summary>How to write an ONNX file.</summary>
/// <param name="Opset">ONNX opset of the default domain, 13–21 (ONNX Runtime 1.31 runs all of them).</param>
/// <param name="Overwrite">Replace an existing file instead of refusing.</param>
/// <param name="Verify">
/// After writing, run the file in ONNX Runtime and the network in TorchSharp on one seeded random batch and fail unless
/// they agree within <see cref="Tolerance"/> (max abs) — the last guard against a wrong graph.
/// </param>
/// <param name="Tolerance">Largest accepted |ONNX − TorchSharp| of the raw output when verifying.</param>
public sealed record OnnxExportOptions(int Opset = 17, bool Overwrite = false, bool Verify = true, double Tolerance = 1e-4)
{
    public const int MinOpset = 13;
    public const int MaxOpset = 21;

    public void Validate()
    {
        if (Opset is < MinOpset or > MaxOpset) throw new ArgumentException($"Opset {Opset} is not supported: use {MinOpset}–{MaxOpset}.");
        if (!(Tolerance > 0)) throw new ArgumentException($"Tolerance {Tolerance} must be positive.");
    }
}

/// <summary>What was written.</summary>
/// <param name="Path">The .onnx file.</param>
/// <param name="Opset">Its opset.</param>
/// <param name="Nodes">Graph nodes.</param>
/// <param name="Parameters">Weight values stored (all initialisers).</param>
/// <param name="MaxAbsDifference">ONNX Runtime vs TorchSharp on the verification batch; null when not verified.</param>
public sealed record OnnxExportResult(string Path, int Opset, int Nodes, long Parameters, double? MaxAbsDifference);

/// <summary>
/// The one entry point for ONNX export: a trained run folder (<see cref="ExportRun(string, string, OnnxExportOptions?)"/>,
/// what `newtpose export` calls) or a network in memory (<see cref="Export"/>) to a .onnx file with the normalisation
/// inside the graph, a dynamic batch dimension and the metadata of <see cref="OnnxMetadata"/>. TorchSharp has no ONNX
/// export of its own; the graph is written from the module tree by <see cref="OnnxModuleWriter"/>, which refuses any
/// layer it does not know.
/// </summary>
public static class OnnxExport
{
    /// <summary>Exports the best model of a run folder (model.json + model.weights, plus options.json when present).</summary>
    public static OnnxExportResult ExportRun(string runDirectory, string outputPath, OnnxExportOptions? options = null) =>
        ExportRun(runDirectory, outputPath, options, finish: null);

    /// <summary>
    /// <see cref="ExportRun(string, string, OnnxExportOptions?)"/>, with <paramref name="finish"/> turning the verified
    /// float model into the one written (the int8 quantiser: <see cref="OnnxQuantization.QuantizeRun"/>).
    /// </summary>
    internal static OnnxExportResult ExportRun(string runDirectory, string outputPath, OnnxExportOptions? options, Func<ModelProto, ModelProto>? finish)
    {
        var run = new RunFolder(runDirectory);
        if (!File.Exists(run.ModelFile)) throw new FileNotFoundException($"{run.Path} is not a run folder: it has no model.json.", run.ModelFile);
        // model.json is stored as written, so the file reads back exactly as the run folder does (an older card included).
        var modelJson = File.ReadAllText(run.ModelFile);
        var card = PoseModels.LoadCard(run.Path);
        var optionsJson = File.Exists(run.OptionsFile) ? File.ReadAllText(run.OptionsFile) : null;
        using var model = PoseModels.Load(run.Path);
        return Write(model, outputPath, options ?? new(), card, modelJson, optionsJson, finish);
    }

    /// <summary>
    /// Exports <paramref name="network"/> (a <see cref="PoseModel"/>) with <paramref name="card"/> in the metadata (by
    /// default the card its spec alone gives, <see cref="ModelCard.Describe"/>).
    /// </summary>
    public static OnnxExportResult Export(PoseNetwork network, string outputPath, OnnxExportOptions? options = null, ModelCard? card = null)
    {
        card ??= ModelCard.Describe(network.Spec);
        return Write(network, outputPath, options ?? new(), card, card.ToJson(), optionsJson: null, finish: null);
    }

    /// <summary>The ONNX model for <paramref name="network"/>, not written anywhere (for tests and tools).</summary>
    internal static ModelProto Build(PoseNetwork network, int opset, ModelCard card, string modelJson, string? optionsJson)
    {
        var spec = network.Spec;
        var graph = new OnnxGraph();
        graph.Proto.Input.Add(OnnxGraph.Value(OnnxMetadata.InputName, [null, 3, spec.InputHeight, spec.InputWidth], ["batch", "", "", ""]));
        var output = new OnnxModuleWriter(graph).Write(network, "", OnnxMetadata.InputName);
        // The last node's output becomes the graph output under a fixed name.
        graph.Proto.Node[^1].Output[0] = OnnxMetadata.OutputName;
        if (graph.Proto.Node[^1].Name != output) throw new InvalidOperationException("The network's output is not the last node written.");
        // The head ends in a convolution: its weight's first dimension is the output's channel count. A static shape
        // (batch aside) lets ML.NET's ApplyOnnxModel give the column a known vector size.
        var final = graph.Proto.Node[^1];
        var channels = final.OpType == "Conv" ? graph.Proto.Initializer.Single(t => t.Name == final.Input[1]).Dims[0]
            : throw new OnnxExportException($"The network ends in {final.OpType} '{final.Name}', not the head's final convolution.");
        graph.Proto.Output.Add(OnnxGraph.Value(OnnxMetadata.OutputName, [null, channels, spec.InputHeight / spec.HeatmapStride, spec.InputWidth / spec.HeatmapStride],
            ["batch", "", "", ""]));
        var model = new ModelProto
        {
            IrVersion = IrVersion(opset),
            ProducerName = "NewtPose",
            ProducerVersion = typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "",
            DocString = $"NewtPose pose model: {spec.Backbone} + {spec.Head} head, {spec.Keypoints.Count} keypoints, input {spec.InputWidth}x{spec.InputHeight}.",
            Graph = graph.Proto,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        foreach (var (key, value) in OnnxMetadata.For(card, modelJson, optionsJson)) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    private static OnnxExportResult Write(PoseNetwork network, string outputPath, OnnxExportOptions options, ModelCard card, string modelJson, string? optionsJson,
        Func<ModelProto, ModelProto>? finish)
    {
        options.Validate();
        var path = Path.GetFullPath(outputPath);
        if (File.Exists(path) && !options.Overwrite) throw new IOException($"{path} exists; pass --force (Overwrite) to replace it.");
        var model = Build(network, options.Opset, card, modelJson, optionsJson);
        var bytes = model.ToByteArray();
        double? difference = options.Verify ? Difference(network, bytes) : null;
        if (difference > options.Tolerance)
            throw new OnnxExportException($"The exported graph disagrees with the TorchSharp network: max |Δ| {difference:E2} > {options.Tolerance:E0}; {path} was not written.");
        if (finish is not null)
        {
            model = finish(model);
            bytes = model.ToByteArray();
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllBytes(path, bytes);
        var parameters = model.Graph.Initializer.Sum(t => t.Dims.Aggregate(1L, (a, b) => a * b));
        return new OnnxExportResult(path, options.Opset, model.Graph.Node.Count, parameters, difference);
    }

    /// <summary>Max |ONNX Runtime − TorchSharp (eval mode)| of the raw output on a seeded random batch of two.</summary>
    private static double Difference(PoseNetwork network, byte[] onnx)
    {
        var spec = network.Spec;
        const int batch = 2;
        var random = new Random(12345);
        var pixels = new float[batch * 3 * spec.InputHeight * spec.InputWidth];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (float)random.NextDouble();
        using var backend = OnnxBackend.FromBytes(onnx, "exported graph", new OnnxBackendOptions());
        var exported = backend.Run(pixels, batch);
        var wasTraining = network.training;
        float[] expected;
        try
        {
            // Not disposed: the backend would dispose the caller's network. It puts the network in eval mode; the mode is restored.
            expected = new TorchBackend(network).Run(pixels, batch).Values;
        }
        finally
        {
            if (wasTraining) network.train();
        }
        if (expected.Length != exported.Values.Length)
            throw new OnnxExportException($"The exported graph gives {exported.Values.Length} values for a batch of {batch}, TorchSharp {expected.Length}.");
        return expected.Zip(exported.Values, (a, b) => (double)Math.Abs(a - b)).Max();
    }

    private static long IrVersion(int opset) => opset switch { <= 14 => 7, <= 18 => 8, <= 20 => 9, _ => 10 };
}
