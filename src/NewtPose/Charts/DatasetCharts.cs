using System.Text.Json.Nodes;
using NewtPose.Data;
using NewtPose.Data.Inspection;

namespace NewtPose.Charts;

/// <summary>Charts that explore a dataset's labels (notebook 01).</summary>
public static partial class Chart
{
    /// <summary>Per keypoint, stacked bars of how many instances have it visible, occluded and not labelled.</summary>
    public static PlotlyFigure KeypointVisibility(KeypointVisibility counts, string title = "Keypoint visibility")
    {
        var data = new JsonArray();
        foreach (var (name, values, color) in new[]
        {
            ("visible", counts.Visible, "#2ca02c"), ("occluded", counts.Occluded, "#ff7f0e"), ("not labelled", counts.NotLabeled, "#c7c7c7"),
        })
            data.Add(new JsonObject
            {
                ["type"] = "bar", ["name"] = name, ["x"] = Json.Strings(counts.Keypoints),
                ["y"] = Json.Numbers(values.Select(v => (double)v).ToArray()), ["marker"] = new JsonObject { ["color"] = color },
            });
        var layout = Json.Layout(title, new Axes("keypoint", "instances"));
        layout["barmode"] = "stack";
        return new PlotlyFigure(data, layout);
    }

    /// <summary>
    /// All instances' keypoints in the body frame (<see cref="BodyFrame.Normalise"/>), one colour per keypoint, equal
    /// axis scales. Hover names the image and instance; an isolated dot of a keypoint's colour is a label to check.
    /// </summary>
    public static PlotlyFigure BodyFrameScatter(BodyFramePoints points, string? title = null)
    {
        var skeleton = points.Skeleton;
        var data = new JsonArray();
        for (var k = 0; k < skeleton.Count; k++)
        {
            var xs = new List<double>(); var ys = new List<double>(); var texts = new List<string>();
            foreach (var instance in points.Instances)
            {
                var p = instance.Keypoints[k];
                if (!p.IsLabeled) continue;
                xs.Add(p.X); ys.Add(p.Y);
                texts.Add($"{instance.Image} #{instance.Instance + 1}{(p.Visibility == Visibility.Occluded ? " (occluded)" : "")}");
            }
            data.Add(new JsonObject
            {
                ["type"] = "scatter", ["mode"] = "markers", ["name"] = skeleton.Keypoints[k],
                ["x"] = Json.Numbers(xs), ["y"] = Json.Numbers(ys), ["text"] = Json.Strings(texts),
                ["marker"] = new JsonObject { ["size"] = 4, ["color"] = Palette.Color(k, skeleton.Count) },
            });
        }
        var from = skeleton.Keypoints[points.From];
        var to = skeleton.Keypoints[points.To];
        var skipped = points.Skipped.Count > 0 ? $" ({points.Skipped.Count} instances without both axis points not shown)" : "";
        var layout = Json.Layout(title ?? $"Keypoints in the body frame: {from} at 0, {to} at 1{skipped}",
            new Axes($"along {from} → {to}", "across"));
        layout["yaxis"]!["autorange"] = "reversed";
        layout["yaxis"]!["scaleanchor"] = "x";
        return new PlotlyFigure(data, layout);
    }

    /// <summary>Histogram of the images' widths and heights, in pixels (images of unknown size are counted in the title).</summary>
    public static PlotlyFigure ImageSizes(PoseDataset dataset, string title = "Image sizes")
    {
        var known = dataset.Images.Where(i => i.Width > 0 && i.Height > 0).ToArray();
        var unknown = dataset.Images.Count - known.Length;
        return Histogram(unknown > 0 ? $"{title} ({unknown} images of unknown size not shown)" : title,
            [new ValueSet("width", known.Select(i => (double)i.Width).ToArray()), new ValueSet("height", known.Select(i => (double)i.Height).ToArray())],
            new Axes("pixels", "images"));
    }
}
