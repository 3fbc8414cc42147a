using NewtPose.Data;

namespace NewtPose.ActiveLearning;

/// <summary>
/// Geometry of one pose that does not depend on where the animal is, how large or how turned: its size, its body axis,
/// which side each left/right pair lies on, and the pose normalised for position, scale and rotation. Points are in
/// skeleton order; NaN marks a point that is missing.
/// </summary>
public static class PoseShape
{
    /// <summary>The body size: the root-mean-square distance of the present points from their centroid (0 with fewer than two).</summary>
    public static double Size(IReadOnlyList<(double X, double Y)> points)
    {
        var present = Present(points);
        if (present.Length < 2) return 0;
        var (cx, cy) = (present.Average(p => p.X), present.Average(p => p.Y));
        return Math.Sqrt(present.Average(p => (p.X - cx) * (p.X - cx) + (p.Y - cy) * (p.Y - cy)));
    }

    /// <summary>
    /// The body axis, a unit vector pointing along the skeleton's midline keypoints (those in no swap pair) in their order
    /// (snout → tail for the newts): the least-squares slope of position against the midline point's rank. With fewer
    /// than two midline points present, the direction of the longest spread of all points (its sign then arbitrary). Null
    /// when there is nothing to measure.
    /// </summary>
    public static (double X, double Y)? Axis(IReadOnlyList<(double X, double Y)> points, Skeleton skeleton)
    {
        var midline = Midline(skeleton).Where(k => IsPresent(points[k])).ToArray();
        if (midline.Length >= 2)
        {
            var meanRank = (midline.Length - 1) / 2.0;
            var (cx, cy) = (midline.Average(k => points[k].X), midline.Average(k => points[k].Y));
            double ax = 0, ay = 0;
            for (var r = 0; r < midline.Length; r++) { ax += (r - meanRank) * (points[midline[r]].X - cx); ay += (r - meanRank) * (points[midline[r]].Y - cy); }
            if (Unit(ax, ay) is { } axis) return axis;
        }
        var present = Present(points);
        if (present.Length < 2) return null;
        var (mx, my) = (present.Average(p => p.X), present.Average(p => p.Y));
        double sxx = present.Sum(p => (p.X - mx) * (p.X - mx)), syy = present.Sum(p => (p.Y - my) * (p.Y - my)), sxy = present.Sum(p => (p.X - mx) * (p.Y - my));
        var angle = 0.5 * Math.Atan2(2 * sxy, sxx - syy);
        return (Math.Cos(angle), Math.Sin(angle));
    }

    /// <summary>
    /// For each swap pair, the side its right keypoint lies on relative to its left one, seen along the body axis: +1 or
    /// −1 (the sign of axis × (right − left)), 0 when a point or the axis is missing. A pose whose left and right are
    /// swapped has every sign reversed.
    /// </summary>
    public static int[] Sides(IReadOnlyList<(double X, double Y)> points, Skeleton skeleton)
    {
        var axis = Axis(points, skeleton);
        return skeleton.SwapPairs.Select(p =>
        {
            if (axis is not { } a || !IsPresent(points[p.Left]) || !IsPresent(points[p.Right])) return 0;
            var cross = a.X * (points[p.Right].Y - points[p.Left].Y) - a.Y * (points[p.Right].X - points[p.Left].X);
            return Math.Sign(cross);
        }).ToArray();
    }

    /// <summary>The points with the centroid at the origin, unit <see cref="Size"/>, the body axis along +y; null when the
    /// pose has no size. Two photos of the same pose anywhere in the frame, at any scale and turn, give the same result.</summary>
    public static (double X, double Y)[]? Normalised(IReadOnlyList<(double X, double Y)> points, Skeleton skeleton)
    {
        var size = Size(points);
        if (size <= 0 || Axis(points, skeleton) is not { } axis) return null;
        var present = Present(points);
        var (cx, cy) = (present.Average(p => p.X), present.Average(p => p.Y));
        // Rotate so the axis maps to (0, 1): x' = (x·ay − y·ax), y' = (x·ax + y·ay).
        return points.Select(p => IsPresent(p)
            ? (((p.X - cx) * axis.Y - (p.Y - cy) * axis.X) / size, ((p.X - cx) * axis.X + (p.Y - cy) * axis.Y) / size)
            : (double.NaN, double.NaN)).ToArray();
    }

    /// <summary>Root-mean-square distance between two normalised poses over the points both have (infinity when none).</summary>
    public static double Distance(IReadOnlyList<(double X, double Y)> a, IReadOnlyList<(double X, double Y)> b)
    {
        double sum = 0;
        var n = 0;
        for (var k = 0; k < Math.Min(a.Count, b.Count); k++)
        {
            if (!IsPresent(a[k]) || !IsPresent(b[k])) continue;
            sum += (a[k].X - b[k].X) * (a[k].X - b[k].X) + (a[k].Y - b[k].Y) * (a[k].Y - b[k].Y);
            n++;
        }
        return n == 0 ? double.PositiveInfinity : Math.Sqrt(sum / n);
    }

    /// <summary>The keypoints in no swap pair, in skeleton order.</summary>
    public static int[] Midline(Skeleton skeleton)
    {
        var paired = skeleton.SwapPairs.SelectMany(p => new[] { p.Left, p.Right }).ToHashSet();
        return Enumerable.Range(0, skeleton.Count).Where(k => !paired.Contains(k)).ToArray();
    }

    /// <summary>A labelled instance's points (NaN where not labelled).</summary>
    public static (double X, double Y)[] Points(PoseInstance instance) =>
        instance.Keypoints.Select(k => k.IsLabeled ? (k.X, k.Y) : (double.NaN, double.NaN)).ToArray();

    public static bool IsPresent((double X, double Y) p) => double.IsFinite(p.X) && double.IsFinite(p.Y);

    private static (double X, double Y)[] Present(IReadOnlyList<(double X, double Y)> points) => points.Where(IsPresent).ToArray();

    private static (double X, double Y)? Unit(double x, double y)
    {
        var length = Math.Sqrt(x * x + y * y);
        return length > 1e-12 ? (x / length, y / length) : null;
    }
}
