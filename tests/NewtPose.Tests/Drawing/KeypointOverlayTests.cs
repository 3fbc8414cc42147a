using NewtPose.Data;
using NewtPose.Drawing;
using SkiaSharp;

namespace NewtPose.Tests.Drawing;

public class KeypointOverlayTests
{
    private static readonly Skeleton Pair = new(["left_eye", "right_eye", "nose"], [new Edge(0, 2), new Edge(1, 2)], [new SwapPair(0, 1)]);

    [Fact]
    public void Draws_left_right_and_midline_points_in_their_colours_and_skips_unlabelled_ones()
    {
        using var bitmap = new SKBitmap(200, 200);
        bitmap.Erase(SKColors.Black);
        var style = OverlayStyle.Default;
        var instance = new PoseInstance([new Keypoint(50, 50, Visibility.Visible), new Keypoint(150, 50, Visibility.Visible), new Keypoint(100, 150, Visibility.NotLabeled)]);
        KeypointOverlay.Draw(bitmap, instance, Pair, style);
        Assert.Equal(style.Left, bitmap.GetPixel(50, 50));
        Assert.Equal(style.Right, bitmap.GetPixel(150, 50));
        Assert.Equal(SKColors.Black, bitmap.GetPixel(100, 150));
        Assert.Equal(SKColors.Black, bitmap.GetPixel(75, 100)); // no edge to an unlabelled point
    }

    [Fact]
    public void Draws_an_edge_between_labelled_points_and_occluded_points_as_rings()
    {
        using var bitmap = new SKBitmap(200, 200);
        bitmap.Erase(SKColors.Black);
        var instance = new PoseInstance([new Keypoint(50, 50, Visibility.Visible), new Keypoint(150, 50, Visibility.Occluded), new Keypoint(100, 150, Visibility.Visible)]);
        KeypointOverlay.Draw(bitmap, instance, Pair);
        Assert.NotEqual(SKColors.Black, bitmap.GetPixel(75, 100));
        Assert.NotEqual(OverlayStyle.Default.Right, bitmap.GetPixel(150, 50)); // ring: the centre is not filled
    }

    [Fact]
    public void Draws_on_an_rgb_image_copy_leaving_the_original_untouched()
    {
        var pixels = new byte[100 * 80 * 3];
        Array.Fill(pixels, (byte)10);
        var image = new NewtPose.Imaging.RgbImage(100, 80, pixels);
        var drawn = KeypointOverlay.Draw(image, new PoseInstance([new Keypoint(20, 40, Visibility.Visible), new Keypoint(80, 40, Visibility.Visible), new Keypoint(50, 70, Visibility.NotLabeled)]), Pair);
        var left = OverlayStyle.Default.Left;
        var at = (40 * 100 + 20) * 3;
        Assert.Equal((left.Red, left.Green, left.Blue), (drawn.Pixels[at], drawn.Pixels[at + 1], drawn.Pixels[at + 2]));
        Assert.Equal(10, image.Pixels[at]);
        Assert.Equal(10, drawn.Pixels[(5 * 100 + 5) * 3]);
    }

    [Fact]
    public void Rejects_an_instance_that_does_not_match_the_skeleton()
    {
        using var bitmap = new SKBitmap(10, 10);
        Assert.Throws<ArgumentException>(() => KeypointOverlay.Draw(bitmap, new PoseInstance([new Keypoint(1, 1, Visibility.Visible)]), Pair));
    }
}
