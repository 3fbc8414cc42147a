using NewtPose.Synthesis;
using SkiaSharp;

namespace NewtPose.Tests.Synthesis;

/// <summary>The photo draws the same animal the keypoints are checked against in the flat-colour rendering.</summary>
public class NewtPhotoTests
{
    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    public void The_photo_silhouette_matches_the_parts_silhouette(int seed)
    {
        var scene = NewtScenes.RandomInFrame(seed);
        using var photo = NewtRenderer.Render(scene, NewtRenderMode.Photo);
        using var parts = NewtRenderer.Render(scene, NewtRenderMode.Parts);
        var background = scene.Conditions.Background;
        int both = 0, either = 0;
        for (var y = 0; y < scene.Height; y++)
            for (var x = 0; x < scene.Width; x++)
            {
                var p = photo.Bitmap.GetPixel(x, y);
                var inPhoto = Math.Abs(p.Red - background.Red) + Math.Abs(p.Green - background.Green) + Math.Abs(p.Blue - background.Blue) > 60;
                var inParts = parts.Bitmap.GetPixel(x, y) != NewtParts.Background;
                if (inPhoto && inParts) both++;
                if (inPhoto || inParts) either++;
            }
        Assert.True(either > 5000, "the animal should cover thousands of pixels");
        Assert.True(both > 0.95 * either, $"seed {seed}: silhouettes overlap by {(double)both / either:P1} only");
        Assert.Equal(photo.Instance.Keypoints, parts.Instance.Keypoints);
    }

    [Fact]
    public void The_belly_is_orange_to_yellow_and_the_flanks_dark()
    {
        var scene = NewtScenes.HeadUp();
        using var photo = NewtRenderer.Render(scene);
        var body = NewtBody.Build(scene);
        var bellyColors = Enumerable.Range(0, 40).Select(i => photo.Bitmap.GetPixel(
            (int)body.Local(0.15f + i * 0.008f, 0).X, (int)body.Local(0.15f + i * 0.008f, 0).Y)).ToArray();
        // Along the belly midline most pixels are orange/yellow (red high, blue low); the rest are black blotches.
        var orange = bellyColors.Count(c => c.Red > 150 && c.Red > c.Blue + 80);
        Assert.True(orange >= 15, $"only {orange} of 40 belly samples are orange");
        var flank = photo.Bitmap.GetPixel((int)body.Local(0.3f, body.HalfWidth(0.3f) * 0.9f).X, (int)body.Local(0.3f, body.HalfWidth(0.3f) * 0.9f).Y);
        Assert.True(flank.Red + flank.Green + flank.Blue < 3 * 110, $"flank {flank} is not dark");
    }
}
