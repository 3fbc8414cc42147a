using System.Text.Json.Nodes;
using NewtPose.Data;

namespace NewtPose.Charts;

/// <summary>
/// The chart kinds of NewtPose, each a <see cref="PlotlyFigure"/> that shows inline in a notebook and saves as an
/// offline HTML file. Charts only draw what they are given: compute metrics elsewhere.
/// </summary>
public static partial class Chart
{
    /// <summary>Line chart of one or more series, e.g. train and validation loss per epoch; error bars where a series has <see cref="Series.YErrors"/>.</summary>
    public static PlotlyFigure Lines(string title, IReadOnlyList<Series> series, Axes? axes = null)
    {
        var data = new JsonArray();
        foreach (var s in series)
        {
            var trace = new JsonObject
            {
                ["type"] = "scatter", ["mode"] = s.X.Count > 30 ? "lines" : "lines+markers", ["name"] = s.Name,
                ["x"] = Json.Numbers(s.X), ["y"] = Json.Numbers(s.Y),
            };
            if (s.YErrors is not null)
                trace["error_y"] = new JsonObject { ["type"] = "data", ["array"] = Json.Numbers(s.YErrors), ["visible"] = true };
            data.Add(trace);
        }
        return new PlotlyFigure(data, Json.Layout(title, axes));
    }

    /// <summary>Scatter chart of one or more series of points.</summary>
    public static PlotlyFigure Scatter(string title, IReadOnlyList<Series> series, Axes? axes = null)
    {
        var data = new JsonArray();
        foreach (var s in series)
            data.Add(new JsonObject
            {
                ["type"] = "scatter", ["mode"] = "markers", ["name"] = s.Name,
                ["x"] = Json.Numbers(s.X), ["y"] = Json.Numbers(s.Y),
            });
        return new PlotlyFigure(data, Json.Layout(title, axes));
    }

    /// <summary>Grouped bar chart: one bar per category for each series, with error bars where given.</summary>
    public static PlotlyFigure Bars(string title, IReadOnlyList<string> categories, IReadOnlyList<BarSeries> series, Axes? axes = null)
    {
        var data = new JsonArray();
        foreach (var s in series)
        {
            if (s.Values.Count != categories.Count)
                throw new ArgumentException($"Bar series '{s.Name}' has {s.Values.Count} values for {categories.Count} categories.");
            var trace = new JsonObject
            {
                ["type"] = "bar", ["name"] = s.Name, ["x"] = Json.Strings(categories), ["y"] = Json.Numbers(s.Values),
            };
            if (s.Errors is not null)
                trace["error_y"] = new JsonObject { ["type"] = "data", ["array"] = Json.Numbers(s.Errors), ["visible"] = true };
            data.Add(trace);
        }
        var layout = Json.Layout(title, axes);
        layout["barmode"] = "group";
        return new PlotlyFigure(data, layout);
    }

    /// <summary>Per-keypoint error as bars (e.g. mean pixel error per keypoint, with its standard deviation as error bar).</summary>
    public static PlotlyFigure KeypointErrors(string title, IReadOnlyList<string> keypoints, IReadOnlyList<BarSeries> series, string unit = "px") =>
        Bars(title, keypoints, series, new Axes("keypoint", $"error ({unit})"));

    /// <summary>Histogram of one or more value sets, overlaid.</summary>
    public static PlotlyFigure Histogram(string title, IReadOnlyList<ValueSet> sets, Axes? axes = null, int? bins = null)
    {
        var data = new JsonArray();
        foreach (var set in sets)
        {
            var finite = set.Values.Where(double.IsFinite).ToArray();
            var missing = set.Values.Count - finite.Length;
            var trace = new JsonObject
            {
                ["type"] = "histogram", ["name"] = missing == 0 ? set.Name : $"{set.Name} ({missing} not finite, not shown)",
                ["x"] = Json.Numbers(finite), ["opacity"] = sets.Count > 1 ? 0.6 : 1.0,
            };
            if (bins is { } n) trace["nbinsx"] = n;
            data.Add(trace);
        }
        var given = axes ?? new Axes();
        var layout = Json.Layout(title, given with { Y = given.Y ?? "count" });
        layout["barmode"] = "overlay";
        return new PlotlyFigure(data, layout);
    }

    /// <summary>
    /// Every labelled keypoint of the dataset in image pixels, one colour per keypoint, y pointing down as in the
    /// photos: a quick look for swapped or misplaced labels. Hovering shows the image and instance.
    /// </summary>
    public static PlotlyFigure KeypointScatter(PoseDataset dataset, string title = "Labelled keypoints")
    {
        var data = new JsonArray();
        for (var k = 0; k < dataset.Skeleton.Count; k++)
        {
            var xs = new List<double>(); var ys = new List<double>(); var texts = new List<string>();
            foreach (var image in dataset.Images)
                for (var i = 0; i < image.Instances.Count; i++)
                {
                    var point = image.Instances[i].Keypoints[k];
                    if (!point.IsLabeled) continue;
                    xs.Add(point.X); ys.Add(point.Y);
                    texts.Add(image.Instances.Count > 1 ? $"{image.Path} #{i + 1}" : image.Path);
                }
            data.Add(new JsonObject
            {
                ["type"] = "scatter", ["mode"] = "markers", ["name"] = dataset.Skeleton.Keypoints[k],
                ["x"] = Json.Numbers(xs), ["y"] = Json.Numbers(ys), ["text"] = Json.Strings(texts),
                ["marker"] = new JsonObject { ["size"] = 5, ["color"] = Palette.Color(k, dataset.Skeleton.Count) },
            });
        }
        var layout = Json.Layout(title, new Axes("x (px)", "y (px)"));
        layout["yaxis"]!["autorange"] = "reversed";
        layout["yaxis"]!["scaleanchor"] = "x";
        return new PlotlyFigure(data, layout);
    }

    /// <summary>A grid of images with keypoints and skeleton drawn (labels, and predictions where given).</summary>
    public static PlotlyFigure ImageGrid(IReadOnlyList<ImagePanel> panels, Skeleton skeleton, ImageGridOptions? options = null) =>
        ImageGridFigure.Build(panels, skeleton, options ?? new ImageGridOptions());
}
