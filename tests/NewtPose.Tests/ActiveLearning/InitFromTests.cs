using NewtPose.Data.Splits;
using NewtPose.Training;
using NewtPose.Tests.Data;

namespace NewtPose.Tests.ActiveLearning;

/// <summary>TrainingOptions.InitFrom (`newtpose train --init-from`): a retrain starts where the earlier run ended.</summary>
[Collection(NewtPose.Tests.Training.TorchTrainingCollection.Name)]
public sealed class InitFromTests : IDisposable
{
    private readonly TempFolder temp = new();
    private string _root => temp.Path;
    private readonly NewtPose.Tests.Training.ToyPoseData _toy = new(count: 24);

    private static readonly TrainingOptions Toy = new()
    {
        Backbone = "test-only-tiny", Head = "test-only-heatmap", InputWidth = 32, InputHeight = 32, BatchSize = 4, Epochs = 4,
        LearningRate = 1e-2, BackboneLearningRateFactor = 1, WarmupEpochs = 0.5, WeightDecay = 0, Threads = 1, Workers = 0,
        Device = "cpu", EarlyStoppingPatience = 0, Seed = 7, FlipTest = false,
    };

    public void Dispose() => temp.Dispose();

    private TrainingResult Train(TrainingOptions options, string name, int size = 32) =>
        new Trainer(options, _toy.Dataset, DatasetSplit.FromLists(_toy.Paths(0, 16), _toy.Paths(16, 4), _toy.Paths(20, 4)),
            spec => new NewtPose.Tests.Training.TestOnlyTinyPoseNetwork(spec), _toy.Sampler(size)).Train(Path.Combine(_root, name));

    [Fact]
    public void A_run_started_from_an_earlier_one_begins_at_its_accuracy_and_records_where_it_came_from()
    {
        var first = Train(Toy, "round0");
        // Almost no learning in the second runs: what they score is where they started.
        var still = Toy with { Epochs = 1, LearningRate = 1e-9, WarmupEpochs = 0 };
        var fresh = Train(still, "fresh");
        var retrained = Train(still with { InitFrom = first.RunFolder }, "round1");

        var (e0, eFresh, e1) = (first.Final.Overall.MeanPxError!.Value, fresh.Final.Overall.MeanPxError!.Value, retrained.Final.Overall.MeanPxError!.Value);
        Assert.True(Math.Abs(e1 - e0) < 0.25 && e1 < eFresh / 2, $"round0 {e0:F3} px, fresh {eFresh:F3} px, from round0 {e1:F3} px");
        Assert.Equal(first.RunFolder, TrainingOptions.Load(Path.Combine(retrained.RunFolder, "options.json")).InitFrom);
    }

    [Fact]
    public void Another_input_size_or_a_folder_without_a_model_is_refused_with_the_reason()
    {
        var first = Train(Toy with { Epochs = 1 }, "round0");

        var other = Assert.Throws<InvalidOperationException>(() => Train(Toy with { InputWidth = 64, InputHeight = 64, InitFrom = first.RunFolder }, "big", size: 64));
        var missing = Assert.Throws<FileNotFoundException>(() => Train(Toy with { InitFrom = Path.Combine(_root, "nothing") }, "none"));

        Assert.Contains("input 32x32 vs 64x64", other.Message);
        Assert.Contains("init_from", other.Message);
        Assert.Contains("no training run there", missing.Message);
    }
}
