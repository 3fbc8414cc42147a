using System.Globalization;
using System.Text.Json.Nodes;
using NewtPose.Data.Splits;
using NewtPose.Training;
using TorchSharp;
using NewtPose.Tests.Data;

namespace NewtPose.Tests.Training;

/// <summary>Training sets libtorch's global seed and thread count: these tests must not run beside each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchTrainingCollection
{
    public const string Name = "torch training (serial)";
}

[Collection(TorchTrainingCollection.Name)]
public sealed class TrainerTests : IDisposable
{
    private readonly TempFolder temp = new();
    private string root => temp.Path;
    private readonly ToyPoseData toy = new(count: 24);

    private static readonly TrainingOptions Toy = new()
    {
        Backbone = "test-only-tiny", Head = "test-only-heatmap", InputWidth = 32, InputHeight = 32, BatchSize = 4, Epochs = 3,
        LearningRate = 1e-2, BackboneLearningRateFactor = 1, WarmupEpochs = 0.5, WeightDecay = 0, Threads = 1, Workers = 2,
        Device = "cpu", EarlyStoppingPatience = 0, Seed = 7, FlipTest = false,
    };

    public void Dispose() => temp.Dispose();

    private DatasetSplit Split() => DatasetSplit.FromLists(toy.Paths(0, 16), toy.Paths(16, 4), toy.Paths(20, 4));

    private Trainer NewTrainer(TrainingOptions options, DatasetSplit? split = null) =>
        new(options, toy.Dataset, split ?? Split(), spec => new TestOnlyTinyPoseNetwork(spec), toy.Sampler(32));

    private string Folder(string name) => Path.Combine(root, name);

    [Fact]
    public void A_few_epochs_drive_the_error_down_on_a_learnable_toy_set()
    {
        var untrained = UntrainedTestError();
        var events = new List<TrainingEvent>();
        var result = NewTrainer(Toy with { Epochs = 6 }).Train(Folder("learn"), new SynchronousProgress(events.Add));

        var epochs = events.OfType<EpochCompleted>().Select(e => e.Record).ToArray();
        Assert.Equal(6, epochs.Length);
        var trained = result.Final.Overall.MeanPxError!.Value;
        Assert.True(trained < untrained / 4 && trained < 2, $"test error {untrained:F2} px untrained, {trained:F2} px trained");
        Assert.True(epochs[^1].TrainLoss < epochs[0].TrainLoss / 2, $"train loss {epochs[0].TrainLoss:G3} -> {epochs[^1].TrainLoss:G3}");
        Assert.Equal("test", result.FinalSplit);
        Assert.Equal(8, result.Final.Overall.Count);
        Assert.Equal(result.BestValidationError, epochs.Min(e => e.Validation!.MeanPxError!.Value));
    }

    /// <summary>The test-split error of a freshly initialised network, through the public predictor.</summary>
    private double UntrainedTestError()
    {
        torch.manual_seed(Toy.Seed);
        using var network = new TestOnlyTinyPoseNetwork(Trainer.SpecFor(Toy, toy.Dataset.Skeleton));
        var sampler = toy.Sampler(32);
        var images = toy.Dataset.Images.Skip(20).ToArray();
        var samples = images.Select(i => sampler.Sample(i, i.Instances[0], new Random(0), augment: false)).ToArray();
        var predictions = NewtPose.Evaluation.PosePredictor.Predict(network, samples, batchSize: 3);
        var cases = images.Zip(predictions, (i, p) => new NewtPose.Evaluation.EvaluationCase(i.Instances[0].Keypoints, p.Keypoints)).ToArray();
        return NewtPose.Evaluation.KeypointMetrics.Evaluate(toy.Dataset.Skeleton.Keypoints, cases).Overall.MeanPxError!.Value;
    }

