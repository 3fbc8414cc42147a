using System.Text.Json;
using NewtPose.Charts;
using NewtPose.Data;
using NewtPose.Imaging;
using SkiaSharp;

namespace NewtPose.Tests.Charts;

public class ImageGridTests
{
    private static readonly Skeleton Skeleton = new(["head", "mid", "tail"], [new Edge(0, 1), new Edge(1, 2)]);

    private static RgbImage Gray(int width, int height) => new(width, height, Enumerable.Repeat((byte)128, width * height * 3).ToArray());

    [Fact]
    public void Each_image_is_a_jpeg_thumbnail_stretched_back_to_photo_pixels_with_points_and_skeleton()
    {
        Keypoint[] labels = [new(100, 50, Visibility.Visible), new(400, 300, Visibility.Occluded), new(0, 0, Visibility.NotLabeled)];
        Keypoint[] predicted = [new(102, 52, Visibility.Visible), new(390, 310, Visibility.Visible), new(700, 500, Visibility.Visible)];
        var panels = new[] { new ImagePanel(Gray(800, 600), labels, "a.jpg", predicted), new ImagePanel(Gray(200, 100), labels, "b.jpg") };
        var json = JsonDocument.Parse(Chart.ImageGrid(panels, Skeleton, new ImageGridOptions(Columns: 2, MaxSide: 200)).ToJson()).RootElement;
        var data = json.GetProperty("data").EnumerateArray().ToList();

        var image = data[0];
        Assert.Equal("image", image.GetProperty("type").GetString());
        var source = image.GetProperty("source").GetString()!;
        Assert.StartsWith("data:image/jpeg;base64,", source);
        using var decoded = SKBitmap.Decode(Convert.FromBase64String(source["data:image/jpeg;base64,".Length..]));
        Assert.Equal((200, 150), (decoded.Width, decoded.Height));
        Assert.Equal(4.0, image.GetProperty("dx").GetDouble());
        Assert.Equal(2.0, image.GetProperty("x0").GetDouble());

        var skeleton = data[1];
        Assert.Equal("lines", skeleton.GetProperty("mode").GetString());
        Assert.Equal(3, skeleton.GetProperty("x").GetArrayLength()); // head-mid only: tail is not labelled
        var points = data[2];
        Assert.Equal([100.0, 400.0], points.GetProperty("x").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(["circle", "circle-open"], points.GetProperty("marker").GetProperty("symbol").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(["head", "mid (occluded)"], points.GetProperty("text").EnumerateArray().Select(v => v.GetString()));
        var predictions = data[3];
        Assert.Equal("predictions", predictions.GetProperty("name").GetString());
        Assert.Equal(3, predictions.GetProperty("x").GetArrayLength());

        // The second panel sits on its own axes, and only the first panel adds legend entries.
        Assert.Equal("x2", data[4].GetProperty("xaxis").GetString());
        Assert.False(data[6].GetProperty("showlegend").GetBoolean());
        var layout = json.GetProperty("layout");
        Assert.Equal("x2", layout.GetProperty("yaxis2").GetProperty("scaleanchor").GetString());
        Assert.Equal(["a.jpg", "b.jpg"], layout.GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString()));
    }

    [Fact]
    public void Labels_that_do_not_fit_the_skeleton_are_refused_with_the_panel_named()
    {
        var panel = new ImagePanel(Gray(10, 10), [new Keypoint(1, 1, Visibility.Visible)], "odd.png");
        var e = Assert.Throws<ArgumentException>(() => Chart.ImageGrid([panel], Skeleton));
        Assert.Contains("odd.png", e.Message);
        Assert.Throws<ArgumentException>(() => Chart.ImageGrid([], Skeleton));
        Assert.Throws<ArgumentException>(() => new ImageGridOptions(Columns: 0).Validate());
    }
}
