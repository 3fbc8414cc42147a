namespace NewtPose.Data;

/// <summary>
/// Checks shared by every reader: finite coordinates, visibility in {0, 1, 2}, points not far outside the image.
/// They return the problem (null when fine) so that readers build the location string only on failure: a 10,000-image
/// file has 210,000 points.
/// </summary>
internal static class KeypointChecks
{
    /// <summary>How far outside the image (as a fraction of its size) a labelled point may lie before the label is rejected.
    /// Tools let annotators click a little past the border; half an image away is a wrong file or wrong units.</summary>
    public const double OutsideTolerance = 0.5;

    /// <summary>Builds the keypoint (v = 0 gives <see cref="Keypoint.Missing"/>) or says what is wrong with it.</summary>
    public static string? Check(double x, double y, double v, int width, int height, out Keypoint keypoint)
    {
        keypoint = Keypoint.Missing;
        if (!double.IsFinite(x) || !double.IsFinite(y)) return $"coordinate is not a finite number (x = {x}, y = {y}).";
        if (VisibilityProblem(v) is { } problem) return problem;
        if (v == 0) return null;
        keypoint = new Keypoint(x, y, (Visibility)(int)v);
        return OutsideProblem(keypoint, width, height);
    }

    public static string? VisibilityProblem(double v)
    {
        if (double.IsNaN(v) || double.IsInfinity(v)) return $"visibility is {v}, expected 0, 1 or 2.";
        if (v != Math.Floor(v) || v < 0 || v > 2) return $"visibility {v} is outside {{0, 1, 2}}.";
        return null;
    }

    /// <summary>The problem when a labelled point lies far outside a known image size (width/height 0 = unknown, not checked).</summary>
    public static string? OutsideProblem(Keypoint k, int width, int height)
    {
        if (!k.IsLabeled || width <= 0 || height <= 0) return null;
        if (k.X < -OutsideTolerance * width || k.X > (1 + OutsideTolerance) * width ||
            k.Y < -OutsideTolerance * height || k.Y > (1 + OutsideTolerance) * height)
            return $"point ({k.X:0.###}, {k.Y:0.###}) lies far outside its {width}x{height} image.";
        return null;
    }
}