    [Fact]
    public void The_spec_carries_the_backbones_own_normalisation()
    {
        var skeleton = toy.Dataset.Skeleton;
        var imagenet = Trainer.SpecFor(new TrainingOptions { Backbone = "resnet18-imagenet", InputWidth = 192, InputHeight = 192 }, skeleton);
        // The CNTK ResNet18 wants 0–255 minus channel means: std 1/255, mean R 123.15/255.
        Assert.Equal(NewtPose.Models.Backbones.ImageNetResNet18.Mean, imagenet.Mean);
        Assert.Equal(NewtPose.Models.Backbones.ImageNetResNet18.Std, imagenet.Std);
        var scratch = Trainer.SpecFor(new TrainingOptions { Backbone = "resnet18", InputWidth = 192, InputHeight = 192 }, skeleton);
        Assert.Equal(0.229f, scratch.Std[0]);
        Assert.Equal((192, 192), (imagenet.InputWidth, imagenet.InputHeight));
        Assert.Equal((4, 2.0), (imagenet.HeatmapStride, imagenet.HeatmapSigma));
        var finer = Trainer.SpecFor(new TrainingOptions { Backbone = "resnet18", HeatmapStride = 2, HeatmapSigma = 3 }, skeleton);
        Assert.Equal((2, 3.0), (finer.HeatmapStride, finer.HeatmapSigma));
        var own = Trainer.SpecFor(Toy with { HeatmapStride = 8, HeatmapSigma = 1.5 }, skeleton);
        Assert.Equal((8, 1.5), (own.HeatmapStride, own.HeatmapSigma));
    }

    [Fact]
    public void The_run_folder_holds_options_split_metrics_checkpoints_and_log()
    {
        var events = new List<TrainingEvent>();
        var result = NewTrainer(Toy).Train(Folder("files"), new SynchronousProgress(events.Add));
        var run = new RunFolder(result.RunFolder);

        Assert.Equal(Toy, TrainingOptions.Load(run.OptionsFile));
        Assert.Equal(Split().ToJson(), DatasetSplit.Load(run.SplitFile).ToJson());
        Assert.True(File.Exists(run.ModelFile));
        Assert.True(File.Exists(run.ModelWeights));
        // The best epoch lives on as the model only; the finished run's checkpoint keeps its training state, not its weights.
        Assert.Equal(["last.ckpt"], Directory.GetFiles(Path.GetDirectoryName(run.LastCheckpoint)!).Select(Path.GetFileName));
        Assert.True(new FileInfo(run.LastCheckpoint).Length < new FileInfo(run.ModelWeights).Length,
            $"last.ckpt {new FileInfo(run.LastCheckpoint).Length} B, model.weights {new FileInfo(run.ModelWeights).Length} B");
        Assert.Equal(["red", "blue"], Checkpoint.ReadSpec(run.LastCheckpoint).Keypoints);

        var csv = File.ReadAllLines(run.MetricsCsv);
        Assert.Equal(RunFolder.CsvHeader, csv[0]);
        Assert.Equal(4, csv.Length);
        Assert.StartsWith("3,", csv[3]);

        var json = JsonNode.Parse(File.ReadAllText(run.MetricsJson))!;
        Assert.Equal("test", (string?)json["split"]);
        // The toy network's head is not one the inference engine decodes: its final figure is label crops, said so.
        Assert.Equal(("label crops", "label crops"), ((string?)json["crop"], result.FinalCrop));
        Assert.Contains("test-only-heatmap", (string?)json["crop_note"]);
        Assert.Equal(result.Final.Overall.MeanPxError, (double?)json["mean_px_error"]);
        Assert.NotNull((double?)json["pck_0_05"]);
        Assert.Equal(2, json["per_keypoint"]!.AsArray().Count);
        Assert.Equal(3, json["epochs"]!.AsArray().Count);
        Assert.Contains("finished after epoch 3", File.ReadAllText(run.LogFile));

        Assert.IsType<EpochStarted>(events[0]);
        Assert.Equal(3 * 4, events.OfType<BatchCompleted>().Count());
        Assert.Contains(events, e => e is Checkpointed { Kind: CheckpointKind.Best } c && c.Path == run.ModelWeights);
        Assert.IsType<Finished>(events[^1]);
    }

    [Fact]
    public void Keep_checkpoints_keeps_the_last_epochs_weights_and_optimizer_state()
    {
        var kept = NewTrainer(Toy with { KeepCheckpoints = true }).Train(Folder("kept"));
        var stripped = NewTrainer(Toy).Train(Folder("stripped"));
        var keptSize = new FileInfo(new RunFolder(kept.RunFolder).LastCheckpoint).Length;
        var weights = new FileInfo(new RunFolder(kept.RunFolder).ModelWeights).Length;
        // AdamW keeps two moments per weight: the checkpoint is about three times the model.
        Assert.True(keptSize > 2.5 * weights, $"last.ckpt {keptSize} B, model.weights {weights} B");
        var e = Assert.Throws<InvalidDataException>(() =>
            Checkpoint.LoadWeights(new RunFolder(stripped.RunFolder).LastCheckpoint, new TestOnlyTinyPoseNetwork(Checkpoint.ReadSpec(new RunFolder(stripped.RunFolder).LastCheckpoint))));
        Assert.Contains("finished run", e.Message);
        Assert.Contains("model.weights", e.Message);
    }

