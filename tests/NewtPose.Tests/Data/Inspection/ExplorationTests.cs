using System.Text.Json;
using NewtPose.Charts;
using NewtPose.Data;
using NewtPose.Data.Inspection;

namespace NewtPose.Tests.Data.Inspection;

public class ExplorationTests
{
    private static readonly Skeleton Three = new(["snout", "left_hand", "tail"], swapPairs: null);

    private static PoseDataset Dataset(params LabeledImage[] images) => new(Three, images, "/nowhere");

    private static LabeledImage Image(string path, params PoseInstance[] instances) => new(path, 100, 80, instances);

    private static PoseInstance Animal(params Keypoint[] points) => new(points);

    [Fact]
    public void Visibility_counts_each_instance_once_per_keypoint()
    {
        var dataset = Dataset(
            Image("a.png", Animal(new(1, 1, Visibility.Visible), new(2, 2, Visibility.Occluded), Keypoint.Missing)),
            Image("b.png", Animal(new(1, 1, Visibility.Visible), new(2, 2, Visibility.Visible), new(3, 3, Visibility.Occluded)),
                Animal(Keypoint.Missing, Keypoint.Missing, new(3, 3, Visibility.Visible))));
        var counts = KeypointVisibility.Count(dataset);
        Assert.Equal(3, counts.Instances);
        Assert.Equal([2, 1, 1], counts.Visible);
        Assert.Equal([0, 1, 1], counts.Occluded);
        Assert.Equal([1, 1, 1], counts.NotLabeled);

        var json = JsonDocument.Parse(Chart.KeypointVisibility(counts).ToJson()).RootElement;
        Assert.Equal("stack", json.GetProperty("layout").GetProperty("barmode").GetString());
        var data = json.GetProperty("data");
        Assert.Equal(["visible", "occluded", "not labelled"], data.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal([0.0, 1, 1], data[1].GetProperty("y").EnumerateArray().Select(v => v.GetDouble()));
    }

    [Fact]
    public void Body_frame_puts_the_axis_on_0_to_1_whatever_the_position_rotation_and_size()
    {
        // The same animal twice: once along +x at the origin, once rotated 90° (pointing down in the image), doubled and moved.
        var straight = Animal(new(0, 0, Visibility.Visible), new(3, 2, Visibility.Occluded), new(10, 0, Visibility.Visible));
        var turned = Animal(new(50, 20, Visibility.Visible), new(50 - 4, 20 + 6, Visibility.Occluded), new(50, 40, Visibility.Visible));
        var result = BodyFrame.Normalise(Dataset(Image("a.png", straight), Image("b.png", turned)));
        Assert.Empty(result.Skipped);
        Assert.Equal((0, 2), (result.From, result.To));
        foreach (var instance in result.Instances)
        {
            var k = instance.Keypoints;
            Assert.Equal(0, k[0].X, 9); Assert.Equal(0, k[0].Y, 9);
            Assert.Equal(1, k[2].X, 9); Assert.Equal(0, k[2].Y, 9);
            Assert.Equal(0.3, k[1].X, 9); Assert.Equal(0.2, k[1].Y, 9);
            Assert.Equal(Visibility.Occluded, k[1].Visibility);
        }
        Assert.Equal("b.png", result.Instances[1].Image);
    }

    [Fact]
    public void Body_frame_reports_instances_it_cannot_place_and_refuses_unknown_names()
    {
        var noTail = Animal(new(1, 1, Visibility.Visible), new(2, 2, Visibility.Visible), Keypoint.Missing);
        var collapsed = Animal(new(5, 5, Visibility.Visible), Keypoint.Missing, new(5, 5, Visibility.Visible));
        var fine = Animal(new(0, 0, Visibility.Visible), Keypoint.Missing, new(4, 0, Visibility.Visible));
        var result = BodyFrame.Normalise(Dataset(Image("a.png", noTail, collapsed), Image("b.png", fine)), "snout", "tail");
        Assert.Single(result.Instances);
        Assert.Equal(2, result.Skipped.Count);
        Assert.Contains("a.png #1: tail is not labelled", result.Skipped[0]);
        Assert.Contains("same spot", result.Skipped[1]);
        Assert.False(result.Instances[0].Keypoints[1].IsLabeled);

        var e = Assert.Throws<ArgumentException>(() => BodyFrame.Normalise(Dataset(), "snout", "cloaca"));
        Assert.Contains("cloaca", e.Message);
        Assert.Contains("left_hand", e.Message);

        var figure = JsonDocument.Parse(Chart.BodyFrameScatter(result).ToJson()).RootElement;
        Assert.Contains("2 instances", figure.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal(1, figure.GetProperty("data")[2].GetProperty("x")[0].GetDouble(), 9);
    }

    [Fact]
    public void Image_size_histogram_has_widths_and_heights_and_counts_unknown_sizes()
    {
        var dataset = Dataset(Image("a.png"), new LabeledImage("b.png", 640, 480, []), new LabeledImage("c.png", 0, 0, []));
        var json = JsonDocument.Parse(Chart.ImageSizes(dataset).ToJson()).RootElement;
        Assert.Equal([100.0, 640], json.GetProperty("data")[0].GetProperty("x").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal([80.0, 480], json.GetProperty("data")[1].GetProperty("x").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Contains("1 images of unknown size", json.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
    }
}
