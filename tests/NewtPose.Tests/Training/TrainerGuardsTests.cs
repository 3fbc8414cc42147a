using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Models;
using NewtPose.Training;

namespace NewtPose.Tests.Training;

/// <summary>
/// The checks every caller gets from <see cref="Trainer"/> (the CLI, notebooks and benchmarks all construct one), made
/// before anything is trained or written. Constructing a trainer builds no network, so these take milliseconds.
/// </summary>
public sealed class TrainerGuardsTests : IDisposable
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "newts-tiny", "annotations.json");
    private readonly string folder = Directory.CreateTempSubdirectory("newtpose-guards-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void The_recommended_configuration_on_the_tiny_newts_passes_every_check()
    {
        var dataset = PoseData.Load(Fixture);
        _ = new Trainer(new TrainingOptions(), dataset, PoseTraining.DefaultSplit(dataset, 42));
    }

    [Fact]
    public void Missing_photos_are_refused_naming_them_before_a_run_folder_exists()
    {
        var labels = Path.Combine(folder, "annotations.json");
        File.Copy(Fixture, labels); // no images beside it
        var dataset = PoseData.Load(labels);
        var e = Assert.Throws<DatasetFormatException>(() => new Trainer(new TrainingOptions(), dataset, PoseTraining.DefaultSplit(dataset, 42)));
        Assert.Contains("8 of 8 image files are missing", e.Message);
        Assert.Contains("newt_0001.jpg", e.Message);
    }

    [Fact]
    public void The_flip_test_is_refused_for_a_model_trained_without_flips()
    {
        var dataset = PoseData.Load(Fixture);
        var options = new TrainingOptions { Augmentation = AugmentationOptions.Rig, FlipTest = true };
        var e = Assert.Throws<ArgumentException>(() => new Trainer(options, dataset, PoseTraining.DefaultSplit(dataset, 42)));
        Assert.Contains("flip_test is on but the augmentation never flips", e.Message);
        _ = new Trainer(options with { FlipTest = false }, dataset, PoseTraining.DefaultSplit(dataset, 42));
    }

    [Fact]
    public void A_sampler_that_augments_otherwise_than_the_options_record_is_refused()
    {
        var dataset = PoseData.Load(Fixture);
        var options = new TrainingOptions();
        var sampler = new PoseSampler(dataset, options.InputWidth, options.InputHeight, AugmentationOptions.Heavy);
        var e = Assert.Throws<ArgumentException>(() => new Trainer(options, dataset, PoseTraining.DefaultSplit(dataset, 42), spec => PoseModels.Create(spec), sampler));
        Assert.Contains("options.augmentation", e.Message);
    }
}