    [Fact]
    public void The_same_seed_and_threads_give_an_identical_metrics_csv()
    {
        var a = NewTrainer(Toy).Train(Folder("a"));
        var b = NewTrainer(Toy with { Workers = 0 }).Train(Folder("b"));
        var c = NewTrainer(Toy with { Seed = 8 }).Train(Folder("c"));

        var csvA = File.ReadAllText(Path.Combine(a.RunFolder, "metrics.csv"));
        Assert.Equal(csvA, File.ReadAllText(Path.Combine(b.RunFolder, "metrics.csv")));
        Assert.NotEqual(csvA, File.ReadAllText(Path.Combine(c.RunFolder, "metrics.csv")));
    }

    [Fact]
    public void A_resumed_run_continues_exactly_as_an_uninterrupted_one()
    {
        var options = Toy with { FreezeBackboneEpochs = 1, KeepCheckpoints = true };
        var whole = NewTrainer(options).Train(Folder("whole"));

        using var stopAfterTwo = new CancellationTokenSource();
        var progress = new SynchronousProgress(e => { if (e is Checkpointed { Kind: CheckpointKind.Last, Epoch: 2 }) stopAfterTwo.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => NewTrainer(options).Train(Folder("split"), progress, stopAfterTwo.Token));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(Folder("split"), "metrics.csv")).Length);

        var events = new List<TrainingEvent>();
        var resumed = NewTrainer(options).Resume(Folder("split"), new SynchronousProgress(events.Add));
        Assert.Equal([3], events.OfType<EpochStarted>().Select(e => e.Epoch));
        Assert.Equal(3, resumed.EpochsCompleted);

