using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.ML.Transforms.Onnx;
using NewtPose.Export;
using NewtPose.Inference;

namespace NewtPose.MlNet;

/// <summary>Settings of the ML.NET pipeline over an exported model.</summary>
/// <param name="ImageFolder">Folder the image path column is relative to (null: paths as given).</param>
/// <param name="ImagePathColumn">The input column holding image paths.</param>
/// <param name="IntraOpThreads">ONNX Runtime threads inside an operator (null: ONNX Runtime's default, one per core).</param>
/// <param name="InterOpThreads">ONNX Runtime threads across operators (null: its default).</param>
/// <param name="OffsetVoting">Decode points as the vote of each peak's 3 × 3 cells, as the inference engine does by default (<see cref="EngineOptions.OffsetVoting"/>).</param>
public sealed record PosePipelineOptions(string? ImageFolder = null, string ImagePathColumn = "ImagePath", int? IntraOpThreads = null, int? InterOpThreads = null,
    bool OffsetVoting = EngineOptions.DefaultOffsetVoting)
{
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ImagePathColumn)) throw new ArgumentException("The image path column name is empty.");
        if (IntraOpThreads < 0 || InterOpThreads < 0) throw new ArgumentException("Thread counts must not be negative.");
    }
}

/// <summary>
/// An ML.NET pipeline over a `newtpose export` file, composed from ML.NET's own steps: LoadImages → ResizeImages
/// (letterbox to the model's input size, <see cref="ImageResizingEstimator.ResizingKind.IsoPad"/>) → ExtractPixels (planar
/// RGB scaled to [0, 1], what the graph takes; it normalises inside) → ApplyOnnxModel (<see cref="Network"/>: the raw
/// head output in the column <see cref="OnnxMetadata.OutputName"/>) → NewtPose's keypoint decoding (<see cref="Keypoints"/>;
/// both: <see cref="Create"/>). The input size and the model card come from the file's metadata, so the .onnx is all a
/// caller needs. ML.NET does not find the animal: give it crops (the engine, <see cref="OnnxBackend.OpenEngine"/>, finds it).
/// </summary>
public static class PosePipeline
{
    /// <summary>The image column the pipeline adds (loaded, then letterboxed in place).</summary>
    public const string ImageColumn = "newtpose_image";

    /// <summary>Columns <see cref="Keypoints"/> adds: x, y of keypoint k at 2k, 2k + 1 (network-input pixels), and the confidences.</summary>
    public const string KeypointsColumn = "Keypoints";
    public const string ConfidenceColumn = "Confidence";

    /// <summary>
    /// The whole pipeline: <see cref="Network"/>, then <see cref="Keypoints"/> with the model card stored in the file.
    /// Output columns <see cref="KeypointsColumn"/> and <see cref="ConfidenceColumn"/>, in the pixels of the letterboxed
    /// network input.
    /// </summary>
    public static IEstimator<ITransformer> Create(MLContext ml, string onnxPath, PosePipelineOptions? options = null) =>
        Network(ml, onnxPath, options).Append(Keypoints(ml, OnnxMetadata.ReadFile(onnxPath), (options ?? new()).OffsetVoting));

    /// <summary>
    /// NewtPose's keypoint decoding as an ML.NET step: the raw output column of <see cref="Network"/> decoded by the
    /// inference engine's <see cref="PoseDecoder"/> (the one decoder every backend shares), one row at a time, with
    /// <paramref name="offsetVoting"/> as the engine's <see cref="EngineOptions.OffsetVoting"/>.
    /// </summary>
    public static IEstimator<ITransformer> Keypoints(MLContext ml, ModelCard card, bool offsetVoting = EngineOptions.DefaultOffsetVoting)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var decoder = new PoseDecoder(card, offsetVoting);
        var spec = card.Spec;
        var (height, width) = (spec.InputHeight / spec.HeatmapStride, spec.InputWidth / spec.HeatmapStride);
        var channels = decoder.Channels;
        // ApplyOnnxModel types the column with the graph's shape, batch included: (1, C, H/4, W/4).
        var input = SchemaDefinition.Create(typeof(RawOutputRow));
        input[OnnxMetadata.OutputName].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 1, channels, height, width);
        return ml.Transforms.CustomMapping<RawOutputRow, KeypointsRow>((raw, row) =>
        {
            var points = decoder.Decode(new RawOutput(raw.Output, 1, channels, height, width))[0];
            row.Keypoints = points.SelectMany(p => new[] { (float)p.X, (float)p.Y }).ToArray();
            row.Confidence = points.Select(p => (float)p.Confidence).ToArray();
        }, contractName: null, inputSchemaDefinition: input);
    }

    /// <summary>Images (a path column) to the raw head output column, per row; see the class summary.</summary>
    public static IEstimator<ITransformer> Network(MLContext ml, string onnxPath, PosePipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ml);
        options ??= new();
        options.Validate();
        var spec = OnnxMetadata.ReadFile(onnxPath).Spec;
        var onnx = new OnnxOptions
        {
            ModelFile = onnxPath,
            InputColumns = [OnnxMetadata.InputName],
            OutputColumns = [OnnxMetadata.OutputName],
            // ML.NET feeds one row at a time: the dynamic batch dimension is 1.
            ShapeDictionary = new Dictionary<string, int[]> { [OnnxMetadata.InputName] = [1, 3, spec.InputHeight, spec.InputWidth] },
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = options.InterOpThreads,
        };
        return ml.Transforms.LoadImages(ImageColumn, options.ImageFolder, options.ImagePathColumn)
            .Append(ml.Transforms.ResizeImages(ImageColumn, spec.InputWidth, spec.InputHeight, ImageColumn, ImageResizingEstimator.ResizingKind.IsoPad))
            .Append(ml.Transforms.ExtractPixels(OnnxMetadata.InputName, ImageColumn, ImagePixelExtractingEstimator.ColorBits.Rgb,
                ImagePixelExtractingEstimator.ColorsOrder.ARGB, interleavePixelColors: false, scaleImage: 1f / 255f))
            .Append(ml.Transforms.ApplyOnnxModel(onnx));
    }
}
