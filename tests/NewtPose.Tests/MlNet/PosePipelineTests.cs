using Microsoft.ML;
using Microsoft.ML.Data;
using NewtPose.Export;
using NewtPose.Imaging;
using NewtPose.Inference;
using NewtPose.MlNet;
using SkiaSharp;
using Xunit.Abstractions;
using static NewtPose.Tests.Export.ExportFixtures;
using NewtPose.Tests.Data;

namespace NewtPose.Tests.MlNet;

public sealed class PosePipelineTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder temp = new();
    private string folder => temp.Path;

    public void Dispose() => temp.Dispose();

    [Fact]
    public void The_pipeline_gives_the_onnx_backend_output_on_the_same_crops()
    {
        using var model = RandomModel("resnet18", "heatmap", true);
        var onnxPath = Path.Combine(folder, "model.onnx");
        OnnxExport.Export(model, onnxPath);
        // The engine's crops, saved at the input size: ML.NET's letterbox then changes nothing.
        var crops = new[] { 1, 2, 3 }.Select(photo => SaveCrop(PhotoCrop(model.Spec, photo), model.Spec.InputWidth, model.Spec.InputHeight, $"crop{photo}.png")).ToArray();

        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(crops.Select(c => new PipelineImage { ImagePath = Path.GetFileName(c) }));
        var transformed = PosePipeline.Network(ml, onnxPath, new PosePipelineOptions(ImageFolder: folder, IntraOpThreads: 1)).Fit(data).Transform(data);
        var rows = transformed.GetColumn<float[]>(OnnxMetadata.OutputName).ToArray();

        using var backend = OnnxBackend.Open(onnxPath);
        Assert.Equal(crops.Length, rows.Length);
        for (var i = 0; i < crops.Length; i++)
        {
            var expected = backend.Run(Planar(ImageLoader.Load(crops[i])), 1);
            var difference = MaxAbsDifference(expected.Values, rows[i]);
            output.WriteLine($"{Path.GetFileName(crops[i])}: max |Δ| ML.NET vs OnnxBackend {difference:E2}");
            Assert.True(difference < 1e-4, $"max |Δ| {difference}");
        }
    }

    [Fact]
    public void The_whole_pipeline_gives_the_engine_decoders_keypoints_on_the_same_crops()
    {
        using var model = RandomModel("mobilenetv2", "heatmap", true, 64, 64);
        var onnxPath = Path.Combine(folder, "model.onnx");
        OnnxExport.Export(model, onnxPath);
        var crops = new[] { 2, 5 }.Select(photo => SaveCrop(PhotoCrop(model.Spec, photo), 64, 64, $"crop{photo}.png")).ToArray();

        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(crops.Select(c => new PipelineImage { ImagePath = Path.GetFileName(c) }));
        var scored = PosePipeline.Create(ml, onnxPath, new PosePipelineOptions(ImageFolder: folder, IntraOpThreads: 1)).Fit(data).Transform(data);
        var keypoints = scored.GetColumn<float[]>(PosePipeline.KeypointsColumn).ToArray();
        var confidence = scored.GetColumn<float[]>(PosePipeline.ConfidenceColumn).ToArray();

        using var backend = OnnxBackend.Open(onnxPath);
        var decoder = new PoseDecoder(backend.Card);
        for (var i = 0; i < crops.Length; i++)
        {
            var expected = decoder.Decode(backend.Run(Planar(ImageLoader.Load(crops[i])), 1))[0];
            Assert.Equal(2 * expected.Length, keypoints[i].Length);
            for (var k = 0; k < expected.Length; k++)
            {
                Assert.True(Math.Abs(expected[k].X - keypoints[i][2 * k]) < 1e-3 && Math.Abs(expected[k].Y - keypoints[i][2 * k + 1]) < 1e-3,
                    $"crop {i} keypoint {k}: ML.NET ({keypoints[i][2 * k]}, {keypoints[i][2 * k + 1]}) vs decoder ({expected[k].X}, {expected[k].Y})");
                Assert.Equal(expected[k].Confidence, confidence[i][k], 4);
            }
        }
    }

    [Fact]
    public void On_crops_the_engine_found_the_pipelines_points_are_the_engines()
    {
        using var model = RandomModel("resnet18", "heatmap", true, 64, 64);
        var onnxPath = Path.Combine(folder, "model.onnx");
        OnnxExport.Export(model, onnxPath);
        var photos = new[] { 3, 6 }.Select(i => Path.Combine(AppContext.BaseDirectory, "Fixtures", "newts-tiny", "images", $"newt_{i:0000}.jpg")).ToArray();
        var cropFolder = Path.Combine(folder, "crops");
        var crops = EngineCrops.Write(onnxPath, photos, cropFolder);
        Assert.Equal(["crop-00.png", "crop-01.png"], crops);
        Assert.Equal((64, 64), ImageLoader.ReadSize(Path.Combine(cropFolder, crops[0])));

        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(crops.Select(c => new PipelineImage { ImagePath = c }));
        var scored = PosePipeline.Create(ml, onnxPath, new PosePipelineOptions(ImageFolder: cropFolder, IntraOpThreads: 1)).Fit(data).Transform(data);
        var agreement = EngineCrops.Compare(onnxPath, cropFolder, crops, scored.GetColumn<float[]>(PosePipeline.KeypointsColumn).ToArray());
        Assert.All(agreement, a => Assert.True(a.MaxDifferencePx < 1e-3, $"{a.Crop}: {a.MaxDifferencePx} px"));

        // The check can fail: points of another crop are far off.
        var swapped = EngineCrops.Compare(onnxPath, cropFolder, [crops[0]], [scored.GetColumn<float[]>(PosePipeline.KeypointsColumn).ToArray()[1]]);
        Assert.True(swapped[0].MaxDifferencePx > 0.01 || Equal(cropFolder, crops), "two different crops gave the same points");
    }

    private static bool Equal(string folder, IReadOnlyList<string> crops) =>
        File.ReadAllBytes(Path.Combine(folder, crops[0])).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(folder, crops[1])));

    private string SaveCrop(float[] chw, int width, int height, string name)
    {
        var path = Path.Combine(folder, name);
        EngineCrops.Save(chw, width, height, path);
        return path;
    }

    private static float[] Planar(RgbImage image)
    {
        var plane = image.Width * image.Height;
        var chw = new float[3 * plane];
        for (var p = 0; p < plane; p++)
            for (var c = 0; c < 3; c++)
                chw[c * plane + p] = image.Pixels[3 * p + c] / 255f;
        return chw;
    }
}
