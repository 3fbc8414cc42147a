using System.Text.Json.Nodes;
using NewtPose.Data;
using NewtPose.Imaging;
using SkiaSharp;

namespace NewtPose.Charts;

/// <summary>
/// Builds an image grid as one plotly.js figure: each image is an <c>image</c> trace (a JPEG thumbnail as a data URI)
/// on its own pair of axes, with keypoints and skeleton as scatter traces on top. The thumbnail is stretched back to
/// the photo's size (x0/dx), so zooming and hovering show keypoint positions in the original pixels. One mechanism for
/// every chart means the grid renders wherever the other charts do (both notebook paths, offline HTML).
/// </summary>
internal static class ImageGridFigure
{
    private const double Gap = 0.01;
    private const double TitleSpace = 0.06;

    public static PlotlyFigure Build(IReadOnlyList<ImagePanel> panels, Skeleton skeleton, ImageGridOptions options)
    {
        options.Validate();
        if (panels.Count == 0) throw new ArgumentException("An image grid needs at least one image.", nameof(panels));
        var columns = Math.Min(options.Columns, panels.Count);
        var rows = (panels.Count + columns - 1) / columns;
        var data = new JsonArray();
        var layout = Json.Layout(options.Title, null);
        layout.Remove("xaxis"); layout.Remove("yaxis");
        var annotations = new JsonArray();
        for (var p = 0; p < panels.Count; p++)
        {
            var panel = panels[p];
            Check(panel, p, skeleton);
            var (row, column) = (p / columns, p % columns);
            var suffix = p == 0 ? "" : (p + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var (x, y) = ("x" + suffix, "y" + suffix);
            var xDomain = new[] { (double)column / columns + Gap, (column + 1.0) / columns - Gap };
            var yTop = 1.0 - (double)row / rows;
            var yDomain = new[] { 1.0 - (row + 1.0) / rows + Gap, yTop - TitleSpace / rows };
            layout["xaxis" + suffix] = Axis(xDomain, null);
            layout["yaxis" + suffix] = Axis(yDomain, x);
            if (panel.Title is { } title)
                annotations.Add(new JsonObject
                {
                    ["text"] = title, ["showarrow"] = false, ["xref"] = "paper", ["yref"] = "paper",
                    ["x"] = (xDomain[0] + xDomain[1]) / 2, ["y"] = yTop, ["xanchor"] = "center", ["yanchor"] = "top",
                    ["font"] = new JsonObject { ["size"] = 11 },
                });
            data.Add(ImageTrace(panel.Image, options, x, y));
            var first = p == 0;
            for (var start = 0; start < panel.Labels.Count; start += skeleton.Count)
            {
                var instance = panel.Labels.Skip(start).Take(skeleton.Count).ToArray();
                data.Add(SkeletonTrace(instance, skeleton, x, y, first));
                data.Add(PointTrace("labels", instance, skeleton, x, y, first, predicted: false));
                first = false;
            }
            if (panel.Boxes is { } boxes)
                for (var b = 0; b < boxes.Count; b++) data.Add(BoxTrace(boxes[b], x, y, p == 0 && b == 0));
            if (panel.Predictions is { } predictions)
                for (var start = 0; start < predictions.Count; start += skeleton.Count)
                    data.Add(PointTrace("predictions", predictions.Skip(start).Take(skeleton.Count).ToArray(), skeleton, x, y, p == 0 && start == 0, predicted: true));
        }
        layout["annotations"] = annotations;
        layout["height"] = 80 + rows * 280;
        layout["showlegend"] = true;
        return new PlotlyFigure(data, layout);
    }

    private static void Check(ImagePanel panel, int index, Skeleton skeleton)
    {
        var name = panel.Title ?? $"panel {index + 1}";
        if (panel.Labels.Count % skeleton.Count != 0)
            throw new ArgumentException($"Image grid {name}: {panel.Labels.Count} labels is not a multiple of the skeleton's {skeleton.Count} keypoints.");
        if (panel.Predictions is { } p && p.Count % skeleton.Count != 0)
            throw new ArgumentException($"Image grid {name}: {p.Count} predictions is not a multiple of the skeleton's {skeleton.Count} keypoints.");
    }

    private static JsonObject Axis(double[] domain, string? anchorTo)
    {
        var axis = new JsonObject
        {
            ["domain"] = Json.Numbers(domain), ["showgrid"] = false, ["zeroline"] = false, ["showticklabels"] = false,
        };
        if (anchorTo is not null)
        {
            // Image axes: y down, square pixels.
            axis["autorange"] = "reversed";
            axis["scaleanchor"] = anchorTo;
        }
        return axis;
    }

    private static JsonObject ImageTrace(RgbImage image, ImageGridOptions options, string x, string y)
    {
        var scale = Math.Min(1.0, (double)options.MaxSide / Math.Max(image.Width, image.Height));
        var (width, height) = (Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale)));
        var (sx, sy) = ((double)image.Width / width, (double)image.Height / height);
        return new JsonObject
        {
            ["type"] = "image", ["source"] = "data:image/jpeg;base64," + Convert.ToBase64String(Jpeg(image, width, height, options.JpegQuality)),
            ["x0"] = sx / 2, ["dx"] = sx, ["y0"] = sy / 2, ["dy"] = sy, ["xaxis"] = x, ["yaxis"] = y, ["hoverinfo"] = "skip",
        };
    }

    private static JsonObject PointTrace(string name, IReadOnlyList<Keypoint> points, Skeleton skeleton, string x, string y, bool showLegend, bool predicted)
    {
        var shown = Enumerable.Range(0, points.Count).Where(k => points[k].IsLabeled).ToArray();
        var symbols = shown.Select(k => predicted ? "x" : points[k].Visibility == Visibility.Occluded ? "circle-open" : "circle");
        return new JsonObject
        {
            ["type"] = "scatter", ["mode"] = "markers", ["name"] = name, ["legendgroup"] = name, ["showlegend"] = showLegend,
            ["x"] = Json.Numbers(shown.Select(k => points[k].X)), ["y"] = Json.Numbers(shown.Select(k => points[k].Y)),
            ["text"] = Json.Strings(shown.Select(k => skeleton.Keypoints[k] + (points[k].Visibility == Visibility.Occluded ? " (occluded)" : ""))),
            ["hovertemplate"] = "%{text}<br>(%{x:.1f}, %{y:.1f})<extra>" + name + "</extra>",
            ["marker"] = new JsonObject
            {
                ["size"] = predicted ? 9 : 7, ["symbol"] = Json.Strings(symbols),
                ["color"] = Json.Strings(shown.Select(k => Palette.Color(k, skeleton.Count))),
                ["line"] = new JsonObject { ["width"] = predicted ? 2 : 1, ["color"] = predicted ? "white" : "black" },
            },
            ["xaxis"] = x, ["yaxis"] = y,
        };
    }

    private static JsonObject BoxTrace(BoundingBox box, string x, string y, bool showLegend) => new()
    {
        ["type"] = "scatter", ["mode"] = "lines", ["name"] = "found box", ["legendgroup"] = "found box", ["showlegend"] = showLegend,
        ["x"] = Json.Numbers([box.X, box.Right, box.Right, box.X, box.X]), ["y"] = Json.Numbers([box.Y, box.Y, box.Bottom, box.Bottom, box.Y]),
        ["hoverinfo"] = "skip", ["line"] = new JsonObject { ["color"] = "rgba(255,220,0,0.9)", ["width"] = 2, ["dash"] = "dash" },
        ["xaxis"] = x, ["yaxis"] = y,
    };

    private static JsonObject SkeletonTrace(IReadOnlyList<Keypoint> points, Skeleton skeleton, string x, string y, bool showLegend)
    {
        // All edges in one trace, separated by gaps (NaN -> null), drawn only where both ends are labelled.
        var xs = new List<double>(); var ys = new List<double>();
        foreach (var e in skeleton.Edges)
        {
            if (!points[e.From].IsLabeled || !points[e.To].IsLabeled) continue;
            xs.AddRange([points[e.From].X, points[e.To].X, double.NaN]);
            ys.AddRange([points[e.From].Y, points[e.To].Y, double.NaN]);
        }
        return new JsonObject
        {
            ["type"] = "scatter", ["mode"] = "lines", ["name"] = "skeleton", ["legendgroup"] = "skeleton", ["showlegend"] = showLegend,
            ["x"] = Json.Numbers(xs), ["y"] = Json.Numbers(ys), ["hoverinfo"] = "skip",
            ["line"] = new JsonObject { ["color"] = "rgba(255,255,255,0.8)", ["width"] = 1.5 },
            ["xaxis"] = x, ["yaxis"] = y,
        };
    }

    private static byte[] Jpeg(RgbImage image, int width, int height, int quality)
    {
        using var full = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[image.Width * image.Height * 4];
        for (int i = 0, j = 0; i < image.Pixels.Length; i += 3, j += 4)
        {
            rgba[j] = image.Pixels[i]; rgba[j + 1] = image.Pixels[i + 1]; rgba[j + 2] = image.Pixels[i + 2]; rgba[j + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, full.GetPixels(), rgba.Length);
        using var small = width == image.Width && height == image.Height
            ? full.Copy()
            : full.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque), SKFilterQuality.Medium);
        using var skImage = SKImage.FromBitmap(small);
        using var encoded = skImage.Encode(SKEncodedImageFormat.Jpeg, quality);
        return encoded.ToArray();
    }
}
