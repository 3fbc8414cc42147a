using NewtPose.Models.Backbones;
using Xunit.Abstractions;
using Ort = Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;
using NewtPose.Tests.Data;

namespace NewtPose.Tests.Models;

public sealed class ImageNetResNet18Tests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder temp = new();
    private string cache => temp.Path;

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Converted_backbone_matches_onnx_runtime_pooled_features_and_the_cache_reloads_the_same_weights()
    {
        NewtPose.Runtime.TorchRuntime.EnsureLoaded();
        var onnxPath = ImageNetResNet18.LocateOnnx();
        const int size = 224;
        var rgb = new float[3 * size * size];
        var random = new Random(7);
        for (var i = 0; i < rgb.Length; i++) rgb[i] = (float)random.NextDouble();

        // ONNX Runtime on the original graph: BGR in 0–255 minus the channel means, batch fixed at 1.
        float[] bgrMeans = [103.06f, 115.90f, 123.15f];
        var bgr = new float[rgb.Length];
        var plane = size * size;
        for (var c = 0; c < 3; c++)
            for (var p = 0; p < plane; p++)
                bgr[c * plane + p] = rgb[(2 - c) * plane + p] * 255f - bgrMeans[c];
        using var session = new Ort.InferenceSession(File.ReadAllBytes(onnxPath));
        var inputName = session.InputMetadata.Keys.Single();
        var input = new Ort.Tensors.DenseTensor<float>(bgr, [1, 3, size, size]);
        using var results = session.Run([Ort.NamedOnnxValue.CreateFromTensor(inputName, input)]);
        var expected = results.First().AsEnumerable<float>().ToArray();
        Assert.Equal(512, expected.Length);

        using var converted = ImageNetResNet18.Create(cacheDirectory: cache);
        Assert.True(File.Exists(Path.Combine(cache, "resnet18-imagenet-v1.weights")));
        using var cached = ImageNetResNet18.Create(cacheDirectory: cache);
        foreach (var backbone in new[] { converted, cached })
        {
            backbone.eval();
            using var _ = no_grad();
            using var x = tensor(rgb, [1, 3, size, size]);
            using var mean = tensor(ImageNetResNet18.Mean).view(1, 3, 1, 1);
            using var std = tensor(ImageNetResNet18.Std).view(1, 3, 1, 1);
            using var features = backbone.forward((x - mean) / std);
            Assert.Equal(new long[] { 1, 512, 7, 7 }, features.shape);
            var pooled = features.mean([2, 3]).data<float>().ToArray();
            var maxDifference = pooled.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
            output.WriteLine($"max |Δ| of pooled features vs ONNX Runtime: {maxDifference:E2} (largest feature {expected.Max():F2})");
            Assert.True(maxDifference < 1e-4, $"max |Δ| = {maxDifference}");
            Assert.True(expected.Max() > 1, "features should not be trivially small");
        }
    }

    [Fact]
    public void Conversion_rejects_bytes_that_are_not_an_onnx_model()
    {
        var e = Assert.Throws<InvalidDataException>(() => ImageNetResNet18.Convert([1, 2, 3, 4, 5], "broken.onnx"));
        Assert.Contains("broken.onnx", e.Message);
    }
}
