using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Data.Splits;
using NewtPose.Tests.Data;
using NewtPose.Training;

namespace NewtPose.Tests.Training;

/// <summary>Training with views: every animal becomes one item per view that labels it, restricted to that view's keypoints.</summary>
public sealed class ViewTrainingTests : IDisposable
{
    private readonly TempFolder temp = new();
    private readonly ToyPoseData toy = new(count: 12);

    public void Dispose() => temp.Dispose();

    private static readonly ViewRegion[] RedAndBlue = [new("red view", ["red"], [0, 0, 1, 1]), new("blue view", ["blue"], [0, 0, 1, 1])];

    private static readonly TrainingOptions Toy = new()
    {
        Backbone = "test-only-tiny", Head = "test-only-heatmap", InputWidth = 32, InputHeight = 32, BatchSize = 4, Epochs = 2,
        LearningRate = 1e-2, BackboneLearningRateFactor = 1, WarmupEpochs = 0.5, WeightDecay = 0, Threads = 1, Workers = 0,
        Device = "cpu", EarlyStoppingPatience = 0, Seed = 7, FlipTest = false, Views = RedAndBlue,
    };

    [Fact]
    public void Each_view_that_labels_an_animal_is_one_item_with_only_its_own_keypoints()
    {
        var images = toy.Dataset.Images.ToList();
        // The first photo's blue point is not labelled: its blue view has nothing to learn.
        images[0] = images[0] with { Instances = [new PoseInstance([images[0].Instances[0].Keypoints[0], Keypoint.Missing])] };
        var dataset = toy.Dataset with { Images = images };
        var split = DatasetSplit.FromLists(toy.Paths(0, 8), toy.Paths(8, 2), toy.Paths(10, 2));

        var plain = SplitItems.From(dataset, split);
        var views = SplitItems.From(dataset, split, RedAndBlue);

        Assert.Equal(8, plain.Train.Count);
        Assert.Equal(15, views.Train.Count);
        Assert.Equal(4, views.Validation.Count);
        Assert.Equal(4, views.Test.Count);
        Assert.All(views.Train, i => Assert.Equal(1, i.Instance.LabeledCount));
        Assert.Equal(8, views.Train.Count(i => i.Instance.Keypoints[0].IsLabeled));
        Assert.Equal(7, views.Train.Count(i => i.Instance.Keypoints[1].IsLabeled));
        Assert.All(views.Train, i => Assert.Null(i.Instance.Box));
        // The labelled point keeps its position and visibility.
        Assert.Equal(images[1].Instances[0].Keypoints[1], views.Train.First(i => i.Image.Path == images[1].Path && i.Instance.Keypoints[1].IsLabeled).Instance.Keypoints[1]);
    }

