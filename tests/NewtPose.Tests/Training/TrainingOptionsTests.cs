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
}
