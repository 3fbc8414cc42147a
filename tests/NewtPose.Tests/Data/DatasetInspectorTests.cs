using NewtPose.Data;
using NewtPose.Data.Inspection;

namespace NewtPose.Tests.Data;

public class DatasetInspectorTests
{
    [Fact]
    public void Counts_points_images_sizes_and_pairs()
    {
        using var folder = new TempFolder();
        var dataset = TestData.Newts(folder);
        var s = DatasetInspector.Inspect(dataset with { Images = [.. dataset.Images, new LabeledImage("gone.png", 0, 0, [])] }, LabelFormat.Coco);
        var instances = dataset.Instances.ToArray();
        Assert.Equal("coco", s.Format);
        Assert.Equal(7, s.Images);
        Assert.Equal(5, s.LabeledImages);
        Assert.Equal(6, s.Instances);
        Assert.Equal(instances.Sum(i => i.Keypoints.Count(k => k.IsLabeled)), s.LabeledPoints);
        Assert.Equal(instances.Sum(i => i.Keypoints.Count(k => !k.IsLabeled)), s.MissingPoints);
        Assert.Equal(instances.Sum(i => i.Keypoints.Count(k => k.Visibility == Visibility.Occluded)), s.OccludedPoints);
        Assert.Equal(6 * 6, s.LabeledPoints + s.MissingPoints);
        Assert.Equal(1, s.MissingImageFiles);
        Assert.Equal([120, 90], s.ImageSizeMin!);
        Assert.Equal([170, 125], s.ImageSizeMax!);
        Assert.Equal([["left_eye", "right_eye"], ["left_hand", "right_hand"]], s.SwapPairs);
        Assert.Equal(s.LabeledPoints, s.LabeledPerKeypoint.Sum());
        Assert.Contains("\"labeled_images\": 5", s.ToJson());
    }
}
