using NewtPose.Data;
using NewtPose.Imaging;
using NewtPose.Inference;
using NewtPose.IO;
using SkiaSharp;

namespace NewtPose.Drawing;

/// <summary>
/// A predicted photo drawn for a person to check: upright (EXIF applied), at most <c>maxSide</c> pixels on its longer
/// side, the skeleton and the points in their left/right colours (<see cref="KeypointOverlay"/>); a point whose
/// confidence is below the cut-off is drawn as a ring instead of a disc, so doubtful points stand out.
/// </summary>
public static class PredictionOverlay
{
    public static RgbImage Draw(PhotoPrediction prediction, Skeleton skeleton, double lowConfidence = 0.3, int maxSide = 1600, OverlayStyle? style = null)
    {
        var image = ImageLoader.Load(prediction.Path, maxSide);
        var points = prediction.Keypoints.Select(k =>
        {
            var (x, y) = image.FromSource.Apply(k.X, k.Y);
            return new Keypoint(x, y, k.Confidence >= lowConfidence ? Visibility.Visible : Visibility.Occluded);
        }).ToArray();
        return KeypointOverlay.Draw(image.Image, new PoseInstance(points), skeleton, style);
    }

    /// <summary>Writes <see cref="Draw"/>'s image as a JPEG, atomically.</summary>
    public static void WriteJpeg(PhotoPrediction prediction, Skeleton skeleton, string path, double lowConfidence = 0.3, int maxSide = 1600, int quality = 90)
    {
        var drawn = Draw(prediction, skeleton, lowConfidence, maxSide);
        using var bitmap = ImageLoader.ToBitmap(drawn);
        using var jpeg = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        AtomicFile.WriteAllBytes(path, jpeg.ToArray());
    }
}
