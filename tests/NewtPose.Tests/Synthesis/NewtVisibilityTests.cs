using NewtPose.Data;
using NewtPose.Synthesis;
using SkiaSharp;

namespace NewtPose.Tests.Synthesis;

public class NewtVisibilityTests
{
    [Fact]
    public void Points_outside_the_frame_are_unlabelled_and_the_rest_are_inside()
    {
        // Head at the right, tail running off the left edge.
        var scene = NewtScenes.HeadUp(640, 480) with { Placement = new NewtPlacement(new SKPoint(60, 240), MathF.PI, 560) };
        using var rendered = NewtRenderer.Render(scene, NewtRenderMode.Parts);
        var k = rendered.Instance.Keypoints;
        Assert.Equal(Visibility.NotLabeled, k[NewtSkeleton.TailTip].Visibility);
        Assert.Equal(Visibility.NotLabeled, k[NewtSkeleton.TailMid].Visibility);
        Assert.Equal(Visibility.Visible, k[NewtSkeleton.SnoutTip].Visibility);
        Assert.Equal(Visibility.Visible, k[NewtSkeleton.LeftShoulder].Visibility);
        foreach (var p in k.Where(p => p.IsLabeled))
            Assert.InRange(p.X, 0, 639.999);
        var box = rendered.Instance.Box!.Value;
        Assert.Equal(0, box.X, 3);
        Assert.True(box.Right <= 640 && box.Bottom <= 480 && box.Y >= 0);
    }

    [Fact]
    public void A_hand_folded_across_the_body_is_labelled_occluded()
    {
        // Left forearm turned inward (angles past π/2 point across the midline): the hand lies under the body.
        var straight = NewtPosture.Straight;
        var posture = straight with { LeftFore = new LimbPosture(1.2f, 2.9f, 2.9f, 0.5f) };
        var scene = NewtScenes.HeadUp(posture: posture);
        using var rendered = NewtRenderer.Render(scene, NewtRenderMode.Parts);
        var hand = rendered.Instance.Keypoints[NewtSkeleton.LeftForefoot];
        Assert.Equal(Visibility.Occluded, hand.Visibility);
        Assert.Contains(NewtGeometryTests.Pixel(rendered.Bitmap, hand), new[] { NewtParts.Head, NewtParts.Trunk });
        Assert.Equal(Visibility.Visible, rendered.Instance.Keypoints[NewtSkeleton.RightForefoot].Visibility);
    }

    [Fact]
    public void The_box_surrounds_every_labelled_point()
    {
        var scene = NewtScenes.RandomInFrame(21);
        using var rendered = NewtRenderer.Render(scene, NewtRenderMode.Parts);
        var box = rendered.Instance.Box!.Value;
        foreach (var p in rendered.Instance.Keypoints)
        {
            Assert.InRange(p.X, box.X, box.Right);
            Assert.InRange(p.Y, box.Y, box.Bottom);
        }
    }
}
