using NewtPose.ActiveLearning;
using NewtPose.Data;
using NewtPose.Inference;
using NewtPose.Tests.Data;
using NewtPose.Tests.Inference;

namespace NewtPose.Tests.ActiveLearning;

/// <summary>The pool scored through the engine over the exact dot backend: two runs, the flip test, twins, an unreadable photo.</summary>
public sealed class PoolScoringTests
{
    [Fact]
    public void Twin_photos_are_not_both_chosen_and_every_measure_comes_from_the_engine()
    {
        using var folder = new TempFolder();
        var photos = new[]
        {
            EnginePhotos.WritePng(folder.Path, "a.png", EnginePhotos.Draw(200, 150, EnginePhotos.Animal(100, 75, 8), 3)),
            EnginePhotos.WritePng(folder.Path, "b.png", EnginePhotos.Draw(200, 150, [(80, 40), (110, 60), (40, 50), (90, 130)], 3)),
            EnginePhotos.WritePng(folder.Path, "c.png", EnginePhotos.Draw(200, 150, [(100, 40), (140, 60), (60, 60), (100, 120)], 3)),
        };
        var twin = Path.Combine(folder.Path, "a-twin.png");
        File.Copy(photos[0], twin);
        var broken = Path.Combine(folder.Path, "broken.png");
        File.WriteAllBytes(broken, []);
        using var first = EnginePhotos.Engine(new EngineOptions { FlipTest = true, BatchSize = 2 });
        using var second = EnginePhotos.Engine(new EngineOptions { FlipTest = true });
        var progress = new List<int>();

        var scores = PoolScoring.Score([first, second], [.. photos, twin, broken], PosePrior.None(first.Model.Skeleton()),
            new RankingOptions { Count = 5 }, new SyncProgress(progress));

        Assert.Equal(5, scores.Results.Count);
        Assert.Equal(broken, Assert.Single(scores.Results, r => r.Prediction is null).Path);
        Assert.Equal(4, scores.Ranked.Count);
        Assert.Equal(3, scores.Chosen.Count);
        var passed = Assert.Single(scores.Ranked, r => r.NearDuplicateOf is not null);
        Assert.Equal(new[] { photos[0], twin }.Order(), new[] { passed.Uncertainty.Path, passed.NearDuplicateOf! }.Order());
        // The dot backend is exact and both runs are the same: the flip branches and the runs agree to a fraction of a pixel.
        Assert.All(scores.Ranked, r => Assert.True(r.Uncertainty.FlipDisagreement < 0.01 && r.Uncertainty.EnsembleDisagreement < 1e-9));
        Assert.All(scores.Ranked, r => Assert.Null(r.Uncertainty.Implausibility));
        Assert.Equal(10, progress.Count);

        var table = PoolScoring.ChosenTable(scores, folder.Path);
        Assert.Equal(["1", "2", "3"], table.Rows.Select(r => r[0]));
        Assert.Equal(scores.Chosen.Select(c => Path.GetFileName(c.Prediction.Path)), table.Rows.Select(r => r[1]));
        Assert.All(table.Rows, r => Assert.Equal("–", r[5]));
    }

    private sealed class SyncProgress(List<int> seen) : IProgress<int>
    {
        public void Report(int value) => seen.Add(value);
    }
}
