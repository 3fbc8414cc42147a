namespace NewtPose.Data;

/// <summary>Checks shared by every reader: finite coordinates, visibility in {0, 1, 2}, points not far outside the image.</summary>
internal static class KeypointChecks
{
    /// <summary>How far outside the image (as a fraction of its size) a labelled point may lie before the label is rejected.
    /// Tools let annotators click a little past the border; half an image away is a wrong file or wrong units.</summary>
    public const double OutsideTolerance = 0.5;

    public static Visibility Visibility(double v, string file, string location)
    {
        if (double.IsNaN(v) || double.IsInfinity(v))
            throw new DatasetFormatException(file, location, $"visibility is {v}, expected 0, 1 or 2.");
        if (v != Math.Floor(v) || v < 0 || v > 2)
            throw new DatasetFormatException(file, location, $"visibility {v} is outside {{0, 1, 2}}.");
        return (Visibility)(int)v;
    }

    public static void Finite(double x, double y, string file, string location)
    {
        if (!double.IsFinite(x) || !double.IsFinite(y))
            throw new DatasetFormatException(file, location, $"coordinate is not a finite number (x = {x}, y = {y}).");
    }

    /// <summary>Throws when a labelled point lies far outside a known image size (width/height 0 = unknown, not checked).</summary>
    public static void InsideImage(Keypoint k, int width, int height, string file, string location)
    {
        if (!k.IsLabeled || width <= 0 || height <= 0) return;
        if (k.X < -OutsideTolerance * width || k.X > (1 + OutsideTolerance) * width ||
            k.Y < -OutsideTolerance * height || k.Y > (1 + OutsideTolerance) * height)
            throw new DatasetFormatException(file, location,
                $"point ({k.X:0.###}, {k.Y:0.###}) lies far outside its {width}x{height} image.");
    }
}