    [Fact]
    public void A_run_with_views_records_them_trains_every_view_and_resumes_with_them()
    {
        var split = DatasetSplit.FromLists(toy.Paths(0, 8), toy.Paths(8, 2), toy.Paths(10, 2));
        var folder = Path.Combine(temp.Path, "run");
        var trainer = new Trainer(Toy, toy.Dataset, split, spec => new TestOnlyTinyPoseNetwork(spec), toy.Sampler(32));
        trainer.Train(folder);

        Assert.Contains("start: 16 train, 4 validation, 4 test animals", File.ReadAllText(Path.Combine(folder, "train.log")));
        var saved = TrainingOptions.Load(Path.Combine(folder, "options.json"));
        Assert.Equal(["red view", "blue view"], saved.Views!.Select(v => v.Name));
        Assert.Equal(Toy.ToJson(), saved.ToJson());
        // model.json (the card) carries them for the engine; a test-only backbone's card is read as JSON, not loaded.
        var card = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "model.json"))).RootElement.GetProperty("views");
        Assert.Equal(["red", "blue"], card.EnumerateArray().SelectMany(v => v.GetProperty("keypoints").EnumerateArray().Select(k => k.GetString())));
        // A finished run refuses a resume for being finished, not for options that "differ" (the views compare by value).
        var e = Assert.Throws<InvalidOperationException>(() =>
            new Trainer(saved, toy.Dataset, split, spec => new TestOnlyTinyPoseNetwork(spec), toy.Sampler(32)).Resume(folder));
        Assert.Contains("finished run", e.Message);
    }

    [Fact]
    public void A_run_whose_views_name_one_point_twice_links_the_two_from_its_train_labels_alone()
    {
        // Views "red" and "blue" see "dot_red" and "dot_blue"; the blue label is put 5 px right of the red one in every photo.
        var images = toy.Dataset.Images.Select(i => i with
        {
            Instances = [new PoseInstance([i.Instances[0].Keypoints[0], i.Instances[0].Keypoints[1] with { X = i.Instances[0].Keypoints[0].X + 5 }])],
        }).ToList();
        var dataset = toy.Dataset with { Skeleton = new Skeleton(["dot_red", "dot_blue"]), Images = images };
        ViewRegion[] views = [new("red", ["dot_red"], [0, 0, 1, 1]), new("blue", ["dot_blue"], [0, 0, 1, 1])];
        var split = DatasetSplit.FromLists(toy.Paths(0, 8), toy.Paths(8, 2), toy.Paths(10, 2));
        var folder = Path.Combine(temp.Path, "linked");
        new Trainer(Toy with { Views = views }, dataset, split, spec => new TestOnlyTinyPoseNetwork(spec), toy.Sampler(32)).Train(folder);

        var link = Assert.Single(System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "model.json"))).RootElement.GetProperty("view_links").EnumerateArray());
        Assert.Equal(("dot_red", "dot_blue", "x"), (link.GetProperty("first").GetString(), link.GetProperty("second").GetString(), link.GetProperty("axis").GetString()));
        Assert.Equal(1, link.GetProperty("slope").GetDouble(), 6);
        Assert.Equal(-5.0 / images[0].Width, link.GetProperty("offset").GetDouble(), 6);
        // Fitted on the 8 train photos: the validation and test photos are scored with the link, so they cannot make it.
        Assert.Equal(8, link.GetProperty("pairs").GetInt32());
    }

    [Fact]
    public void Views_that_do_not_fit_the_skeleton_are_refused_before_anything_is_written()
    {
        var split = DatasetSplit.FromLists(toy.Paths(0, 8), [], []);
        var e = Assert.Throws<ArgumentException>(() => new Trainer(Toy with { Views = [RedAndBlue[0]] }, toy.Dataset, split,
            spec => new TestOnlyTinyPoseNetwork(spec), toy.Sampler(32)));
        Assert.Contains("blue are in no view", e.Message);
        var bad = Assert.Throws<ArgumentException>(() => (Toy with { Views = [new ViewRegion("x", ["red", "blue"], [0, 0, 2, 1])] }).Validate());
        Assert.Contains("views: View 'x'", bad.Message);
    }

    [Fact]
    public void Views_in_an_options_file_are_read_and_an_options_file_without_them_writes_none()
    {
        var file = temp.File("views.json", """{ "views": [ { "name": "red view", "keypoints": ["red"], "region": [0, 0, 1, 0.5] }, { "name": "blue view", "keypoints": ["blue"], "region": [0, 0.5, 1, 0.5] } ] }""");
        var options = TrainingOptions.Load(file);
        Assert.Equal([0, 0.5, 1, 0.5], options.Views![1].Region);
        Assert.DoesNotContain("views", new TrainingOptions().ToJson());
    }

    [Fact]
    public void A_whole_photo_sample_of_a_view_shows_its_region_framed_as_the_engine_frames_it()
    {
        temp.Png("frame.png", 400, 800);
        var animal = new PoseInstance([new Keypoint(200, 150, Visibility.Visible), new Keypoint(200, 600, Visibility.Visible)]);
        var dataset = new PoseDataset(new Skeleton(["red", "blue"]), [new LabeledImage("frame.png", 400, 800, [animal])], temp.Path);
        var sampler = new PoseSampler(dataset, 64, 64, AugmentationOptions.None with { WholePhotoProbability = 1 });
        var top = new ViewRegion("top", ["red"], [0, 0, 1, 0.5]).Rect(400, 800);

        var whole = sampler.Sample(dataset.Images[0], animal, null, new Random(1), augment: true);
        var view = sampler.Sample(dataset.Images[0], animal, top, new Random(1), augment: true);

        // The sample's corners in the frame: the whole 800 px tall frame, or the top region with the crop margin around it.
        Assert.Equal(800, whole.ToSource.Apply(64, 64).Y - whole.ToSource.Apply(0, 0).Y, 3);
        var crop = sampler.Options.Crop.CropFor((400, 800), top);
        Assert.Equal(crop.Y, view.ToSource.Apply(0, 0).Y, 3);
        Assert.Equal(crop.Y + crop.Height, view.ToSource.Apply(64, 64).Y, 3);
        Assert.True(crop.Height < 800);
        // SplitItems gives each view's item its region in the photo's pixels.
        var items = SplitItems.From(dataset, DatasetSplit.FromLists(["frame.png"], [], []),
            [new ViewRegion("top", ["red"], [0, 0, 1, 0.5]), new ViewRegion("bottom", ["blue"], [0, 0.5, 1, 0.5])]);
        Assert.Equal([top, new BoundingBox(0, 400, 400, 400)], items.Train.Select(i => i.Area!.Value));
    }
}
