using System.Text.Json.Nodes;
using NewtPose.Comparison;
using NewtPose.Tests.Data;
using NewtPose.Tests.Training;
using NewtPose.Training;

namespace NewtPose.Tests.Comparison;

/// <summary><see cref="PoseComparison.Run"/> on the 8-photo fixture at 64², one epoch (seconds per entry).</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class PoseComparisonTests
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "newts-tiny", "annotations.json");

    private static ComparisonPlan Plan(params string[] backbones) => new()
    {
        Data = Fixture,
        BaseOptions = PoseTraining.Recommended with { InputWidth = 64, InputHeight = 64, BatchSize = 4, Threads = 1, Workers = 0 },
        Variants = ComparisonPlan.Grid(backbones, ["heatmap"]),
        TrainSizes = [1, 3],
        Seeds = [1],
        Budget = ComparisonBudget.OfEpochs(1),
    };

    [Fact]
    public void Every_entry_is_trained_on_its_nested_subset_scored_on_found_crops_and_a_rerun_skips_finished_entries()
    {
        using var folder = new TempFolder();
        var plan = Plan("resnet18");
        var events = new List<ComparisonProgress>();
        var results = PoseComparison.Run(plan, folder.Path, new Sync(events.Add));

        Assert.Equal(2, results.Entries.Count);
        var (one, three) = (results.Entries[0], results.Entries[1]);
        Assert.Equal((1, 3), (one.TrainPhotos, three.TrainPhotos));
        Assert.Equal((1, "test", false), (one.Epochs, one.Split, one.Pretrained));
        Assert.True(one.Parameters > 1_000_000);
        Assert.True(one.InferencePhotosPerSecond > 0 && one.TrainImagesPerSecond > 0);
        Assert.NotNull(one.Found.MeanPxError);
        Assert.Equal(one.Found.Count, one.PerKeypoint.Sum(k => k.Statistics.Count));
        // The trainer's own found-crop figure, not a second evaluation: metrics.json of the entry's run folder holds the same number.
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(folder.Path, "runs", "resnet18-n1-seed1", "metrics.json")))!;
        Assert.Equal((double)metrics["mean_px_error"]!, one.Found.MeanPxError!.Value, 9);
        // The run folder names its labels, as a trained run does, for `newtpose evaluate --run` without --data.
        Assert.Equal(Path.GetFullPath(plan.Data), NewtPose.Training.RunFolder.RecordedData(Path.Combine(folder.Path, "runs", "resnet18-n1-seed1"))!.Value.Path);
        // Nested: the 1 photo is among the 3; the test photos are the plan split's for both, and no validation pass runs.
        var split1 = NewtPose.Data.Splits.DatasetSplit.Load(Path.Combine(folder.Path, "runs", "resnet18-n1-seed1", "split.json"));
        var split3 = NewtPose.Data.Splits.DatasetSplit.Load(Path.Combine(folder.Path, "runs", "resnet18-n3-seed1", "split.json"));
        Assert.Subset(split3.Train.ToHashSet(), split1.Train.ToHashSet());
        Assert.Equal(split1.Test, split3.Test);
        Assert.Empty(split1.Val);
        Assert.Empty(split3.Val);
        var dataset = NewtPose.Data.PoseData.Load(plan.Data);
        Assert.Equal(NewtPose.Training.PoseTraining.DefaultSplit(dataset, plan.SplitSeed).Test, split1.Test);
        Assert.Contains(events, e => e.Stage == ComparisonStage.Train && e.Training is EpochCompleted && e.Entry == 2 && e.Entries == 2);
        Assert.Contains(events, e => e.Stage == ComparisonStage.Finished && e.Result is not null);
        foreach (var file in new[] { "plan.json", "results.md", "results.csv", "results.json", "report.html" }) Assert.True(File.Exists(Path.Combine(folder.Path, file)), file);

        // A rerun reads the finished entries back (a marked entry stays as it is) and trains only the one whose file is gone,
        // clearing the run folder it left.
        var marked = Path.Combine(folder.Path, "entries", "resnet18-n1-seed1.json");
        File.WriteAllText(marked, File.ReadAllText(marked).Replace($"\"wall_seconds\": {one.WallSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}", "\"wall_seconds\": 12345"));
        File.Delete(Path.Combine(folder.Path, "entries", "resnet18-n3-seed1.json"));
        events.Clear();
        var again = PoseComparison.Run(plan, folder.Path, new Sync(events.Add));
        Assert.Equal(12345, again.Entries[0].WallSeconds);
        Assert.Equal(ComparisonStage.Skipped, events.First(e => e.Entry == 1).Stage);
        Assert.Contains(events, e => e.Entry == 2 && e.Stage == ComparisonStage.Train);
        Assert.Equal(3, again.Entries[1].TrainPhotos);
    }

    [Fact]
    public void A_changed_plan_a_foreign_folder_and_a_train_size_above_the_train_split_are_refused()
    {
        using var folder = new TempFolder();
        // The recipe's schedule: the base options' own epochs (a sized schedule would train thousands here).
        var plan = Plan("resnet18") with
        {
            TrainSizes = [1], Variants = ComparisonPlan.Grid(["resnet18"], ["heatmap"]), Budget = ComparisonBudget.Recipe,
            BaseOptions = Plan().BaseOptions with { Epochs = 1 },
        };
        Assert.Equal(1, Assert.Single(PoseComparison.Run(plan, folder.Path).Entries).Epochs);
        var changed = Assert.Throws<InvalidOperationException>(() => PoseComparison.Run(plan with { Seeds = [2] }, folder.Path));
        Assert.Contains(Path.Combine(folder.Path, "plan.json"), changed.Message);

        var foreign = folder.File("other/notes.txt", "not a comparison");
        var notEmpty = Assert.Throws<InvalidOperationException>(() => PoseComparison.Run(plan, Path.GetDirectoryName(foreign)!));
        Assert.Contains("holds no plan.json", notEmpty.Message);

        var tooLarge = Assert.Throws<ArgumentException>(() => PoseComparison.Run(plan with { TrainSizes = [2, 50] }, Path.Combine(folder.Path, "big")));
        Assert.Contains("holds 3 photos, fewer than the train size 50", tooLarge.Message);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "big")));
    }

    [Fact]
    public void A_minutes_budget_probes_the_speed_once_and_chooses_whole_epochs_that_fit()
    {
        using var folder = new TempFolder();
        // The wall cap far away: on a busy machine an epoch can take longer than the probe's (the cap is a guard, not the schedule).
        var plan = Plan("resnet18") with { TrainSizes = null, Seeds = [1, 2], Budget = ComparisonBudget.OfMinutes(0.25), WallCapFactor = 40 };
        var results = PoseComparison.Run(plan, folder.Path);

        var probe = System.Text.Json.JsonSerializer.Deserialize<ComparisonProbe>(File.ReadAllText(Path.Combine(folder.Path, "probes", "resnet18-all.json")),
            new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower })!;
        var expected = (int)Math.Max(1, Math.Floor((15 - probe.FixedSeconds) / probe.EpochSeconds));
        Assert.All(results.Entries, e => Assert.Equal(expected, e.Epochs));
        Assert.All(results.Entries, e => Assert.Equal(probe.ImagesPerSecond, e.ProbeImagesPerSecond));
        Assert.Single(Directory.GetFiles(Path.Combine(folder.Path, "probes"), "*.json")); // one probe for both seeds
        var options = TrainingOptions.Load(Path.Combine(folder.Path, "runs", "resnet18-all-seed2", "options.json"));
        Assert.Equal((expected, 2), (options.Epochs, options.Seed)); // the whole schedule of the chosen length
    }

    private sealed class Sync(Action<ComparisonProgress> report) : IProgress<ComparisonProgress>
    {
        public void Report(ComparisonProgress value) => report(value);
    }

    [Fact]
    public void With_a_split_per_seed_each_seed_is_scored_on_its_own_split()
    {
        using var folder = new TempFolder();
        var plan = Plan("resnet18") with { TrainSizes = null, Seeds = [1, 2], SplitPerSeed = true };
        var results = PoseComparison.Run(plan, folder.Path);

        var dataset = NewtPose.Data.PoseData.Load(plan.Data);
        foreach (var seed in new[] { 1, 2 })
        {
            var own = NewtPose.Training.PoseTraining.DefaultSplit(dataset, seed);
            var run = NewtPose.Data.Splits.DatasetSplit.Load(Path.Combine(folder.Path, "runs", $"resnet18-all-seed{seed}", "split.json"));
            Assert.Equal(own.Test, run.Test);
            Assert.Equal(own.Train.Order(StringComparer.Ordinal), run.Train);
        }
        Assert.Equal(2, results.Entries.Count);
        Assert.Contains("\"split_per_seed\": true", File.ReadAllText(Path.Combine(folder.Path, "plan.json")));
        // The same folder refuses the plan with one split for all seeds.
        Assert.Throws<InvalidOperationException>(() => PoseComparison.Run(plan with { SplitPerSeed = false }, folder.Path));
    }

}
