using System.Diagnostics;
using System.Reflection;
using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Export;
using NewtPose.Inference;
using NewtPose.Models;
using Xunit.Abstractions;
using static NewtPose.Tests.Export.ExportFixtures;
using NewtPose.Tests.Data;

namespace NewtPose.Tests.Export;

/// <summary>The inference engine over the exported file: the TorchSharp engine's points, and no libtorch in the process.</summary>
public sealed class OnnxEngineTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder temp = new();
    private string folder => temp.Path;

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("heatmap", false)]
    [InlineData("heatmap", true)]
    [InlineData("integral", false)]
    public void Engine_points_from_torch_and_onnx_agree_within_a_hundredth_of_a_pixel(string head, bool flipTest)
    {
        var (run, onnxPath) = ExportedRun("resnet18", head);
        var photos = Photos();
        var options = new EngineOptions { FlipTest = flipTest, BatchSize = 2, RefinePasses = 1 };
        using var torchEngine = PoseEngine.Open(run, options);
        using var onnxEngine = OnnxBackend.OpenEngine(onnxPath, options, new OnnxBackendOptions(IntraOpThreads: 1));
        Assert.Equal(torchEngine.Model.ToJson(), onnxEngine.Model.ToJson());
        var expected = torchEngine.PredictMany(photos).ToArray();
        var actual = onnxEngine.PredictMany(photos).ToArray();
        var worst = 0.0;
        for (var i = 0; i < photos.Length; i++)
        {
            Assert.Null(expected[i].Error);
            Assert.Null(actual[i].Error);
            var (e, a) = (expected[i].Prediction!.Keypoints, actual[i].Prediction!.Keypoints);
            for (var k = 0; k < e.Count; k++)
            {
                worst = Math.Max(worst, Math.Max(Math.Abs(e[k].X - a[k].X), Math.Abs(e[k].Y - a[k].Y)));
                Assert.Equal(e[k].Confidence, a[k].Confidence, 4);
            }
        }
        output.WriteLine($"{head}, flip test {flipTest}: worst |Δ| of a coordinate over {photos.Length} photos {worst:E2} px");
        Assert.True(worst < 0.01, $"worst |Δ| {worst} px");
    }

    [Fact]
    public void Predicting_from_the_onnx_file_never_maps_libtorch_while_the_torch_engine_does()
    {
        var (run, onnxPath) = ExportedRun("mobilenetv2", "heatmap");
        var photos = Path.Combine(folder, "photos");
        Directory.CreateDirectory(photos);
        foreach (var photo in Photos()) File.Copy(photo, Path.Combine(photos, Path.GetFileName(photo)));

        var (exit, text) = RunBench("e2e", "--model", onnxPath, "--photos", photos, "--batch", "2", "--rounds", "1", "--threads", "1");
        output.WriteLine(text);
        Assert.True(exit == 0, text);
        Assert.Contains($"3 of 3 photos", text);
        Assert.Contains("flip test off", text);
        Assert.Contains("libtorch mapped: no", text);

        // The same check on the TorchSharp engine says yes: the check can fail. The line names the test-time views that ran.
        (exit, text) = RunBench("e2e", "--model", run, "--photos", photos, "--batch", "2", "--rounds", "1", "--threads", "1", "--flip-test", "on", "--quarter-turns", "off");
        Assert.True(exit == 0, text);
        Assert.Contains("flip test on, quarter turns off", text);
        Assert.Contains("libtorch mapped: yes", text);
    }

    private (string Run, string Onnx) ExportedRun(string backbone, string head)
    {
        var run = Path.Combine(folder, $"run-{backbone}-{head}");
        using (var model = RandomModel(backbone, head, locationRefinement: true))
        {
            var skeleton = new Skeleton(model.Spec.Keypoints, [new Edge(0, 1), new Edge(0, 2), new Edge(0, 3)], [new SwapPair(1, 2)]);
            PoseModels.Save(model, run, card: ModelCard.Describe(model.Spec, skeleton, AugmentationOptions.Default));
        }
        var onnxPath = Path.Combine(folder, $"{backbone}-{head}.onnx");
        OnnxExport.ExportRun(run, onnxPath);
        return (run, onnxPath);
    }

    private static string[] Photos() =>
        [.. new[] { 1, 4, 7 }.Select(i => Path.Combine(AppContext.BaseDirectory, "Fixtures", "newts-tiny", "images", $"newt_{i:0000}.jpg"))];

    private static (int Exit, string Output) RunBench(params string[] args)
    {
        var configuration = typeof(OnnxEngineTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "NewtPose.sln"))) root = root.Parent;
        Assert.NotNull(root);
        var bench = Path.Combine(root.FullName, "bench", "InferBench", "bin", configuration, "net10.0", "InferBench.dll");
        Assert.True(File.Exists(bench), $"InferBench is not built: {bench}.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(bench);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "timed out\n" + stdout.Result + stderr.Result);
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
