using NewtPose.ActiveLearning;
using NewtPose.Data;
using NewtPose.Data.Splits;
using NewtPose.Inference;
using NewtPose.Tests.Data;
using NewtPose.Tests.Inference;
using NewtPose.Training;

namespace NewtPose.Tests.ActiveLearning;

/// <summary>Pseudo-labels over the exact dot backend: the agreed points kept, the rest written as not labelled, and the
/// photos they label trained on but never validated or tested on.</summary>
public sealed class PseudoLabelTests
{
    [Fact]
    public void Only_agreed_points_are_kept_and_a_photo_with_too_few_or_unreadable_is_not_taken_with_its_reason()
    {
        using var folder = new TempFolder();
        var photos = TwoPhotos(folder.Path);
        var broken = Path.Combine(folder.Path, "broken.png");
        File.WriteAllBytes(broken, []);
        using var engine = EnginePhotos.Engine(new EngineOptions { FlipTest = true });
        var scores = PoolScoring.Score([engine], [.. photos, broken], PosePrior.None(engine.Model.Skeleton()));
        // The dot backend's branches agree; make the first photo's second point disagree, and the second photo's three.
        scores = scores with { Ranked = scores.Ranked.Select(r => r with { Uncertainty = Disagree(r.Uncertainty, r.Uncertainty.Path == photos[0] ? [1] : [0, 1, 2]) }).ToArray() };

        var set = PseudoLabels.From(scores, new PseudoLabelOptions { MaxDisagreement = 0.05, MinKeptFraction = 0.5 });

        var taken = Assert.Single(set.Taken);
        Assert.Equal(photos[0], taken.Prediction.Path);
        Assert.Equal([true, false, true, true], taken.Kept);
        Assert.Equal(3, set.PointsKept);
        Assert.Contains(set.NotTaken, n => n.Image == photos[1] && n.Reason == "only 1 of 4 keypoints agree within 0.05 of the box size (at least 50 % needed)");
        Assert.Contains(set.NotTaken, n => n.Image == broken && n.Reason.StartsWith("could not be read", StringComparison.Ordinal));

        // Written as COCO labels: the dropped point not labelled, the annotation marked as a pseudo-label.
        var file = Path.Combine(folder.Path, "pseudo.json");
        PseudoLabels.WriteCoco(set, engine.Model, folder.Path, file, "test");
        var written = PoseData.Load(file);
        var instance = Assert.Single(Assert.Single(written.Images).Instances);
        Assert.True(instance.IsPseudoLabel);
        Assert.True(written.Images[0].IsPseudoLabelled);
        Assert.Equal([true, false, true, true], instance.Keypoints.Select(k => k.IsLabeled));
        Assert.Equal(taken.Prediction.Keypoints[0].X, instance.Keypoints[0].X, 3);
    }

    [Fact]
    public void A_point_off_the_photo_is_not_kept_however_well_the_branches_agree()
    {
        using var folder = new TempFolder();
        var photos = TwoPhotos(folder.Path);
        using var engine = EnginePhotos.Engine(new EngineOptions { FlipTest = true });
        var scores = PoolScoring.Score([engine], photos, PosePrior.None(engine.Model.Skeleton()));
        // Every point agrees; the first photo's last point lies left of the photo, three of the second's below it.
        PhotoPrediction OffPhoto(PhotoPrediction p, int[] keypoints) => p with
        {
            Keypoints = p.Keypoints.Select((k, j) => !keypoints.Contains(j) ? k : j == 3 ? k with { X = -0.5 } : k with { Y = p.Height + 1 }).ToArray(),
        };
        scores = scores with
        {
            Results = scores.Results.Select(r => r with { Prediction = OffPhoto(r.Prediction!, r.Path == photos[0] ? [3] : [0, 1, 2]) }).ToArray(),
            Ranked = scores.Ranked.Select(r => r with { Uncertainty = Disagree(r.Uncertainty, []) }).ToArray(),
        };

        var set = PseudoLabels.From(scores, new PseudoLabelOptions { MaxDisagreement = 0.05, MinKeptFraction = 0.5 });

        var taken = Assert.Single(set.Taken);
        Assert.Equal(photos[0], taken.Prediction.Path);
        Assert.Equal([true, true, true, false], taken.Kept);
        Assert.Contains(set.NotTaken, n => n.Image == photos[1] &&
            n.Reason == "only 1 of 4 keypoints agree within 0.05 of the box size and lie in the photo (3 off it; at least 50 % needed)");
    }

