using NewtPose.Data;
using SkiaSharp;

namespace NewtPose.Synthesis;

/// <summary>Photo: a realistic belly photo. Parts: flat colours per anatomical part (see <see cref="NewtParts"/>), no
/// effects, no antialiasing — for checking that keypoints land on the anatomy they name.</summary>
public enum NewtRenderMode { Photo, Parts }

/// <summary>The flat colours of <see cref="NewtRenderMode.Parts"/>.</summary>
public static class NewtParts
{
    public static readonly SKColor Background = new(0, 0, 0);
    public static readonly SKColor Head = new(255, 0, 0);
    public static readonly SKColor Trunk = new(0, 255, 0);
    public static readonly SKColor Tail = new(0, 0, 255);
    public static readonly SKColor Cloaca = new(255, 255, 0);
    public static readonly SKColor LeftForelimb = new(255, 0, 255);
    public static readonly SKColor RightForelimb = new(0, 255, 255);
    public static readonly SKColor LeftHindlimb = new(255, 128, 0);
    public static readonly SKColor RightHindlimb = new(128, 0, 255);

    public static SKColor Limb(bool fore, int side) => fore ? (side > 0 ? LeftForelimb : RightForelimb) : (side > 0 ? LeftHindlimb : RightHindlimb);
}

/// <summary>A rendered photo (RGBA, opaque) and its exact labels.</summary>
public sealed class RenderedNewt(SKBitmap bitmap, PoseInstance instance) : IDisposable
{
    public SKBitmap Bitmap { get; } = bitmap;
    public PoseInstance Instance { get; } = instance;

    /// <summary>JPEG bytes (SkiaSharp's encoder is deterministic: same pixels and quality, same bytes).</summary>
    public byte[] EncodeJpeg(int quality)
    {
        using var image = SKImage.FromBitmap(Bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    public void Dispose() => Bitmap.Dispose();
}

/// <summary>Renders a <see cref="NewtScene"/> and labels it from the same geometry.</summary>
public static class NewtRenderer
{
    public static RenderedNewt Render(NewtScene scene, NewtRenderMode mode = NewtRenderMode.Photo)
    {
        var body = NewtBody.Build(scene);
        var bitmap = new SKBitmap(new SKImageInfo(scene.Width, scene.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            if (mode == NewtRenderMode.Parts)
            {
                canvas.Clear(NewtParts.Background);
                NewtPainter.PaintParts(canvas, body);
            }
            else
            {
                PhotoEffects.PaintBackground(canvas, scene);
                NewtPainter.PaintShadow(canvas, body, scene.Conditions);
                NewtPainter.PaintPhoto(canvas, body);
            }
        }
        if (mode == NewtRenderMode.Photo) bitmap = PhotoEffects.Finish(bitmap, scene);
        return new RenderedNewt(bitmap, Label(body, scene));
    }

    /// <summary>Keypoints with visibility as a labeller would mark them: out of frame → v=0; an elbow, knee or foot
    /// covered by the body, the tail or a limb drawn over it → v=1; otherwise v=2. The box surrounds the whole animal (digits included) within the frame.</summary>
    internal static PoseInstance Label(NewtBody body, NewtScene scene)
    {
        using var outline = body.Ribbon(0, 1, body.HalfWidth);
        var limbShapes = body.Limbs.Select(NewtPainter.LimbOutline).ToArray();
        var points = body.Keypoints();
        var keypoints = new Keypoint[points.Length];
        for (var k = 0; k < points.Length; k++)
        {
            var p = points[k];
            if (p.X < 0 || p.Y < 0 || p.X >= scene.Width || p.Y >= scene.Height) { keypoints[k] = Keypoint.Missing; continue; }
            var covered = LimbOf(k) is { } limb && (outline.Contains(p.X, p.Y) || limbShapes.Skip(limb + 1).Any(shape => shape.Contains(p.X, p.Y)));
            keypoints[k] = new Keypoint(p.X, p.Y, covered ? Visibility.Occluded : Visibility.Visible);
        }
        foreach (var shape in limbShapes) shape.Dispose();
        return new PoseInstance(keypoints, Box(body, scene), scene.Individual.Id);
    }

    /// <summary>For an elbow, knee or foot: the index of its limb in drawing order (left fore, right fore, left hind,
    /// right hind); limbs drawn later, and the body drawn last, cover it.</summary>
    private static int? LimbOf(int k) => k switch
    {
        NewtSkeleton.LeftElbow or NewtSkeleton.LeftForefoot => 0,
        NewtSkeleton.RightElbow or NewtSkeleton.RightForefoot => 1,
        NewtSkeleton.LeftKnee or NewtSkeleton.LeftHindfoot => 2,
        NewtSkeleton.RightKnee or NewtSkeleton.RightHindfoot => 3,
        _ => null,
    };

    private static BoundingBox? Box(NewtBody body, NewtScene scene)
    {
        var bounds = body.Bounds();
        var clipped = SKRect.Intersect(bounds, new SKRect(0, 0, scene.Width, scene.Height));
        return clipped.IsEmpty ? null : new BoundingBox(clipped.Left, clipped.Top, clipped.Width, clipped.Height);
    }
}
