using System.Text.Json;
using NewtPose.Charts;
using NewtPose.Data;

namespace NewtPose.Tests.Charts;

public class ChartTests
{
    private static JsonElement Figure(PlotlyFigure figure) => JsonDocument.Parse(figure.ToJson()).RootElement;

    [Fact]
    public void Lines_hold_every_series_with_its_points_and_NaN_as_a_gap()
    {
        var figure = Chart.Lines("Loss", [new Series("train", [1, 2, 3], [0.9, 0.5, double.NaN]), new Series("val", [1.2, 0.7])],
            new Axes("epoch", "loss", LogY: true));
        var json = Figure(figure);
        var data = json.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        Assert.Equal("train", data[0].GetProperty("name").GetString());
        Assert.Equal([1.0, 2.0, 3.0], data[0].GetProperty("x").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(0.5, data[0].GetProperty("y")[1].GetDouble());
        Assert.Equal(JsonValueKind.Null, data[0].GetProperty("y")[2].ValueKind);
        Assert.Equal([1.0, 2.0], data[1].GetProperty("x").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal("Loss", json.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("epoch", json.GetProperty("layout").GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("log", json.GetProperty("layout").GetProperty("yaxis").GetProperty("type").GetString());
    }

    [Fact]
    public void Lines_draw_error_bars_only_for_series_that_have_them()
    {
        var figure = Chart.Lines("Error per round", [new Series("ranked", [20, 30], [14.5, 12]) { YErrors = [1.5, 0.25] }, new Series("random", [20, 30], [14.5, 13])]);
        var data = Figure(figure).GetProperty("data");
        var bars = data[0].GetProperty("error_y");
        Assert.Equal("data", bars.GetProperty("type").GetString());
        Assert.Equal([1.5, 0.25], bars.GetProperty("array").EnumerateArray().Select(v => v.GetDouble()));
        Assert.False(data[1].TryGetProperty("error_y", out _));
        var e = Assert.Throws<ArgumentException>(() => new Series("ranked", [20, 30], [1, 2]) { YErrors = [1] });
        Assert.Contains("ranked", e.Message);
    }

    [Fact]
    public void Series_with_unequal_lengths_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new Series("train", [1, 2], [1]));
        Assert.Contains("train", e.Message);
    }

    [Fact]
    public void Keypoint_errors_are_grouped_bars_with_error_bars()
    {
        var figure = Chart.KeypointErrors("Error", ["snout", "tail"], [new BarSeries("val", [2.5, 4], [0.5, 1.5]), new BarSeries("train", [1, 2])]);
        var json = Figure(figure);
        var val = json.GetProperty("data")[0];
        Assert.Equal("bar", val.GetProperty("type").GetString());
        Assert.Equal(["snout", "tail"], val.GetProperty("x").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal([0.5, 1.5], val.GetProperty("error_y").GetProperty("array").EnumerateArray().Select(v => v.GetDouble()));
        Assert.False(json.GetProperty("data")[1].TryGetProperty("error_y", out _));
        Assert.Equal("group", json.GetProperty("layout").GetProperty("barmode").GetString());
        Assert.Equal("error (px)", json.GetProperty("layout").GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Throws<ArgumentException>(() => Chart.Bars("x", ["a", "b", "c"], [new BarSeries("s", [1, 2])]));
    }

    [Fact]
    public void Histogram_leaves_out_non_finite_values_and_says_how_many()
    {
        var json = Figure(Chart.Histogram("Lengths", [new ValueSet("length", [1, 2, double.NaN, 3, double.PositiveInfinity])], bins: 10));
        var trace = json.GetProperty("data")[0];
        Assert.Equal(3, trace.GetProperty("x").GetArrayLength());
        Assert.Equal("length (2 not finite, not shown)", trace.GetProperty("name").GetString());
        Assert.Equal(10, trace.GetProperty("nbinsx").GetInt32());
        Assert.Equal("count", json.GetProperty("layout").GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void Keypoint_scatter_has_one_trace_per_keypoint_with_only_labelled_points()
    {
        var skeleton = new Skeleton(["a", "b"]);
        var images = new[]
        {
            new LabeledImage("one.png", 100, 100, [new PoseInstance([new Keypoint(10, 20, Visibility.Visible), new Keypoint(0, 0, Visibility.NotLabeled)])]),
            new LabeledImage("two.png", 100, 100, [new PoseInstance([new Keypoint(30, 40, Visibility.Occluded), new Keypoint(50, 60, Visibility.Visible)])]),
        };
        var json = Figure(Chart.KeypointScatter(new PoseDataset(skeleton, images, "/data")));
        var data = json.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        Assert.Equal([10.0, 30.0], data[0].GetProperty("x").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(["one.png", "two.png"], data[0].GetProperty("text").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal([60.0], data[1].GetProperty("y").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal("reversed", json.GetProperty("layout").GetProperty("yaxis").GetProperty("autorange").GetString());
    }
}