    [Fact]
    public void Without_a_flip_test_or_a_second_run_there_is_no_agreement_to_keep_points_by()
    {
        using var folder = new TempFolder();
        var photo = EnginePhotos.WritePng(folder.Path, "a.png", EnginePhotos.Draw(200, 150, EnginePhotos.Animal(100, 75, 8), 3));
        using var engine = EnginePhotos.Engine(new EngineOptions { FlipTest = false });
        var scores = PoolScoring.Score([engine], [photo], PosePrior.None(engine.Model.Skeleton()));
        var e = Assert.Throws<ArgumentException>(() => PseudoLabels.From(scores));
        Assert.Contains("flip test", e.Message);
        Assert.Throws<ArgumentException>(() => new PseudoLabelOptions { MaxDisagreement = 0 }.Validate());
    }

    [Fact]
    public void Pseudo_labelled_photos_go_to_train_and_leave_the_labelled_photos_sides_as_they_were()
    {
        var skeleton = new Skeleton(["a", "b"], [], []);
        // The labelled photos name their newt (two photos each); the pseudo-labels, as a model writes them, name none.
        LabeledImage Photo(string path, string? individual) => new(path, 100, 100,
            [new PoseInstance([new Keypoint(10, 10, Visibility.Visible), new Keypoint(20, 20, Visibility.Visible)], individual: individual,
                attributes: individual is null ? new Dictionary<string, string> { ["source"] = PoseInstance.PseudoLabelSource } : null)]);
        var labelled = Enumerable.Range(0, 20).Select(i => Photo($"l{i:00}.png", $"newt{i / 2}")).ToArray();
        var pseudo = Enumerable.Range(0, 30).Select(i => Photo($"p{i:00}.png", null)).ToArray();
        var alone = PoseTraining.DefaultSplit(new PoseDataset(skeleton, labelled, "/data"), 7);
        var mixed = PoseTraining.DefaultSplit(new PoseDataset(skeleton, [.. pseudo.Take(15), .. labelled, .. pseudo.Skip(15)], "/data"), 7);

        Assert.Equal(("individual", "individual"), (alone.GroupBy, mixed.GroupBy));
        Assert.Equal(alone.Val, mixed.Val);
        Assert.Equal(alone.Test, mixed.Test);
        Assert.Equal(alone.Train.Concat(pseudo.Select(p => p.Path)).Order(StringComparer.Ordinal), mixed.Train);
    }

    [Fact]
    public void A_split_that_validates_or_tests_on_a_pseudo_labelled_photo_is_refused_naming_it()
    {
        var skeleton = new Skeleton(["a", "b"], [], []);
        var instance = new PoseInstance([new Keypoint(10, 10, Visibility.Visible), new Keypoint(20, 20, Visibility.Visible)]);
        var dataset = new PoseDataset(skeleton,
        [
            new LabeledImage("l0.png", 100, 100, [instance]), new LabeledImage("l1.png", 100, 100, [instance]),
            new LabeledImage("p0.png", 100, 100, [instance with { Attributes = new Dictionary<string, string> { ["source"] = PoseInstance.PseudoLabelSource } }]),
        ], "/data");

        Assert.Equal(2, SplitItems.From(dataset, DatasetSplit.FromLists(["l0.png", "p0.png"], ["l1.png"])).Train.Count);
        var e = Assert.Throws<ArgumentException>(() => SplitItems.From(dataset, DatasetSplit.FromLists(["l0.png"], ["l1.png"], ["p0.png"])));
        Assert.Contains("The test split lists 'p0.png', whose label is a pseudo-label (source newtpose-pseudo)", e.Message);
        e = Assert.Throws<ArgumentException>(() => SplitItems.From(dataset, DatasetSplit.FromLists(["l0.png"], ["p0.png"])));
        Assert.Contains("The validation split lists 'p0.png'", e.Message);
    }

    /// <summary>Two 200×150 photos of one animal each, at different places and sizes.</summary>
    private static string[] TwoPhotos(string folder) =>
    [
        EnginePhotos.WritePng(folder, "a.png", EnginePhotos.Draw(200, 150, EnginePhotos.Animal(100, 75, 8), 3)),
        EnginePhotos.WritePng(folder, "b.png", EnginePhotos.Draw(200, 150, EnginePhotos.Animal(70, 60, 10), 3)),
    ];

    private static PhotoUncertainty Disagree(PhotoUncertainty u, int[] keypoints) => u with
    {
        Keypoints = u.Keypoints.Select((k, j) => keypoints.Contains(j) ? k with { FlipDisagreement = 0.2 } : k with { FlipDisagreement = 0.001 }).ToArray(),
    };
}
