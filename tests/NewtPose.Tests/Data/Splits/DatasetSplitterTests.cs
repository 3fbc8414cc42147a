using NewtPose.Data;
using NewtPose.Data.Splits;

namespace NewtPose.Tests.Data.Splits;

public class DatasetSplitterTests
{
    // 40 photos of 10 newts (4 each); the newt is in the file name and in the annotation.
    private static PoseDataset Photos()
    {
        var skeleton = new Skeleton(["snout", "vent"]);
        var images = Enumerable.Range(0, 40).Select(i => new LabeledImage($"N{i % 10:00}_photo{i / 10}.jpg", 100, 100,
            [new PoseInstance([new Keypoint(1, 2, Visibility.Visible), Keypoint.Missing], individual: $"newt{i % 10}",
                attributes: new Dictionary<string, string> { ["pond"] = $"P{i % 10 / 5}" })])).ToList();
        images.Add(new LabeledImage("unlabelled.jpg", 100, 100, []));
        return new PoseDataset(skeleton, images, ".");
    }

    [Fact]
    public void The_same_seed_gives_the_same_split_and_every_labelled_image_lands_once()
    {
        var a = DatasetSplitter.Split(Photos(), new SplitOptions(42, 0.2, 0.1));
        var b = DatasetSplitter.Split(Photos(), new SplitOptions(42, 0.2, 0.1));
        Assert.Equal(a.Train, b.Train);
        Assert.Equal(a.Val, b.Val);
        Assert.Equal((28, 8, 4), (a.Train.Count, a.Val.Count, a.Test.Count));
        Assert.Equal(40, a.Train.Concat(a.Val).Concat(a.Test).Distinct().Count());
        Assert.DoesNotContain("unlabelled.jpg", a.Train.Concat(a.Val).Concat(a.Test));
    }

    [Fact]
    public void Shuffle_indices_give_different_repeatable_splits()
    {
        var s0 = DatasetSplitter.Split(Photos(), new SplitOptions(42, Shuffle: 0));
        var s1 = DatasetSplitter.Split(Photos(), new SplitOptions(42, Shuffle: 1));
        Assert.NotEqual(s0.Val, s1.Val);
        Assert.Equal(s1.Val, DatasetSplitter.Split(Photos(), new SplitOptions(42, Shuffle: 1)).Val);
    }

    [Theory]
    [InlineData("individual")]
    [InlineData("^(N\\d+)_")]
    public void Grouping_keeps_each_newt_on_one_side(string groupBy)
    {
        for (var seed = 0; seed < 5; seed++)
        {
            var split = DatasetSplitter.Split(Photos(), new SplitOptions(seed, 0.3, 0.2, groupBy));
            Assert.Equal(10, split.Groups);
            string Newt(string path) => path[..3];
            var sides = new[] { split.Train, split.Val, split.Test }.Select(s => s.Select(Newt).ToHashSet()).ToArray();
            Assert.Empty(sides[0].Intersect(sides[1]));
            Assert.Empty(sides[0].Intersect(sides[2]));
            Assert.Empty(sides[1].Intersect(sides[2]));
            Assert.Equal(40, split.Train.Count + split.Val.Count + split.Test.Count);
            Assert.Equal((12, 8), (split.Val.Count, split.Test.Count));
        }
    }

    [Fact]
    public void Grouping_by_an_attribute_and_bad_keys_are_reported()
    {
        Assert.Equal(2, DatasetSplitter.Split(Photos(), new SplitOptions(1, 0.5, GroupBy: "pond")).Groups);
        Assert.Contains("40 labelled images have no group key for 'colour'", Assert.Throws<ArgumentException>(() =>
            DatasetSplitter.Split(Photos(), new SplitOptions(1, GroupBy: "colour"))).Message);
        Assert.Contains("exactly one capture group", Assert.Throws<ArgumentException>(() =>
            DatasetSplitter.Split(Photos(), new SplitOptions(1, GroupBy: "(N)(\\d+)"))).Message);
        Assert.Throws<ArgumentException>(() => DatasetSplitter.Split(Photos(), new SplitOptions(1, 0.6, 0.4)));
    }

    [Fact]
    public void A_split_saves_and_loads_and_selects_its_images()
    {
        using var folder = new TempFolder();
        var dataset = Photos();
        var split = DatasetSplitter.Split(dataset, new SplitOptions(3, 0.25, GroupBy: "individual"));
        var path = Path.Combine(folder.Path, "split.json");
        split.Save(path);
        var loaded = DatasetSplit.Load(path);
        Assert.Equal(split.Train, loaded.Train);
        Assert.Equal(split.Val, loaded.Val);
        Assert.Equal("individual", loaded.GroupBy);
        Assert.Equal(split.Val.Count, loaded.Select(dataset, loaded.Val).Images.Count);
        Assert.Contains("\"val_fraction\": 0.25", File.ReadAllText(path));
    }
}
