using System.Text.RegularExpressions;

namespace NewtPose.Data.Inspection;

/// <summary>
/// Recognises a multi-view rig in the labels (what `newtpose inspect` suggests as training options' "views"): the
/// keypoint names end in view-like suffixes (<c>nose_top</c> / <c>nose_bot</c>, <c>paw_cam1</c> / <c>paw_cam2</c>),
/// each suffix's labelled points stay in their own band of the frame over every labelled photo, and the bands do not
/// overlap. The frame is then cut between the bands, so each view's region is its band with the gap shared out.
/// </summary>
public static partial class ViewSuggestion
{
    /// <summary>Suffixes that name a view of the animal rather than a body part or a side of the body.</summary>
    private static readonly HashSet<string> ViewWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "top", "bot", "bottom", "side", "front", "rear", "back", "above", "below", "upper", "lower", "mirror", "direct",
    };

    [GeneratedRegex(@"^(cam|camera|view|v)\d+$", RegexOptions.IgnoreCase)]
    private static partial Regex NumberedView();

    /// <summary>The view a keypoint name's suffix names ("top" for <c>paw1LH_top</c>), or null.</summary>
    public static string? ViewOf(string keypoint)
    {
        var cut = keypoint.LastIndexOfAny(['_', '-', '.']);
        if (cut <= 0 || cut == keypoint.Length - 1) return null;
        var suffix = keypoint[(cut + 1)..];
        return ViewWords.Contains(suffix) || NumberedView().IsMatch(suffix) ? suffix : null;
    }

    /// <summary>
    /// The suggested views, or null when the names do not all carry view suffixes of at least two views, a view has no
    /// labelled point, or the views' points share a band of the frame (then cropping per view would cut animals).
    /// </summary>
    public static IReadOnlyList<ViewRegion>? Suggest(PoseDataset dataset)
    {
        var names = dataset.Skeleton.Keypoints;
        var views = names.Select(ViewOf).ToArray();
        if (views.Any(v => v is null)) return null;
        var groups = names.Select((n, k) => (View: views[k]!, Keypoint: n, Index: k))
            .GroupBy(x => x.View, StringComparer.OrdinalIgnoreCase).Select(g => (View: g.Key, Members: g.ToArray())).ToArray();
        if (groups.Length < 2) return null;

        // Each view's extent in fractions of its photo, over every labelled point of every photo with a known size.
        var extents = new List<(string View, string[] Keypoints, double MinX, double MinY, double MaxX, double MaxY)>();
        foreach (var (view, members) in groups)
        {
            double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
            foreach (var image in dataset.Images.Where(i => i.Width > 0 && i.Height > 0))
                foreach (var animal in image.Instances)
                    foreach (var m in members)
                    {
                        var p = animal.Keypoints[m.Index];
                        if (!p.IsLabeled) continue;
                        (minX, maxX) = (Math.Min(minX, p.X / image.Width), Math.Max(maxX, p.X / image.Width));
                        (minY, maxY) = (Math.Min(minY, p.Y / image.Height), Math.Max(maxY, p.Y / image.Height));
                    }
            if (minX > maxX) return null;
            extents.Add((view, members.Select(m => m.Keypoint).ToArray(), minX, minY, maxX, maxY));
        }
        return Bands(extents, vertical: true) ?? Bands(extents, vertical: false);
    }

    /// <summary>The views as a training options file's field (<c>{"views": [...]}</c>), the form `newtpose train --config` reads.</summary>
    public static string ToOptionsJson(IReadOnlyList<ViewRegion> views) =>
        System.Text.Json.JsonSerializer.Serialize(new { views }, new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower });

    /// <summary>
    /// Horizontal bands (<paramref name="vertical"/>: the views stacked top to bottom) or vertical ones, cut halfway
    /// between neighbours; null when two views' extents overlap along that axis.
    /// </summary>
    private static IReadOnlyList<ViewRegion>? Bands(List<(string View, string[] Keypoints, double MinX, double MinY, double MaxX, double MaxY)> extents, bool vertical)
    {
        var ordered = extents.OrderBy(e => vertical ? e.MinY : e.MinX).ToArray();
        var cuts = new double[ordered.Length + 1];
        (cuts[0], cuts[^1]) = (0, 1);
        for (var i = 1; i < ordered.Length; i++)
        {
            var (end, start) = vertical ? (ordered[i - 1].MaxY, ordered[i].MinY) : (ordered[i - 1].MaxX, ordered[i].MinX);
            if (start <= end) return null;
            cuts[i] = Math.Round((end + start) / 2, 3);
        }
        return ordered.Select((e, i) => new ViewRegion(e.View, e.Keypoints,
            vertical ? [0, cuts[i], 1, Math.Round(cuts[i + 1] - cuts[i], 3)] : [cuts[i], 0, Math.Round(cuts[i + 1] - cuts[i], 3), 1])).ToArray();
    }
}
