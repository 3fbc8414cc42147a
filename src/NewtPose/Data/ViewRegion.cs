using System.Text.Json.Serialization;

namespace NewtPose.Data;

/// <summary>
/// One view of a multi-view rig (e.g. the top and the bottom view of a mirror rig in one camera frame): a fixed region of
/// every frame and the keypoints seen in it. A model trained with views crops, predicts and scores each view on its own
/// (training crops each view around its own labelled points; the engine searches each view's region for its own
/// keypoints and maps them back into the frame), so each view fills the network's input instead of sharing it.
/// The region comes from the rig's geometry, not from any photo's labels, so using it is honest.
/// </summary>
/// <param name="Name">A name for reports, e.g. "top".</param>
/// <param name="Keypoints">The keypoints seen in this view, by name; every keypoint of the skeleton belongs to exactly one view.</param>
/// <param name="Region">[x, y, width, height] as fractions of the frame's width and height (0–1).</param>
public sealed record ViewRegion(string Name, IReadOnlyList<string> Keypoints, IReadOnlyList<double> Region)
{
    [JsonIgnore] public double X => Region[0];
    [JsonIgnore] public double Y => Region[1];
    [JsonIgnore] public double Width => Region[2];
    [JsonIgnore] public double Height => Region[3];

    /// <summary>The region in the pixels of a frame of <paramref name="width"/> × <paramref name="height"/>.</summary>
    public BoundingBox Rect(double width, double height) => new(X * width, Y * height, Width * width, Height * height);

    /// <summary>Throws <see cref="ArgumentException"/> naming the view and what is wrong with its own fields.</summary>
    public ViewRegion Validate()
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new ArgumentException("A view has no name.");
        if (Keypoints is null || Keypoints.Count == 0) throw new ArgumentException($"View '{Name}' lists no keypoints.");
        if (Region is not { Count: 4 } || Region.Any(v => !double.IsFinite(v)))
            throw new ArgumentException($"View '{Name}': region must be [x, y, width, height], four finite fractions of the frame.");
        if (X < 0 || Y < 0 || Width <= 0 || Height <= 0 || X + Width > 1 + 1e-9 || Y + Height > 1 + 1e-9)
            throw new ArgumentException($"View '{Name}': region [{string.Join(", ", Region)}] must lie inside the frame (x, y ≥ 0, width and height > 0, x + width and y + height ≤ 1).");
        return this;
    }
}

/// <summary>The views of a rig checked against a skeleton: which view owns each keypoint.</summary>
public static class ViewRegions
{
    /// <summary>
    /// The view index of every keypoint of <paramref name="skeleton"/>; throws naming the view and keypoint when a view
    /// names an unknown keypoint, two views share one, a keypoint is in no view, or a left/right pair spans two views
    /// (a flip must swap points within one crop).
    /// </summary>
    public static int[] Owners(IReadOnlyList<ViewRegion> views, Skeleton skeleton)
    {
        if (views.Count == 0) throw new ArgumentException("A rig needs at least one view.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var owner = Enumerable.Repeat(-1, skeleton.Count).ToArray();
        for (var v = 0; v < views.Count; v++)
        {
            var view = views[v].Validate();
            if (!names.Add(view.Name)) throw new ArgumentException($"Two views are named '{view.Name}'.");
            foreach (var keypoint in view.Keypoints)
            {
                var k = IndexOf(skeleton, keypoint);
                if (k < 0) throw new ArgumentException($"View '{view.Name}' lists keypoint '{keypoint}', which the skeleton does not have (it has {string.Join(", ", skeleton.Keypoints)}).");
                if (owner[k] >= 0) throw new ArgumentException($"Keypoint '{keypoint}' is in view '{views[owner[k]].Name}' and in view '{view.Name}'; each keypoint belongs to one view.");
                owner[k] = v;
            }
        }
        var orphans = owner.Select((o, k) => (o, k)).Where(x => x.o < 0).Select(x => skeleton.Keypoints[x.k]).ToArray();
        if (orphans.Length > 0) throw new ArgumentException($"Keypoint(s) {string.Join(", ", orphans)} are in no view; every keypoint must belong to one view.");
        foreach (var pair in skeleton.SwapPairs)
            if (owner[pair.Left] != owner[pair.Right])
                throw new ArgumentException($"The left/right pair {skeleton.Keypoints[pair.Left]} / {skeleton.Keypoints[pair.Right]} spans views '{views[owner[pair.Left]].Name}' and '{views[owner[pair.Right]].Name}'; a pair must lie in one view.");
        return owner;
    }

    /// <summary>The keypoint indices each view owns, in keypoint order.</summary>
    public static int[][] Members(IReadOnlyList<ViewRegion> views, Skeleton skeleton)
    {
        var owner = Owners(views, skeleton);
        return views.Select((_, v) => Enumerable.Range(0, owner.Length).Where(k => owner[k] == v).ToArray()).ToArray();
    }

    /// <summary>
    /// The animal as one view sees it: the view's keypoints as labelled, every other keypoint not labelled (weight 0 in
    /// training, not scored), and no box (so crops frame the view's own labelled points).
    /// </summary>
    public static PoseInstance Restrict(PoseInstance animal, IReadOnlyCollection<int> members)
    {
        var keep = members as ISet<int> ?? members.ToHashSet();
        return new PoseInstance(animal.Keypoints.Select((k, i) => keep.Contains(i) ? k : Keypoint.Missing).ToArray(), box: null, animal.Individual, animal.Attributes);
    }

    /// <summary>The index of keypoint <paramref name="name"/> in the skeleton, or -1.</summary>
    internal static int IndexOf(Skeleton skeleton, string name)
    {
        for (var i = 0; i < skeleton.Count; i++)
            if (string.Equals(skeleton.Keypoints[i], name, StringComparison.Ordinal)) return i;
        return -1;
    }
}
