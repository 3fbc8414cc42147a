using NewtPose.Data;
using NewtPose.Imaging;
using SkiaSharp;

namespace NewtPose.Drawing;

/// <summary>How keypoints are drawn. Sizes scale with the image (fractions of its larger side) so overlays read the
/// same on a thumbnail and a full photo.</summary>
/// <param name="PointRadius">Radius of a keypoint, as a fraction of the image's larger side.</param>
/// <param name="LineWidth">Width of a skeleton edge, as a fraction of the larger side.</param>
/// <param name="ShowNames">Write each visible keypoint's name beside it.</param>
public sealed record OverlayStyle(float PointRadius = 0.005f, float LineWidth = 0.002f, bool ShowNames = false)
{
    /// <summary>The animal's left side (the first keypoint of each swap pair).</summary>
    public SKColor Left { get; init; } = new(40, 120, 255);
    /// <summary>The animal's right side (the second keypoint of each swap pair).</summary>
    public SKColor Right { get; init; } = new(255, 60, 60);
    /// <summary>Keypoints without a pair (the midline).</summary>
    public SKColor Middle { get; init; } = new(60, 220, 90);
    public SKColor Edge { get; init; } = new(255, 255, 255, 200);

    public static OverlayStyle Default { get; } = new();
}

/// <summary>Draws keypoints and the skeleton on an image: labels, predictions, or both in turn. Visible points (v=2)
/// are filled discs, occluded points (v=1) rings, unlabelled points (v=0) are not drawn; an edge is drawn when both
/// ends are labelled.</summary>
public static class KeypointOverlay
{
    public static void Draw(SKBitmap bitmap, PoseInstance instance, Skeleton skeleton, OverlayStyle? style = null)
    {
        using var canvas = new SKCanvas(bitmap);
        Draw(canvas, bitmap.Width, bitmap.Height, instance, skeleton, style);
    }

    /// <summary>A copy of <paramref name="image"/> with the overlay drawn (the input is not changed).</summary>
    public static RgbImage Draw(RgbImage image, PoseInstance instance, Skeleton skeleton, OverlayStyle? style = null)
    {
        using var bitmap = ImageLoader.ToBitmap(image);
        Draw(bitmap, instance, skeleton, style);
        return ImageLoader.ToRgb(bitmap);
    }

    public static void Draw(SKCanvas canvas, int width, int height, PoseInstance instance, Skeleton skeleton, OverlayStyle? style = null)
    {
        style ??= OverlayStyle.Default;
        if (instance.Keypoints.Count != skeleton.Count)
            throw new ArgumentException($"The instance has {instance.Keypoints.Count} keypoints, the skeleton {skeleton.Count}.");
        var size = Math.Max(width, height);
        float radius = Math.Max(1.5f, style.PointRadius * size), lineWidth = Math.Max(1f, style.LineWidth * size);
        var kp = instance.Keypoints;
        using var paint = new SKPaint { IsAntialias = true, StrokeCap = SKStrokeCap.Round };

        paint.Style = SKPaintStyle.Stroke; paint.StrokeWidth = lineWidth; paint.Color = style.Edge;
        foreach (var e in skeleton.Edges)
            if (kp[e.From].IsLabeled && kp[e.To].IsLabeled)
                canvas.DrawLine((float)kp[e.From].X, (float)kp[e.From].Y, (float)kp[e.To].X, (float)kp[e.To].Y, paint);

        var colors = SideColors(skeleton, style);
        using var font = new SKFont(SKTypeface.Default, Math.Max(9f, radius * 2.2f));
        using var text = new SKPaint { IsAntialias = true, Color = SKColors.White };
        for (var k = 0; k < kp.Count; k++)
        {
            if (!kp[k].IsLabeled) continue;
            var center = new SKPoint((float)kp[k].X, (float)kp[k].Y);
            paint.Style = SKPaintStyle.Fill; paint.Color = SKColors.Black.WithAlpha(160);
            canvas.DrawCircle(center, radius + lineWidth, paint);
            paint.Color = colors[k];
            if (kp[k].Visibility == Visibility.Visible) canvas.DrawCircle(center, radius, paint);
            else { paint.Style = SKPaintStyle.Stroke; paint.StrokeWidth = lineWidth * 1.5f; canvas.DrawCircle(center, radius * 0.8f, paint); }
            if (style.ShowNames) canvas.DrawText(skeleton.Keypoints[k], center.X + radius * 1.5f, center.Y - radius, font, text);
        }
    }

    private static SKColor[] SideColors(Skeleton skeleton, OverlayStyle style)
    {
        var colors = Enumerable.Repeat(style.Middle, skeleton.Count).ToArray();
        foreach (var p in skeleton.SwapPairs) { colors[p.Left] = style.Left; colors[p.Right] = style.Right; }
        return colors;
    }
}
