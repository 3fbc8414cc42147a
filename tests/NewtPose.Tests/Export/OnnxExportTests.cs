using System.Text.Json;
using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Export;
using NewtPose.Inference;
using NewtPose.Models;
using NewtPose.Tests.Cli;
using NewtPose.Tests.Training;
using NewtPose.Training;
using TorchSharp;
using static NewtPose.Tests.Export.ExportFixtures;
using NewtPose.Tests.Data;

namespace NewtPose.Tests.Export;

public sealed class OnnxExportTests : IDisposable
{
    private readonly TempFolder temp = new();
    private string folder => temp.Path;

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_run_folder_exports_a_file_whose_metadata_alone_rebuilds_the_spec_and_whose_output_matches_torchsharp()
    {
        var run = SavedRun("mobilenetv2", "heatmap");
        var onnxPath = Path.Combine(folder, "model.onnx");
        var result = OnnxExport.ExportRun(run.Path, onnxPath);
        Assert.True(result.MaxAbsDifference < 1e-4, $"export verification: {result.MaxAbsDifference}");

        using var backend = OnnxBackend.Open(onnxPath);
        using var model = PoseModels.Load(run.Path);
        Assert.Equal(JsonSerializer.Serialize(model.Spec), JsonSerializer.Serialize(backend.Spec));
        Assert.Equal(File.ReadAllText(run.ModelFile), backend.Metadata[OnnxMetadata.ModelJson]);
        Assert.Equal(File.ReadAllText(run.OptionsFile), backend.Metadata[OnnxMetadata.OptionsJson]);
        // predict's default flip test on the exported file is the run's own (saved with flip_test: true).
        Assert.True(OnnxMetadata.ScoredWithFlipTest(backend.Metadata, onnxPath));
        using (var asScored = OnnxBackend.OpenEngine(onnxPath)) Assert.True(asScored.FlipTest);
        using (var without = OnnxBackend.OpenEngine(onnxPath, new EngineOptions { FlipTest = false })) Assert.False(without.FlipTest);
        Assert.Equal(Keypoints, JsonSerializer.Deserialize<string[]>(backend.Metadata[OnnxMetadata.Keypoints]));
        Assert.Equal("[[1,2]]", backend.Metadata[OnnxMetadata.SwapPairs]);
        Assert.Equal("64x96", backend.Metadata[OnnxMetadata.InputSize]);
        Assert.Equal("[[0,1],[0,3]]", backend.Metadata[OnnxMetadata.Skeleton]);
        Assert.Equal("true", backend.Metadata[OnnxMetadata.TrainedWithFlips]);
        Assert.Contains("\"margin\":0.15", backend.Metadata[OnnxMetadata.Crop]);
        Assert.StartsWith("heatmap_argmax_refined: ", backend.Metadata[OnnxMetadata.Decoding]);
        Assert.Equal(PoseModels.LoadCard(run.Path).ToJson(), backend.Card.ToJson());
        Assert.Equal("heatmap with location refinement", backend.Metadata[OnnxMetadata.Head]);

        // Dynamic batch, at ONNX Runtime's full optimisation, on the photo the engine would crop.
        var pixels = PhotoCrop(backend.Spec, 4).Concat(PhotoCrop(backend.Spec, 5)).Concat(PhotoCrop(backend.Spec, 6)).ToArray();
        var difference = MaxAbsDifference(Torch(model, pixels, 3), backend.Run(pixels, 3).Values);
        Assert.True(difference < 1e-4, $"max |Δ| {difference}");
    }

    [Fact]
    public void An_exported_files_stored_options_say_its_flip_test_and_a_broken_copy_is_named_as_options_files_are()
    {
        Assert.False(OnnxMetadata.ScoredWithFlipTest(new Dictionary<string, string>(), "old.onnx"));
        Assert.False(OnnxMetadata.ScoredWithFlipTest(new Dictionary<string, string> { [OnnxMetadata.OptionsJson] = """{"flip_test": false}""" }, "m.onnx"));
        Assert.True(OnnxMetadata.ScoredWithFlipTest(new Dictionary<string, string> { [OnnxMetadata.OptionsJson] = "{}" }, "m.onnx"));

        var broken = Assert.Throws<DatasetFormatException>(() =>
            OnnxMetadata.ScoredWithFlipTest(new Dictionary<string, string> { [OnnxMetadata.OptionsJson] = """{"flip_test": true,""" }, "/runs/a/model.onnx"));
        Assert.Equal($"/runs/a/model.onnx (metadata '{OnnxMetadata.OptionsJson}')", broken.File);
        Assert.StartsWith("invalid JSON", broken.Problem);
        var notAnObject = Assert.Throws<DatasetFormatException>(() =>
            OnnxMetadata.ScoredWithFlipTest(new Dictionary<string, string> { [OnnxMetadata.OptionsJson] = "[1]" }, "m.onnx"));
        Assert.Contains("expected a JSON object of training options", notAnObject.Message);
        var badField = Assert.Throws<DatasetFormatException>(() =>
            OnnxMetadata.ScoredWithFlipTest(new Dictionary<string, string> { [OnnxMetadata.OptionsJson] = """{"flip_test": "sometimes"}""" }, "m.onnx"));
        Assert.StartsWith("m.onnx (metadata", badField.Message);
        Assert.Contains("flip_test", badField.Message);
    }

