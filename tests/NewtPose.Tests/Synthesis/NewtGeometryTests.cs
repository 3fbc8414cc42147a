using NewtPose.Data;
using NewtPose.Synthesis;
using SkiaSharp;

namespace NewtPose.Tests.Synthesis;

/// <summary>Keypoints land on the anatomy they name, and left/right are the animal's own in a ventral view.</summary>
public class NewtGeometryTests
{
    [Fact]
    public void With_the_head_up_in_a_ventral_view_the_animals_left_is_on_the_images_right()
    {
        var scene = NewtScenes.HeadUp();
        using var rendered = NewtRenderer.Render(scene, NewtRenderMode.Parts);
        var k = rendered.Instance.Keypoints;
        Assert.True(k[NewtSkeleton.SnoutTip].Y < k[NewtSkeleton.TailTip].Y, "head up: the snout is above the tail tip");
        var midline = k[NewtSkeleton.TrunkMid].X;
        foreach (var pair in NewtSkeleton.Instance.SwapPairs)
        {
            Assert.True(k[pair.Left].X > midline + 5, $"{NewtSkeleton.Names[pair.Left]} should be right of the midline, x = {k[pair.Left].X:F1} vs {midline:F1}");
            Assert.True(k[pair.Right].X < midline - 5, $"{NewtSkeleton.Names[pair.Right]} should be left of the midline, x = {k[pair.Right].X:F1} vs {midline:F1}");
        }
        // The limb drawn on the image's right is the one rendered as the animal's left limb.
        Assert.Equal(NewtParts.LeftForelimb, Pixel(rendered.Bitmap, k[NewtSkeleton.LeftForefoot]));
        Assert.Equal(NewtParts.RightHindlimb, Pixel(rendered.Bitmap, k[NewtSkeleton.RightHindfoot]));
    }

