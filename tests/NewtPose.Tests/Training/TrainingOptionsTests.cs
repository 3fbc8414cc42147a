using System.Text.Json.Nodes;
using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Training;

namespace NewtPose.Tests.Training;

public sealed class TrainingOptionsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("newtpose-options-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Options_round_trip_through_snake_case_json()
    {
        var options = new TrainingOptions { Epochs = 12, Schedule = LearningRateScheduleKind.Step, BackboneLearningRateFactor = 0.2, Device = "cpu" };
        var path = Path.Combine(folder, "options.json");
        options.Save(path);
        var text = File.ReadAllText(path);
        Assert.Contains("\"backbone_learning_rate_factor\": 0.2", text);
        Assert.Contains("\"schedule\": \"step\"", text);
        Assert.Equal(options, TrainingOptions.Load(path));
    }

    [Fact]
    public void Missing_fields_keep_their_defaults()
    {
        var path = Path.Combine(folder, "partial.json");
        File.WriteAllText(path, "{ \"epochs\": 5, \"batch_size\": 4 }");
        Assert.Equal(new TrainingOptions { Epochs = 5, BatchSize = 4 }, TrainingOptions.Load(path));
    }

    [Fact]
    public void Unknown_fields_and_bad_values_are_errors_naming_the_file()
    {
        var unknown = Path.Combine(folder, "unknown.json");
        File.WriteAllText(unknown, "{ \"epochs\": 5, \"learnin_rate\": 0.1 }");
        var e = Assert.Throws<DatasetFormatException>(() => TrainingOptions.Load(unknown));
        Assert.Contains("unknown.json", e.Message);
        Assert.Contains("learnin_rate", e.Message);

        var bad = Path.Combine(folder, "bad.json");
        File.WriteAllText(bad, "{ \"epochs\": 0, \"device\": \"tpu\" }");
        var invalid = Assert.Throws<DatasetFormatException>(() => TrainingOptions.Load(bad));
        Assert.Contains("bad.json", invalid.Message);
        Assert.Contains("epochs 0", invalid.Message);
        Assert.Contains("device 'tpu'", invalid.Message);
    }

    [Fact]
    public void Heatmap_stride_and_sigma_are_read_from_a_config_and_bad_values_are_refused_by_name()
    {
        var options = TrainingOptions.Load(Write("finer.json", """{ "heatmap_stride": 2, "heatmap_sigma": 3 }"""));
        Assert.Equal((2, 3.0), (options.HeatmapStride, options.HeatmapSigma));
        Assert.Equal((4, 2.0), (new TrainingOptions().HeatmapStride, new TrainingOptions().HeatmapSigma));
        var e = Assert.Throws<DatasetFormatException>(() => TrainingOptions.Load(Write("bad-heat.json", """{ "heatmap_stride": 3, "heatmap_sigma": 20 }""")));
        Assert.Contains("bad-heat.json", e.Message);
        Assert.Contains("heatmap_stride 3 must be one of 2, 4, 8", e.Message);
        Assert.Contains("heatmap_sigma 20 must be in [0.5, 8]", e.Message);
        var integral = Assert.Throws<ArgumentException>(() => new TrainingOptions { Head = "integral", HeatmapSigma = 3 }.Validate());
        Assert.Contains("integral head trains on no Gaussian target", integral.Message);
    }

    private string Write(string name, string json)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void The_defaults_are_the_recommended_configuration()
    {
        var o = new TrainingOptions();
        Assert.Equal(PoseTraining.Recommended, o);
        Assert.Equal((224, 224, null, 60, 0, true, 1), (o.InputWidth, o.InputHeight, o.Epochs, o.MinEpochs, o.EarlyStoppingPatience, o.FlipTest, o.Workers));
        Assert.Equal(AugmentationOptions.Default, o.Augmentation);
    }

    [Theory]
    [InlineData(140, 60)]   // the full newts train split: the 60 epochs at 224² measured there
    [InlineData(134, 60)]
    [InlineData(133, 61)]
    [InlineData(25, 320)]   // the 25-photo schedule measured in docs/benchmarks-accuracy.md
    [InlineData(3, 2667)]
    [InlineData(0, 8000)]
    public void An_unsized_schedule_sees_at_least_8000_train_crops_and_min_epochs(int trainCrops, int epochs)
    {
        Assert.Equal(epochs, new TrainingOptions().EpochsFor(trainCrops));
        Assert.Equal(epochs, new TrainingOptions().ForTrainSet(trainCrops).Epochs);
    }

    [Fact]
    public void A_configuration_states_its_own_fewest_epochs()
    {
        // The mouse rig's sized configuration keeps the 80 epochs its figures were measured with.
        var rig = TrainingOptions.Load(Path.Combine(AppContext.BaseDirectory, "BenchConfigs", "mouse-views-sized.json"));
        Assert.Equal((80, 80), (rig.MinEpochs, rig.EpochsFor(126)));
        Assert.Equal(160, rig.EpochsFor(50));
        var error = Assert.Throws<DatasetFormatException>(() => new TrainingOptions().Layer(new JsonObject { ["min_epochs"] = 0 }, "test.json"));
        Assert.Contains("min_epochs 0 must be at least 1", error.Message);
    }

    [Fact]
    public void Given_epochs_are_trained_exactly_whatever_the_train_set()
    {
        Assert.Equal(10, new TrainingOptions { Epochs = 10 }.EpochsFor(3));
        Assert.Equal(10, new TrainingOptions().Layer(new JsonObject { ["epochs"] = 10 }, "test").EpochsFor(3));
        // A file may ask for the sized schedule again with null.
        Assert.Null(new TrainingOptions { Epochs = 10 }.Layer(new JsonObject { ["epochs"] = null }, "test").Epochs);
        var e = Assert.Throws<InvalidOperationException>(() => new TrainingOptions().ScheduledEpochs);
        Assert.Contains("ForTrainSet", e.Message);
    }

    [Fact]
    public void A_partial_file_overrides_the_start_field_by_field()
    {
        var path = Write("partial.json", """{ "epochs": 60, "augmentation": { "max_rotation_degrees": 45 } }""");
        Assert.Equal(new TrainingOptions { Epochs = 60, Augmentation = AugmentationOptions.Default with { MaxRotationDegrees = 45 } }, TrainingOptions.Load(path));
        var start = new TrainingOptions { InputWidth = 64, InputHeight = 64, Seed = 3 };
        Assert.Equal(start with { Epochs = 60, Augmentation = AugmentationOptions.Default with { MaxRotationDegrees = 45 } }, TrainingOptions.Load(path, start));
    }

    [Fact]
    public void The_augmentation_is_saved_field_by_field_and_a_preset_name_is_resolved_at_load()
    {
        var path = Path.Combine(folder, "options.json");
        new TrainingOptions { Augmentation = AugmentationOptions.Heavy }.Save(path);
        var saved = JsonNode.Parse(File.ReadAllText(path))!["augmentation"]!.AsObject();
        Assert.Equal(AugmentationOptions.Heavy.MaxOcclusions, (int)saved["max_occlusions"]!);
        Assert.Equal(0.5, (double)saved["horizontal_flip_probability"]!);

        var rig = TrainingOptions.Load(Write("rig.json", """{ "augmentation": "rig" }"""));
        Assert.Equal(AugmentationOptions.Rig, rig.Augmentation);
        Assert.False(rig.FlipTest); // a preset without flips turns the flip test off unless the file sets it
        var forced = TrainingOptions.Load(Write("light.json", """{ "augmentation": "light", "flip_test": false }"""));
        Assert.Equal((AugmentationOptions.Light, false), (forced.Augmentation, forced.FlipTest));

        var unknown = Assert.Throws<DatasetFormatException>(() => TrainingOptions.Load(Write("fancy.json", """{ "augmentation": "fancy" }""")));
        Assert.Contains("fancy.json: augmentation: Unknown augmentation preset 'fancy'", unknown.Message);
        var bad = Assert.Throws<DatasetFormatException>(() => TrainingOptions.Load(Write("badaug.json", """{ "augmentation": { "blur_probability": 2 } }""")));
        Assert.Contains("BlurProbability = 2 must be a probability", bad.Message);
    }

    [Fact]
    public void An_options_json_written_before_the_augmentation_record_still_loads()
    {
        // A run folder's options.json as the trainer wrote it when the augmentation was recorded by preset name.
        var old = Write("old.json", """
            {
              "backbone": "resnet18-imagenet", "head": "heatmap", "input_width": 128, "input_height": 128, "batch_size": 8,
              "epochs": 40, "learning_rate": 0.001, "backbone_learning_rate_factor": 0.1, "schedule": "cosine", "warmup_epochs": 1,
              "min_learning_rate_factor": 0.01, "step_every_epochs": 20, "step_gamma": 0.1, "weight_decay": 0.0001,
              "augmentation": "default", "freeze_backbone_epochs": 0, "freeze_backbone_normalization": true, "seed": 42,
              "threads": 2, "device": "auto", "early_stopping_patience": 0, "workers": 1, "flip_test": true, "checkpoint_every_epoch": true
            }
            """);
        Assert.Equal(new TrainingOptions { InputWidth = 128, InputHeight = 128, Epochs = 40 }, TrainingOptions.Load(old));
    }

    [Fact]
    public void Fewer_epochs_than_the_warm_up_shorten_it()
    {
        var o = new TrainingOptions { WarmupEpochs = 3 }.Layer(new JsonObject { ["epochs"] = 2 }, "test");
        Assert.Equal((2, 2.0), (o.Epochs, o.WarmupEpochs));
        var e = Assert.Throws<DatasetFormatException>(() => new TrainingOptions().Layer(new JsonObject { ["epochs"] = 2, ["warmup_epochs"] = 3 }, "the command line"));
        Assert.Contains("the command line: Invalid training options: warmup_epochs 3 must be in [0, epochs]", e.Message);
    }
}
