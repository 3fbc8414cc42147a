using NewtPose.ActiveLearning;
using NewtPose.Data;
using NewtPose.Tests.Cli;
using NewtPose.Tests.Data;

namespace NewtPose.Tests.ActiveLearning;

public sealed class LabelMergeTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly PoseDataset _original;
    private readonly string _labelsPath;

    public LabelMergeTests()
    {
        _original = TestData.Newts(_folder);
        _labelsPath = Path.Combine(_original.Root, "labels.json");
        PoseData.Save(_original, _labelsPath, LabelFormat.Coco);
    }

    public void Dispose() => _folder.Dispose();

    private static PoseInstance Animal(double x, double y, double step = 5) =>
        new(TestData.Names.Select((_, k) => new Keypoint(x + step * k, y + step * (k % 2), Visibility.Visible)).ToArray(), individual: "N9");

    /// <summary>A corrections file beside the labels: a new photo, the unlabelled newt5, and whatever <paramref name="extra"/> adds.</summary>
    private string Corrections(Skeleton? skeleton = null, params LabeledImage[] extra)
    {
        _folder.Png("src/photos/new/a.png", 100, 80);
        var images = new List<LabeledImage>
        {
            new("photos/new/a.png", 100, 80, [Animal(10, 10)]) { Attributes = new Dictionary<string, string> { ["label_state"] = "corrected" } },
            new("photos/day1/newt5.png", 170, 125, [Animal(20, 30)]) { Attributes = new Dictionary<string, string> { ["label_state"] = "corrected" } },
        };
        images.AddRange(extra);
        var path = Path.Combine(_original.Root, "corrections.json");
        PoseData.Save(new PoseDataset(skeleton ?? _original.Skeleton, images, _original.Root), path, LabelFormat.Coco, overwrite: true);
        return path;
    }

    private static LabeledImage State(LabeledImage image, string state) => image with { Attributes = new Dictionary<string, string> { ["label_state"] = state } };

    [Fact]
    public void Adds_new_photos_and_fills_unlabelled_ones_with_their_round_keeping_every_existing_label()
    {
        var corrections = Corrections(null, State(new LabeledImage("photos/day0/newt0.png", 120, 90, [Animal(1, 1)]), "todo"),
            State(new LabeledImage("photos/day0/newt2.png", 140, 104, []), "skipped"));
        var labelsBefore = File.ReadAllBytes(_labelsPath);
        var output = Path.Combine(_original.Root, "merged.json");

        var (result, _) = LabelMerge.MergeFiles(_labelsPath, corrections, output);

        Assert.Equal(labelsBefore, File.ReadAllBytes(_labelsPath));
        Assert.Equal((1, 2, 2, 12), (result.Round, result.PhotosAdded, result.AnimalsAdded, result.PointsAdded));
        Assert.Equal(["photos/day0/newt0.png: marked todo, not corrected", "photos/day0/newt2.png: marked skipped, not corrected"],
            result.NotTaken.Select(n => $"{n.Image}: {n.Reason}"));
        var merged = PoseData.Load(output);
        Assert.Equal(7, merged.Images.Count);
        var originalLabelled = _original.Images.Where(i => i.IsLabeled).ToList();
        TestData.AssertSameLabels(_original with { Images = originalLabelled }, merged with { Images = merged.Images.Where(i => originalLabelled.Any(o => o.Path == i.Path)).ToList() }, keepsOccluded: true);
        Assert.All(merged.Images.Where(i => originalLabelled.Any(o => o.Path == i.Path)).SelectMany(i => i.Instances), n => Assert.Equal("0", n.Attributes[LabelMerge.RoundAttribute]));
        var added = merged.Images.Single(i => i.Path == "photos/new/a.png").Instances.Single();
        Assert.Equal("1", added.Attributes[LabelMerge.RoundAttribute]);
        Assert.Equal(15, added.Keypoints[1].X, 3);
        Assert.Equal("1", merged.Images.Single(i => i.Path == "photos/day1/newt5.png").Instances.Single().Attributes[LabelMerge.RoundAttribute]);

        // The next round counts on from the rounds the merged file records.
        var again = LabelMerge.Merge(merged, PoseData.Load(corrections), corrections);
        Assert.Equal(2, again.Round);
        Assert.Equal(0, again.PhotosAdded);
        Assert.Equal(2, again.NotTaken.Count(n => n.Reason == "already labelled identically in the labels"));
    }

    [Fact]
    public void A_photo_labelled_differently_in_the_labels_is_refused_naming_image_keypoint_and_distance()
    {
        var first = _original.Images[0];
        var moved = first.Instances[0].Keypoints.ToArray();
        var k = Array.FindIndex(moved, p => p.IsLabeled);
        moved[k] = moved[k] with { X = moved[k].X + 3 };
        var corrections = Corrections(null, State(first with { Instances = [new PoseInstance(moved)] }, "corrected"));

        var error = Assert.Throws<DatasetFormatException>(() => LabelMerge.MergeFiles(_labelsPath, corrections, Path.Combine(_original.Root, "merged.json")));

        Assert.Contains("corrections.json", error.Message);
        Assert.Contains($"image {first.Path}: animal 1, keypoint {TestData.Names[k]}", error.Message);
        Assert.Contains("3 px apart", error.Message);
        Assert.False(File.Exists(Path.Combine(_original.Root, "merged.json")));
    }

    [Fact]
    public void Points_outside_the_photo_are_refused_naming_image_and_keypoint()
    {
        _folder.Png("src/photos/new/b.png", 50, 40);
        var path = Corrections(null, State(new LabeledImage("photos/new/b.png", 50, 40, [Animal(40, 10)]), "corrected"));

        var error = Assert.Throws<DatasetFormatException>(() => LabelMerge.Merge(_original, PoseData.Load(path), path));

        Assert.Contains("image photos/new/b.png, animal 1, keypoint vent: (65, 15) lies outside the 50x40 photo", error.Message);
    }

    [Fact]
    public void Another_skeleton_is_refused()
    {
        var swapped = new Skeleton(["right_eye", "left_eye", "snout", "left_hand", "right_hand", "vent"]);
        var path = Corrections(swapped);

        var error = Assert.Throws<DatasetFormatException>(() => LabelMerge.Merge(_original, PoseData.Load(path), path));

        Assert.Contains("keypoint 1 is 'right_eye' in the corrections but 'left_eye' in the labels", error.Message);
    }

    [Fact]
    public void Without_label_state_every_labelled_photo_is_taken_and_unlabelled_ones_are_reported()
    {
        _folder.Png("src/photos/new/a.png", 100, 80);
        var corrections = new PoseDataset(_original.Skeleton,
            [new LabeledImage("photos/new/a.png", 0, 0, [Animal(10, 10)]), new LabeledImage("photos/day1/newt5.png", 170, 125, [])], _original.Root);

        var result = LabelMerge.Merge(_original, corrections, "c.json", new MergeOptions { Round = 7 });

        Assert.Equal((7, 1), (result.Round, result.PhotosAdded));
        Assert.Equal((100, 80), (result.Merged.Images[^1].Width, result.Merged.Images[^1].Height)); // read from the photo
        Assert.Equal("no labelled point", Assert.Single(result.NotTaken).Reason);
    }

    [Fact]
    public void Unreviewed_suggestions_are_not_taken_as_labels()
    {
        _folder.Png("src/photos/new/a.png", 100, 80);
        var predicted = Animal(10, 10) with { Attributes = new Dictionary<string, string> { ["source"] = SuggestionFiles.Source } };
        var suggestions = new PoseDataset(_original.Skeleton, [new LabeledImage("photos/new/a.png", 100, 80, [predicted])], _original.Root);

        var result = LabelMerge.Merge(_original, suggestions, "suggest.json");

        Assert.Equal(0, result.PhotosAdded);
        Assert.Contains("never reviewed", Assert.Single(result.NotTaken).Reason);
        Assert.Equal(_original.Images.Count, result.Merged.Images.Count);
    }

    [Fact]
    public void The_command_refuses_an_existing_output_and_the_labels_themselves_and_reports_what_it_added()
    {
        var corrections = Corrections();
        var output = Path.Combine(_original.Root, "merged.json");
        File.WriteAllText(output, "keep me");

        var refused = CliRunner.Run("merge", "--labels", _labelsPath, "--corrections", corrections, "--out", output);
        var intoLabels = CliRunner.Run("merge", "--labels", _labelsPath, "--corrections", corrections, "--out", _labelsPath, "--force");
        var forced = CliRunner.Run("merge", "--labels", _labelsPath, "--corrections", corrections, "--out", output, "--force", "--round", "3");

        Assert.Equal(1, refused.Exit);
        Assert.Contains("already exists", refused.Error);
        Assert.Equal(1, intoLabels.Exit);
        Assert.Contains("is the labels file", intoLabels.Error);
        Assert.Equal(0, forced.Exit);
        Assert.Contains("round 3: added 2 photos, 2 animals, 12 points", forced.Out);
        Assert.Equal(7, PoseData.Load(output).Images.Count);
    }
}