    [Fact]
    public void The_cli_exports_refuses_to_overwrite_without_force_and_names_a_missing_run()
    {
        var run = SavedRun("hrnet-small", "integral");
        var onnxPath = Path.Combine(folder, "out", "model.onnx");
        var (exit, stdout, stderr) = CliRunner.Run("export", "--run", run.Path, "--out", onnxPath, "--opset", "13");
        Assert.True(exit == 0, stderr);
        Assert.Contains("opset 13", stdout);
        Assert.True(File.Exists(onnxPath));

        (exit, _, stderr) = CliRunner.Run("export", "--run", run.Path, "--out", onnxPath);
        Assert.Equal(1, exit);
        Assert.Contains("--force", stderr);
        (exit, _, stderr) = CliRunner.Run("export", "--run", run.Path, "--out", onnxPath, "--force");
        Assert.True(exit == 0, stderr);

        var missing = Path.Combine(folder, "no-such-run");
        (exit, _, stderr) = CliRunner.Run("export", "--run", missing, "--out", Path.Combine(folder, "x.onnx"));
        Assert.Equal(1, exit);
        Assert.Contains("no-such-run", stderr);
        (exit, _, stderr) = CliRunner.Run("export", "--run", run.Path, "--out", Path.Combine(folder, "y.onnx"), "--opset", "7");
        Assert.Equal(1, exit);
        Assert.Contains("Opset 7", stderr);
    }

    [Fact]
    public void A_network_of_a_type_the_exporter_does_not_know_is_refused_by_type_and_path()
    {
        var spec = PoseModels.Spec("resnet18", Keypoints, 64, 64);
        using var tiny = new TestOnlyTinyPoseNetwork(spec);
        var e = Assert.Throws<OnnxExportException>(() => OnnxExport.Export(tiny, Path.Combine(folder, "tiny.onnx")));
        Assert.Contains(typeof(TestOnlyTinyPoseNetwork).FullName!, e.Message);
        Assert.Contains("(root)", e.Message);
        Assert.False(File.Exists(Path.Combine(folder, "tiny.onnx")));
    }

    [Fact]
    public void An_unknown_layer_deep_inside_a_known_container_is_refused_with_its_path()
    {
        using var layers = torch.nn.Sequential(("0", torch.nn.Conv2d(3, 4, 3, padding: 1)), ("1", torch.nn.GELU()));
        var e = Assert.Throws<OnnxExportException>(() => new OnnxModuleWriter(new OnnxGraph()).Write(layers, "backbone.stem", "pixels"));
        Assert.Contains("'backbone.stem.1'", e.Message);
        Assert.Contains("GELU", e.Message);
    }

    [Fact]
    public void A_layer_setting_the_mapping_does_not_cover_is_refused()
    {
        using var reflect = torch.nn.Conv2d(3, 4, 3, padding: 1, padding_mode: TorchSharp.PaddingModes.Reflect);
        var e = Assert.Throws<OnnxExportException>(() => new OnnxModuleWriter(new OnnxGraph()).Write(reflect, "head.final", "x"));
        Assert.Contains("'head.final'", e.Message);
        Assert.Contains("Reflect", e.Message);
        using var bilinear = torch.nn.Upsample(scale_factor: [2.0, 2.0], mode: torch.UpsampleMode.Bilinear);
        e = Assert.Throws<OnnxExportException>(() => new OnnxModuleWriter(new OnnxGraph()).Write(bilinear, "fuse", "x"));
        Assert.Contains("Bilinear", e.Message);
    }

    [Fact]
    public void A_file_without_newtpose_metadata_is_refused_with_its_name()
    {
        var path = Path.Combine(folder, "foreign.onnx");
        File.Copy(NewtPose.Models.Backbones.ImageNetResNet18.LocateOnnx(), path);
        var e = Assert.Throws<InvalidDataException>(() => OnnxBackend.Open(path));
        Assert.Contains("foreign.onnx", e.Message);
        Assert.Contains(OnnxMetadata.ModelJson, e.Message);
    }

    private RunFolder SavedRun(string backbone, string head)
    {
        var run = new RunFolder(Path.Combine(folder, "run-" + backbone));
        using var model = RandomModel(backbone, head, locationRefinement: true);
        var skeleton = new Skeleton(Keypoints, [new Edge(0, 1), new Edge(0, 3)], [new SwapPair(1, 2)]);
        PoseModels.Save(model, run.Path, card: ModelCard.Describe(model.Spec, skeleton, AugmentationOptions.Preset("light")));
        new TrainingOptions { Backbone = backbone, Head = head, InputWidth = 64, InputHeight = 96, Augmentation = AugmentationOptions.Preset("light"), FlipTest = true }.Save(run.OptionsFile);
        return run;
    }
}
