using NewtPose.Data;

namespace NewtPose.Tests.Data;

public class DatasetComparisonTests
{
    [Fact]
    public void A_dataset_equals_itself()
    {
        using var folder = new TempFolder();
        var dataset = TestData.Newts(folder);
        var same = DatasetComparison.Compare(dataset, dataset, "itself");
        Assert.True(same.IsSame());
        Assert.Equal(6, same.ImagesCompared);
        Assert.Equal(dataset.Instances.Sum(i => i.LabeledCount), same.PointsCompared);
        Assert.Empty(same.Examples);
        Assert.Equal("itself", same.Label);
    }

    [Fact]
    public void Moved_points_lost_labels_visibility_and_missing_images_are_all_counted()
    {
        using var folder = new TempFolder();
        var a = TestData.Newts(folder);
        var images = a.Images.ToList();
        // Image 0: move its first labelled point by (3, 4) → 5 px; image 1: drop its first labelled point and turn its
        // next labelled point's visibility; image 2 disappears; one new image appears.
        var first = images[0].Instances[0];
        var k0 = first.Keypoints.ToList().FindIndex(p => p.IsLabeled);
        var moved = first.Keypoints.ToArray();
        moved[k0] = moved[k0] with { X = moved[k0].X + 3, Y = moved[k0].Y + 4 };
        images[0] = images[0] with { Instances = [new PoseInstance(moved)] };
        var second = images[1].Instances[0].Keypoints.ToArray();
        var labelled = Enumerable.Range(0, second.Length).Where(i => second[i].IsLabeled).ToArray();
        second[labelled[0]] = Keypoint.Missing;
        var v = second[labelled[1]].Visibility;
        second[labelled[1]] = second[labelled[1]] with { Visibility = v == Visibility.Visible ? Visibility.Occluded : Visibility.Visible };
        images[1] = images[1] with { Instances = [new PoseInstance(second)] };
        var droppedPoints = images[2].Instances.Sum(i => i.LabeledCount);
        images.RemoveAt(2);
        images.Add(new LabeledImage("extra/new.png", 10, 10, [new PoseInstance([.. Enumerable.Repeat(new Keypoint(1, 1, Visibility.Visible), 6)])]));
        // Converted formats move images into their own folders: matching is by file name.
        var b = a with { Images = images.Select(i => i with { Path = "moved/" + Path.GetFileName(i.Path) }).ToArray() };

        var c = DatasetComparison.Compare(a, b);
        Assert.False(c.IsSame());
        Assert.Equal(5, c.ImagesCompared);
        Assert.Equal(1, c.ImagesOnlyInFirst);
        Assert.Equal(1, c.ImagesOnlyInSecond);
        Assert.Equal(5, c.MaxDeviation, 9);
        Assert.Equal(1 + droppedPoints, c.LabelsLost);
        Assert.Equal(6, c.LabelsAdded);
        Assert.Equal(1, c.VisibilityMismatches);
        Assert.Contains(c.Examples, e => e.Contains("newt0.png") || e.Contains("newt1.png"));
        Assert.Contains(c.Examples, e => e.Contains("became"));
    }

    [Fact]
    public void Coco_to_yolo_round_trip_compares_equal_and_dlc_reports_occlusion_as_visibility_changes()
    {
        using var folder = new TempFolder();
        var original = TestData.Newts(folder);
        PoseData.Save(original, Path.Combine(folder.Path, "yolo"), LabelFormat.Yolo);
        var yolo = DatasetComparison.Compare(original, PoseData.Load(Path.Combine(folder.Path, "yolo")));
        Assert.Equal(0, yolo.LabelsLost);
        Assert.Equal(0, yolo.VisibilityMismatches);
        Assert.True(yolo.MaxDeviation < 1e-3, $"max deviation {yolo.MaxDeviation}");

        PoseData.Save(original, Path.Combine(folder.Path, "dlc"), LabelFormat.Dlc);
        var dlc = DatasetComparison.Compare(original, PoseData.Load(Path.Combine(folder.Path, "dlc")));
        Assert.Equal(0, dlc.LabelsLost);
        Assert.Equal(original.Instances.Sum(i => i.Keypoints.Count(p => p.Visibility == Visibility.Occluded)), dlc.VisibilityMismatches);
    }

    [Fact]
    public void Different_keypoint_counts_are_refused()
    {
        var a = new PoseDataset(new Skeleton(["a", "b"]), [], "/x");
        var b = new PoseDataset(new Skeleton(["a"]), [], "/x");
        Assert.Contains("2 and 1", Assert.Throws<ArgumentException>(() => DatasetComparison.Compare(a, b)).Message);
    }
}