        var wholeCsv = File.ReadAllLines(Path.Combine(whole.RunFolder, "metrics.csv"));
        var resumedCsv = File.ReadAllLines(Path.Combine(resumed.RunFolder, "metrics.csv"));
        Assert.Equal(wholeCsv.Length, resumedCsv.Length);
        for (var line = 1; line < wholeCsv.Length; line++)
        {
            var expected = wholeCsv[line].Split(',');
            var actual = resumedCsv[line].Split(',');
            for (var col = 0; col < expected.Length; col++)
                if (expected[col].Length > 0)
                    Assert.Equal(double.Parse(expected[col], CultureInfo.InvariantCulture), double.Parse(actual[col], CultureInfo.InvariantCulture), 1e-5);
        }
        AssertSameWeights(Path.Combine(whole.RunFolder, "checkpoints", "last.ckpt"), Path.Combine(resumed.RunFolder, "checkpoints", "last.ckpt"));
    }

    [Fact]
    public void Early_stopping_ends_the_run_keeps_the_best_epoch_and_a_resume_says_it_is_finished()
    {
        var events = new List<TrainingEvent>();
        var options = Toy with { Epochs = 30, EarlyStoppingPatience = 1 };
        var result = NewTrainer(options).Train(Folder("early"), new SynchronousProgress(events.Add));

        var stopped = Assert.Single(events.OfType<EarlyStopped>());
        Assert.True(result.StoppedEarly);
        Assert.Equal(stopped.Epoch, result.EpochsCompleted);
        Assert.True(result.EpochsCompleted < 30);
        Assert.Equal(stopped.Epoch - 1, result.BestEpoch);
        Assert.Contains(events, e => e is Checkpointed { Kind: CheckpointKind.Last } c && c.Epoch == stopped.Epoch);

        var resumedEvents = new List<TrainingEvent>();
        var finished = Assert.Throws<InvalidOperationException>(() => NewTrainer(options).Resume(Folder("early"), new SynchronousProgress(resumedEvents.Add)));
        Assert.Contains("is a finished run", finished.Message);
        Assert.Contains($"it trained {result.EpochsCompleted} of 30 epochs and stopped early (best epoch {result.BestEpoch})", finished.Message);
        Assert.Empty(resumedEvents);

        // The same with the checkpoint kept, and for a run that trained every epoch: nothing to resume either way.
        NewTrainer(Toy with { Epochs = 1, KeepCheckpoints = true }).Train(Folder("all-epochs"));
        var all = Assert.Throws<InvalidOperationException>(() => NewTrainer(Toy with { Epochs = 1, KeepCheckpoints = true }).Resume(Folder("all-epochs")));
        Assert.Contains("it trained 1 of 1 epochs (best epoch 1)", all.Message);
    }

    [Fact]
    public void Cancellation_is_honoured_between_batches()
    {
        using var cancel = new CancellationTokenSource();
        var batches = 0;
        var progress = new SynchronousProgress(e => { if (e is BatchCompleted && ++batches == 2) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => NewTrainer(Toy).Train(Folder("cancel"), progress, cancel.Token));
        Assert.Equal(2, batches);
        Assert.False(File.Exists(Path.Combine(Folder("cancel"), "checkpoints", "last.ckpt")));
    }

    [Fact]
    public void A_folder_that_holds_a_run_is_not_trained_over_and_resume_needs_the_same_options()
    {
        NewTrainer(Toy with { Epochs = 1 }).Train(Folder("once"));
        var again = Assert.Throws<InvalidOperationException>(() => NewTrainer(Toy with { Epochs = 1 }).Train(Folder("once")));
        Assert.Contains("already holds a training run", again.Message);
        var other = Assert.Throws<InvalidOperationException>(() => NewTrainer(Toy with { Epochs = 2, LearningRate = 0.5 }).Resume(Folder("once")));
        Assert.Contains("options.json differs", other.Message);
    }

    [Fact]
    public void A_split_naming_an_unknown_image_or_overlapping_parts_is_rejected()
    {
        var unknown = Assert.Throws<ArgumentException>(() => NewTrainer(Toy, DatasetSplit.FromLists(["nope.png"], [])).Train(Folder("bad")));
        Assert.Contains("'nope.png'", unknown.Message);
        var overlap = Assert.Throws<ArgumentException>(() => NewTrainer(Toy, DatasetSplit.FromLists(toy.Paths(0, 4), toy.Paths(3, 2))));
        Assert.Contains(toy.Paths(3, 1)[0], overlap.Message);
    }

    [Fact]
    public void A_torn_checkpoint_is_reported_with_its_path()
    {
        var result = NewTrainer(Toy with { Epochs = 1, KeepCheckpoints = true }).Train(Folder("torn"));
        var last = Path.Combine(result.RunFolder, "checkpoints", "last.ckpt");
        var spec = Checkpoint.ReadSpec(last);
        var bytes = File.ReadAllBytes(last);
        File.WriteAllBytes(last, bytes[..40]);
        var e = Assert.ThrowsAny<Exception>(() => Checkpoint.LoadWeights(last, new TestOnlyTinyPoseNetwork(spec)));
        Assert.Contains("last.ckpt", e.Message);
    }

    [Fact]
    public void Photos_are_decoded_from_disk_by_default_and_a_missing_one_is_named()
    {
        var dataset = ToyPoseFiles.WritePngs(toy, Folder("photos"));
        var split = DatasetSplit.FromLists(toy.Paths(0, 8), toy.Paths(8, 4));
        var result = new Trainer(Toy with { Epochs = 2 }, dataset, split, spec => new TestOnlyTinyPoseNetwork(spec), new TestOnlyCropSampler(32, dataset))
            .Train(Folder("from-disk"));
        Assert.Equal("validation", result.FinalSplit);
        Assert.Equal(8, result.Final.Overall.Count);

        File.Delete(Path.Combine(Folder("photos"), toy.Paths(5, 1)[0]));
        var missing = Assert.Throws<FileNotFoundException>(() =>
            new Trainer(Toy, dataset, split, spec => new TestOnlyTinyPoseNetwork(spec), new TestOnlyCropSampler(32, dataset)).Train(Folder("missing")));
        Assert.Contains(toy.Paths(5, 1)[0], missing.Message);
    }

    private static void AssertSameWeights(string a, string b)
    {
        var spec = Checkpoint.ReadSpec(a);
        using var netA = new TestOnlyTinyPoseNetwork(spec);
        using var netB = new TestOnlyTinyPoseNetwork(spec);
        Checkpoint.LoadWeights(a, netA);
        Checkpoint.LoadWeights(b, netB);
        foreach (var ((name, pa), (_, pb)) in netA.state_dict().Zip(netB.state_dict()))
        {
            using var diff = (pa.to(torch.float64) - pb.to(torch.float64)).abs().max();
            Assert.True(diff.item<double>() < 1e-5, $"{name} differs by {diff.item<double>()}");
        }
    }
}

/// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, which would race the assertions).</summary>
internal sealed class SynchronousProgress(Action<TrainingEvent> report) : IProgress<TrainingEvent>
{
    public void Report(TrainingEvent value) => report(value);
}
