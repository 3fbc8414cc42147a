namespace NewtPose.Data.Inspection;

/// <summary>
/// Keypoints of every instance moved into the animal's own frame: the <c>from</c> keypoint at (0, 0), the <c>to</c>
/// keypoint at (1, 0). Position, rotation and size of the animal in the photo drop out, so a scatter of all instances
/// shows the shape the labels agree on, and a label far from its keypoint's cloud is a mistake (or a swap) to check.
/// </summary>
/// <param name="Skeleton">The dataset's skeleton.</param>
/// <param name="From">Index of the keypoint placed at the origin.</param>
/// <param name="To">Index of the keypoint placed at (1, 0).</param>
/// <param name="Instances">Each normalised instance, in dataset order.</param>
/// <param name="Skipped">Instances that could not be normalised (axis keypoint unlabelled, or both at one spot), with why.</param>
public sealed record BodyFramePoints(Skeleton Skeleton, int From, int To, IReadOnlyList<BodyFrameInstance> Instances,
    IReadOnlyList<string> Skipped);

/// <summary>One instance in the body frame: keypoints in skeleton order (unlabelled ones stay unlabelled).</summary>
/// <param name="Image">The image's path, as in the dataset.</param>
/// <param name="Instance">The instance's index within its image.</param>
/// <param name="Keypoints">Body-frame coordinates in axis lengths: x along the axis, y across it. The frame is the photo's
/// turned so the axis points right, so y keeps the image's sense (down is positive); what matters for spotting outliers
/// is that it is the same for every instance.</param>
public sealed record BodyFrameInstance(string Image, int Instance, IReadOnlyList<Keypoint> Keypoints);

/// <summary>Normalises a dataset's keypoints to the body frame (see <see cref="BodyFramePoints"/>).</summary>
public static class BodyFrame
{
    /// <summary>
    /// Normalises every instance so that <paramref name="from"/> lies at (0, 0) and <paramref name="to"/> at (1, 0).
    /// Defaults: the first and last keypoints of the skeleton (snout tip and tail tip for the bundled newts).
    /// A keypoint named here that the skeleton lacks throws <see cref="ArgumentException"/>.
    /// </summary>
    public static BodyFramePoints Normalise(PoseDataset dataset, string? from = null, string? to = null)
    {
        var skeleton = dataset.Skeleton;
        var a = from is null ? 0 : Index(skeleton, from);
        var b = to is null ? skeleton.Count - 1 : Index(skeleton, to);
        if (a == b) throw new ArgumentException($"The body axis needs two different keypoints (got '{skeleton.Keypoints[a]}' twice).");
        var instances = new List<BodyFrameInstance>();
        var skipped = new List<string>();
        foreach (var image in dataset.Images)
            for (var n = 0; n < image.Instances.Count; n++)
            {
                var points = image.Instances[n].Keypoints;
                var where = image.Instances.Count > 1 ? $"{image.Path} #{n + 1}" : image.Path;
                if (!points[a].IsLabeled || !points[b].IsLabeled)
                {
                    skipped.Add($"{where}: {(points[a].IsLabeled ? skeleton.Keypoints[b] : skeleton.Keypoints[a])} is not labelled.");
                    continue;
                }
                var (dx, dy) = (points[b].X - points[a].X, points[b].Y - points[a].Y);
                var length2 = dx * dx + dy * dy;
                if (length2 < 1e-12)
                {
                    skipped.Add($"{where}: {skeleton.Keypoints[a]} and {skeleton.Keypoints[b]} are at the same spot.");
                    continue;
                }
                // Rotation by -angle and scaling by 1/length in one step: (x, y) -> (x·dx + y·dy, y·dx − x·dy) / length².
                var moved = points.Select(p =>
                {
                    if (!p.IsLabeled) return p;
                    var (x, y) = (p.X - points[a].X, p.Y - points[a].Y);
                    return p with { X = (x * dx + y * dy) / length2, Y = (y * dx - x * dy) / length2 };
                }).ToArray();
                instances.Add(new BodyFrameInstance(image.Path, n, moved));
            }
        return new BodyFramePoints(skeleton, a, b, instances, skipped);
    }

    private static int Index(Skeleton skeleton, string name)
    {
        var i = skeleton.IndexOf(name);
        return i >= 0 ? i : throw new ArgumentException($"No keypoint named '{name}'; the skeleton has: {string.Join(", ", skeleton.Keypoints)}.");
    }
}