    [Fact]
    public void Head_down_puts_the_animals_left_on_the_images_left()
    {
        var up = NewtScenes.HeadUp();
        var scene = up with { Placement = up.Placement with { Heading = -MathF.PI / 2 } };
        using var rendered = NewtRenderer.Render(scene, NewtRenderMode.Parts);
        var k = rendered.Instance.Keypoints;
        Assert.True(k[NewtSkeleton.SnoutTip].Y > k[NewtSkeleton.TailTip].Y);
        Assert.True(k[NewtSkeleton.LeftShoulder].X < k[NewtSkeleton.RightShoulder].X);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Every_random_pose_is_ventral_the_left_side_is_clockwise_of_the_head_to_tail_direction(int seed)
    {
        // Head-to-tail × right-to-left is negative on screen (y down) for a belly seen from below at any rotation; a
        // mirrored (dorsal) labelling would flip the sign.
        var scene = NewtScenes.RandomInFrame(seed);
        using var rendered = NewtRenderer.Render(scene, NewtRenderMode.Parts);
        var k = rendered.Instance.Keypoints;
        foreach (var (l, r) in new[] { (NewtSkeleton.LeftShoulder, NewtSkeleton.RightShoulder), (NewtSkeleton.LeftHip, NewtSkeleton.RightHip) })
        {
            var s = l == NewtSkeleton.LeftShoulder ? (NewtSkeleton.Throat, NewtSkeleton.TrunkMid) : (NewtSkeleton.TrunkMid, NewtSkeleton.Cloaca);
            double ax = k[s.Item2].X - k[s.Item1].X, ay = k[s.Item2].Y - k[s.Item1].Y, bx = k[l].X - k[r].X, by = k[l].Y - k[r].Y;
            Assert.True(ax * by - ay * bx < 0, $"seed {seed}: {NewtSkeleton.Names[l]} is not on the animal's left");
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    [InlineData(19)]
    [InlineData(20)]
    public void Keypoints_land_on_the_parts_they_name(int seed)
    {
        var scene = NewtScenes.RandomInFrame(seed);
        using var rendered = NewtRenderer.Render(scene, NewtRenderMode.Parts);
        var bmp = rendered.Bitmap;
        var k = rendered.Instance.Keypoints;

        // Tips lie on the outline: the part within 2 px, something else (background or a limb beside it) within 3 px.
        foreach (var (index, part) in new[] { (NewtSkeleton.SnoutTip, NewtParts.Head), (NewtSkeleton.LeftJawCorner, NewtParts.Head),
                     (NewtSkeleton.RightJawCorner, NewtParts.Head), (NewtSkeleton.TailTip, NewtParts.Tail) })
        {
            Assert.True(Near(bmp, k[index], 2, part), $"seed {seed}: {NewtSkeleton.Names[index]} is not on its part");
            Assert.True(Near(bmp, k[index], 3, c => c != part), $"seed {seed}: {NewtSkeleton.Names[index]} is not on the outline");
        }
        // Midline points lie inside their part.
        Assert.Equal(NewtParts.Head, Pixel(bmp, k[NewtSkeleton.Throat]));
        Assert.Equal(NewtParts.Trunk, Pixel(bmp, k[NewtSkeleton.Chest]));
        Assert.Equal(NewtParts.Trunk, Pixel(bmp, k[NewtSkeleton.TrunkMid]));
        Assert.Equal(NewtParts.Cloaca, Pixel(bmp, k[NewtSkeleton.Cloaca]));
        Assert.Equal(NewtParts.Tail, Pixel(bmp, k[NewtSkeleton.TailMid]));
        // Shoulders and hips are where the limb meets the body outline: both within 2 px.
        foreach (var (index, limb) in new[] { (NewtSkeleton.LeftShoulder, NewtParts.LeftForelimb), (NewtSkeleton.RightShoulder, NewtParts.RightForelimb),
                     (NewtSkeleton.LeftHip, NewtParts.LeftHindlimb), (NewtSkeleton.RightHip, NewtParts.RightHindlimb) })
        {
            Assert.True(Near(bmp, k[index], 2, limb), $"seed {seed}: {NewtSkeleton.Names[index]} is not on its limb");
            Assert.True(Near(bmp, k[index], 2, NewtParts.Trunk), $"seed {seed}: {NewtSkeleton.Names[index]} is not on the body outline");
        }
        // Elbows, knees and feet are on their own limb — unless labelled occluded, in which case the body or a limb
        // drawn later covers them.
        foreach (var (index, limb) in new[] { (NewtSkeleton.LeftElbow, NewtParts.LeftForelimb), (NewtSkeleton.RightElbow, NewtParts.RightForelimb),
                     (NewtSkeleton.LeftForefoot, NewtParts.LeftForelimb), (NewtSkeleton.RightForefoot, NewtParts.RightForelimb),
                     (NewtSkeleton.LeftKnee, NewtParts.LeftHindlimb), (NewtSkeleton.RightKnee, NewtParts.RightHindlimb),
                     (NewtSkeleton.LeftHindfoot, NewtParts.LeftHindlimb), (NewtSkeleton.RightHindfoot, NewtParts.RightHindlimb) })
        {
            var color = Pixel(bmp, k[index]);
            if (k[index].Visibility == Visibility.Visible) Assert.True(color == limb, $"seed {seed}: {NewtSkeleton.Names[index]} shows {color}, not its limb");
            else Assert.True(color != limb && color != NewtParts.Background, $"seed {seed}: occluded {NewtSkeleton.Names[index]} shows {color}");
        }
    }

    internal static SKColor Pixel(SKBitmap bitmap, Keypoint k) => bitmap.GetPixel((int)Math.Floor(k.X), (int)Math.Floor(k.Y));

    private static bool Near(SKBitmap bitmap, Keypoint k, int radius, SKColor color) => Near(bitmap, k, radius, c => c == color);

    private static bool Near(SKBitmap bitmap, Keypoint k, int radius, Func<SKColor, bool> match)
    {
        for (var dy = -radius; dy <= radius; dy++)
            for (var dx = -radius; dx <= radius; dx++)
            {
                int x = (int)Math.Floor(k.X) + dx, y = (int)Math.Floor(k.Y) + dy;
                if (dx * dx + dy * dy <= radius * radius && x >= 0 && y >= 0 && x < bitmap.Width && y < bitmap.Height && match(bitmap.GetPixel(x, y)))
                    return true;
            }
        return false;
    }
}
