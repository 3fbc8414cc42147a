using Google.Protobuf;
using NewtPose.Data;
using NewtPose.Evaluation;
using NewtPose.Inference;
using NewtPose.Models;
using NewtPose.Training;
using Onnx;

namespace NewtPose.Export;

/// <summary>Which photos calibrate an int8 export of a run.</summary>
/// <param name="Photos">How many of the run's training photos (split.json "train", labels from data.json), spread evenly over them.</param>
/// <param name="Quantization">How to quantise.</param>
public sealed record RunCalibrationOptions(int Photos = 32, OnnxQuantizationOptions? Quantization = null)
{
    public RunCalibrationOptions Validate()
    {
        if (Photos < 1) throw new ArgumentException($"Calibration needs at least 1 photo, not {Photos}.");
        (Quantization ?? new()).Validate();
        return this;
    }
}

/// <summary>An int8 export of a run: the file, the float export's check against TorchSharp, and the quantisation.</summary>
/// <param name="Export">The export (path, opset, nodes and weights of the int8 file; the float graph's |Δ| to TorchSharp).</param>
/// <param name="Quantization">What was quantised (the model itself is in the file).</param>
/// <param name="CalibrationPhotos">The training photos the ranges came from.</param>
/// <param name="OptimizedOps">The op types ONNX Runtime runs the file with at ORT_ENABLE_EXTENDED (QLinearConv where fused).</param>
public sealed record RunQuantizationResult(OnnxExportResult Export, OnnxQuantizationResult Quantization, IReadOnlyList<string> CalibrationPhotos,
    IReadOnlyDictionary<string, int> OptimizedOps);

public static partial class OnnxQuantization
{
    /// <summary>
    /// Exports the run's model (checked against TorchSharp as <see cref="OnnxExport.ExportRun(string, string, OnnxExportOptions?)"/>
    /// does), calibrates it on the run's own training photos and writes the int8 model (what `newtpose export --quantize
    /// int8` calls). The calibration inputs are exactly what the network sees when predicting: each photo goes through
    /// the inference engine (<see cref="PoseEngine"/>: the whole letterboxed photo, then the crop around the points it
    /// found) over the float graph, and every network input of those passes is recorded. The labels only say which
    /// photos were training photos; they never place a crop.
    /// </summary>
    public static RunQuantizationResult QuantizeRun(string runDirectory, string outputPath, OnnxExportOptions? export = null, RunCalibrationOptions? calibration = null)
    {
        calibration = (calibration ?? new()).Validate();
        var photos = TrainingPhotos(runDirectory, calibration.Photos);
        OnnxQuantizationResult? quantization = null;
        var result = OnnxExport.ExportRun(runDirectory, outputPath, export, model =>
        {
            var inputs = EngineInputs(model, photos, calibration.Quantization?.Threads ?? 0);
            var source = $"{inputs.Count} network inputs of the inference engine (whole photo, then 1 re-crop around the found points) on {photos.Count} training photos of {Path.GetFullPath(runDirectory)} (split.json train)";
            quantization = QuantizeStatic(model, inputs, source, calibration.Quantization);
            return quantization.Model;
        });
        return new RunQuantizationResult(result, quantization!, photos, OptimizedOps(quantization!.Model));
    }

    /// <summary><paramref name="count"/> of the run's training photos (full paths), evenly spaced over split.json's train list.</summary>
    internal static IReadOnlyList<string> TrainingPhotos(string runDirectory, int count)
    {
        var recorded = RunFolder.RecordedData(runDirectory)
            ?? throw new ArgumentException($"{runDirectory} does not record the labels it was trained on (no data.json), so its training photos are unknown; calibration needs them.");
        var dataset = PoseData.Load(recorded.Path, recorded.Format);
        var train = EvaluationSplits.Images(runDirectory, dataset, "train");
        if (train.Count == 0) throw new ArgumentException($"{runDirectory}/split.json lists no training photos to calibrate on.");
        var take = Math.Min(count, train.Count);
        return Enumerable.Range(0, take).Select(i => dataset.FullPath(train[(int)((long)i * train.Count / take)])).ToArray();
    }

    /// <summary>Every network input the engine builds for <paramref name="photos"/>, run through <paramref name="model"/> in float.</summary>
    internal static IReadOnlyList<float[]> EngineInputs(ModelProto model, IReadOnlyList<string> photos, int threads)
    {
        var recorder = new RecordingBackend(OnnxBackend.FromBytes(model.ToByteArray(), "float graph for calibration", new OnnxBackendOptions(IntraOpThreads: threads)));
        using var engine = new PoseEngine(recorder, recorder.Card, new EngineOptions { FlipTest = false, RefinePasses = 1 });
        foreach (var result in engine.PredictMany(photos))
            if (result.Error is not null) throw new InvalidDataException($"Calibration photo {result.Path} could not be read: {result.Error}");
        return recorder.Inputs;
    }

    /// <summary>The float backend, keeping a copy of each network input it is given.</summary>
    private sealed class RecordingBackend(OnnxBackend inner) : IPoseBackend
    {
        public List<float[]> Inputs { get; } = [];

        public ModelCard Card => inner.Card;

        public PoseModelSpec Spec => inner.Spec;

        public string Name => "onnx (calibrating)";

        public RawOutput Run(float[] pixels, int batch)
        {
            var plane = pixels.Length / batch;
            for (var b = 0; b < batch; b++) Inputs.Add(pixels.AsSpan(b * plane, plane).ToArray());
            return inner.Run(pixels, batch);
        }

        public void Dispose() => inner.Dispose();
    }
}
