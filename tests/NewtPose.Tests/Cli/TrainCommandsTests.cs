using System.Text.Json.Nodes;
using NewtPose.Data.Splits;
using NewtPose.Models;
using NewtPose.Tests.Training;

namespace NewtPose.Tests.Cli;

/// <summary>`newtpose train` and `newtpose demo` end to end on the 8-photo fixture (tiny configurations: seconds).</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class TrainCommandsTests : IDisposable
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "newts-tiny", "annotations.json");
    private readonly string root = Path.Combine(Path.GetTempPath(), "newtpose-train-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void Demo_quick_writes_test_metrics_a_loadable_model_and_an_offline_report()
    {
        var run = Path.Combine(root, "demo");
        var (exit, output, error) = CliRunner.Run("demo", "--quick", "--data", Fixture, "--out", run);

        Assert.True(exit == 0, error);
        Assert.Contains("PCK@.05", output);
        Assert.Contains("snout_tip", output);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")))!;
        Assert.Equal("test", (string?)metrics["split"]);
        foreach (var field in new[] { "mean_px_error", "rmse_px", "pck_0_05", "pck_0_1", "pck_0_2" })
            Assert.True(metrics[field] is JsonValue, $"metrics.json lacks {field}");
        Assert.Equal(21, metrics["per_keypoint"]!.AsArray().Count);
        Assert.Single(metrics["epochs"]!.AsArray());

        var report = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Contains("Plotly.newPlot('figure3'", report); // loss, validation error, per keypoint, photo grid
        Assert.DoesNotContain("<script src", report);      // plotly.js inline: opens offline
        Assert.Contains(NewtPose.Charts.PlotlyScript.Source[..200], report);

        using var model = PoseModels.Load(run);
        Assert.Equal("resnet18-imagenet", model.Spec.Backbone);
        Assert.Equal(64, model.Spec.InputWidth);
        Assert.Equal(NewtPose.Models.Backbones.ImageNetResNet18.Std, model.Spec.Std);
    }

    [Fact]
    public void Train_takes_a_split_file_and_records_it_unchanged()
    {
        var splitFile = Path.Combine(root, "split.json");
        Directory.CreateDirectory(root);
        Assert.Equal(0, CliRunner.Run("split", Fixture, "--seed", "3", "--val", "0.25", "--test", "0.25", "--group-by", "individual", "--out", splitFile).Exit);

        var run = Path.Combine(root, "run");
        var (exit, _, error) = CliRunner.Run("train", "--data", Fixture, "--out", run, "--split", splitFile,
            "--backbone", "resnet18", "--input-size", "64", "--epochs", "2", "--batch", "4", "--augment", "light", "--seed", "5", "--threads", "1", "--flip-test", "false");

        Assert.True(exit == 0, error);
        Assert.Equal(DatasetSplit.Load(splitFile).ToJson(), DatasetSplit.Load(Path.Combine(run, "split.json")).ToJson());
        var options = NewtPose.Training.TrainingOptions.Load(Path.Combine(run, "options.json"));
        Assert.Equal(("resnet18", 64, 2, 4, NewtPose.Augmentation.AugmentationOptions.Light, 5, 1, false), (options.Backbone, options.InputWidth, options.Epochs, options.BatchSize, options.Augmentation, options.Seed, options.Threads, options.FlipTest));
        Assert.False(JsonNode.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")))!["flip_test"]!.GetValue<bool>());
        Assert.Equal(2, JsonNode.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")))!["epochs"]!.AsArray().Count);

        // The rig preset (no flips) turns the flip test off by itself.
        var rigRun = Path.Combine(root, "rig");
        var rig = CliRunner.Run("train", "--data", Fixture, "--out", rigRun, "--split", splitFile,
            "--backbone", "resnet18", "--input-size", "64", "--epochs", "1", "--batch", "4", "--augment", "rig", "--threads", "1");
        Assert.True(rig.Exit == 0, rig.Error);
        var rigOptions = NewtPose.Training.TrainingOptions.Load(Path.Combine(rigRun, "options.json"));
        Assert.Equal((NewtPose.Augmentation.AugmentationOptions.Rig, false), (rigOptions.Augmentation, rigOptions.FlipTest));

        // A finished run resumed has nothing left to train: the command says so and changes nothing.
        var metrics = File.ReadAllText(Path.Combine(run, "metrics.json"));
        var resumed = CliRunner.Run("train", "--data", Fixture, "--out", run, "--resume");
        Assert.Equal(1, resumed.Exit);
        Assert.Contains("is a finished run: it trained 2 of 2 epochs", resumed.Error);
        Assert.Equal(metrics, File.ReadAllText(Path.Combine(run, "metrics.json")));

        // Training into it again is refused without --force, and replaces the run with it.
        var again = CliRunner.Run("train", "--data", Fixture, "--out", run, "--split", splitFile, "--backbone", "resnet18", "--input-size", "64", "--epochs", "1", "--threads", "1");
        Assert.Equal(1, again.Exit);
        Assert.Contains("already exists", again.Error);
        Assert.Contains("--force", again.Error);
        var forced = CliRunner.Run("train", "--data", Fixture, "--out", run, "--split", splitFile, "--backbone", "resnet18", "--input-size", "64", "--epochs", "1", "--threads", "1", "--force");
        Assert.True(forced.Exit == 0, forced.Error);
        Assert.Single(JsonNode.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")))!["epochs"]!.AsArray());
    }

    [Fact]
    public void The_bench_config_files_are_the_configurations_the_commands_use_field_by_field()
    {
        string Config(string name) => Path.Combine(AppContext.BaseDirectory, "BenchConfigs", name);
        Assert.Equal(new NewtPose.Training.TrainingOptions(), NewtPose.Training.PoseTraining.Recommended);
        Assert.Equal(NewtPose.Training.PoseTraining.Recommended.ToJson() + "\n", File.ReadAllText(Config("full.json")));
        Assert.Equal(NewtPose.Cli.Commands.DemoCommand.Demo.ToJson() + "\n", File.ReadAllText(Config("demo.json")));
        Assert.Equal(NewtPose.Cli.Commands.DemoCommand.Demo, NewtPose.Training.TrainingOptions.Load(Config("demo.json")));
    }

    [Fact]
    public void Dry_run_prints_the_layered_options_and_the_split_and_writes_nothing()
    {
        Directory.CreateDirectory(root);
        var config = Path.Combine(root, "partial.json");
        File.WriteAllText(config, """{ "epochs": 60, "augmentation": { "vertical_flip_probability": 0 } }""");
        var run = Path.Combine(root, "dry");
        var (exit, output, error) = CliRunner.Run("train", "--data", Fixture, "--out", run, "--config", config, "--batch", "4", "--dry-run");

        Assert.True(exit == 0, error);
        Assert.False(Directory.Exists(run));
        Assert.Contains("split train 3 / val 3 / test 2 images (grouped by individual)", output);
        var json = output[output.IndexOf('{')..(output.LastIndexOf('}') + 1)];
        var options = NewtPose.Training.TrainingOptions.Load(WriteText(Path.Combine(root, "printed.json"), json));
        // The file overrides the recommended configuration field by field (inside the augmentation too), the flag the file.
        var expected = new NewtPose.Training.TrainingOptions
        {
            Epochs = 60, BatchSize = 4,
            Augmentation = NewtPose.Augmentation.AugmentationOptions.Default with { VerticalFlipProbability = 0 },
        };
        Assert.Equal(expected, options);
        Assert.Equal((224, true, 0), (options.InputWidth, options.FlipTest, options.EarlyStoppingPatience));
        Assert.Contains("learning rate head 0.001, trunk 0.0001", output);
        Assert.Contains("augmentation custom", output);
        Assert.Contains("flip test on; early stopping off; 2 threads, 1 data worker", output);
    }

    [Fact]
    public void Without_epochs_the_schedule_is_sized_by_the_train_set_and_recorded_as_a_number()
    {
        Directory.CreateDirectory(root);
        var run = Path.Combine(root, "sized");
        var (exit, output, error) = CliRunner.Run("train", "--data", Fixture, "--out", run, "--dry-run");

        Assert.True(exit == 0, error);
        // 3 train photos: 60 epochs would see 180 crops; the sized schedule trains until 8000 crops.
        Assert.Contains("2667 epochs (sized by the train set: 60, or at least 8000 train crops)", output);
        var json = output[output.IndexOf('{')..(output.LastIndexOf('}') + 1)];
        Assert.Equal(2667, NewtPose.Training.TrainingOptions.Load(WriteText(Path.Combine(root, "sized.json"), json)).Epochs);

        (exit, output, error) = CliRunner.Run("train", "--data", Fixture, "--out", run, "--epochs", "5", "--dry-run");
        Assert.True(exit == 0, error);
        Assert.Contains(", 5 epochs, batch", output);
    }

    private static string WriteText(string path, string text)
    {
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Bad_input_exits_non_zero_with_a_one_line_reason()
    {
        Directory.CreateDirectory(root);
        var labels = Path.Combine(root, "annotations.json");
        File.Copy(Fixture, labels); // no images beside it
        var missing = CliRunner.Run("train", "--data", labels, "--out", Path.Combine(root, "run"), "--epochs", "1");
        Assert.Equal(1, missing.Exit);
        Assert.Contains("image files are missing", missing.Error);
        Assert.Contains("newt_0001.jpg", missing.Error);
        Assert.False(Directory.Exists(Path.Combine(root, "run")));

        var size = CliRunner.Run("train", "--data", Fixture, "--out", Path.Combine(root, "run2"), "--input-size", "100");
        Assert.Equal(1, size.Exit);
        Assert.Contains("multiple", size.Error);
        Assert.Single(size.Error.Trim().Split('\n'), l => !l.StartsWith("warning:"));

        var flipTest = CliRunner.Run("train", "--data", Fixture, "--out", Path.Combine(root, "run3"), "--augment", "none", "--flip-test", "true", "--epochs", "1");
        Assert.Equal(1, flipTest.Exit);
        Assert.Contains("flip_test is on but the augmentation never flips", flipTest.Error);
        Assert.False(Directory.Exists(Path.Combine(root, "run3")));

        var resume = CliRunner.Run("train", "--data", Fixture, "--out", Path.Combine(root, "none"), "--resume");
        Assert.Equal(1, resume.Exit);
        Assert.Contains("no options.json", resume.Error);

        var both = CliRunner.Run("train", "--data", Fixture, "--out", Path.Combine(root, "none"), "--resume", "--force");
        Assert.Equal(2, both.Exit);
        Assert.Contains("--resume and --force do not go together", both.Error);
    }
}
