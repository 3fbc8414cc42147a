using NewtPose.Augmentation;

namespace NewtPose.Tests.Augmentation;

public class PixelAugmentTests
{
    private static float[] Gradient(int width, int height)
    {
        var chw = new float[3 * width * height];
        for (var c = 0; c < 3; c++)
        for (var i = 0; i < width * height; i++)
            chw[c * width * height + i] = 0.1f + 0.8f * ((i % width) / (float)width + c * 0.1f) / 1.3f;
        return chw;
    }

    [Fact]
    public void Colour_jitter_with_zero_ranges_is_the_identity()
    {
        var chw = Gradient(32, 16);
        var original = (float[])chw.Clone();
        var options = AugmentationOptions.None with { ColorProbability = 1, MaxBrightness = 0, MaxContrast = 0, MaxGamma = 0, MaxHueDegrees = 0, MaxSaturation = 0 };

        PixelAugment.Apply(chw, 32, 16, options, new Random(1));

        for (var i = 0; i < chw.Length; i++) Assert.Equal(original[i], chw[i], 1e-4);
    }

    [Fact]
    public void Brightness_alone_shifts_every_channel_by_the_same_amount()
    {
        var chw = Gradient(32, 16);
        var original = (float[])chw.Clone();
        var options = AugmentationOptions.None with { ColorProbability = 1, MaxBrightness = 0.05, MaxContrast = 0, MaxGamma = 0, MaxHueDegrees = 0, MaxSaturation = 0 };

        PixelAugment.Apply(chw, 32, 16, options, new Random(7));

        var shift = chw[0] - original[0];
        Assert.NotEqual(0, shift, 1e-3);
        for (var i = 0; i < chw.Length; i++) Assert.Equal(original[i] + shift, chw[i], 1e-4);
    }

    [Theory]
    [InlineData("colour")]
    [InlineData("blur")]
    [InlineData("noise")]
    [InlineData("jpeg")]
    [InlineData("occlusion")]
    public void Each_pixel_transform_changes_pixels_and_stays_in_the_unit_range(string which)
    {
        var options = which switch
        {
            "colour" => AugmentationOptions.None with { ColorProbability = 1 },
            "blur" => AugmentationOptions.None with { BlurProbability = 1 },
            "noise" => AugmentationOptions.None with { NoiseProbability = 1 },
            "jpeg" => AugmentationOptions.None with { JpegProbability = 1, MinJpegQuality = 10 },
            _ => AugmentationOptions.None with { OcclusionProbability = 1, MaxOcclusionSize = 0.5 },
        };
        // A sample with sharp edges (the dots) so blur and JPEG have something to change.
        var sampler = new PoseSampler(PoseSamplerTests.Newt, 64, 64, options);
        var plain = sampler.Sample(PoseSamplerTests.Photo(), PoseSamplerTests.Animal, new Random(3), augment: false);
        var changed = sampler.Sample(PoseSamplerTests.Photo(), PoseSamplerTests.Animal, new Random(3), augment: true);

        Assert.Equal(plain.Keypoints, changed.Keypoints);
        Assert.Equal(plain.ToSource, changed.ToSource);
        var difference = plain.Chw.Zip(changed.Chw, (a, b) => Math.Abs(a - b)).Sum() / plain.Chw.Length;
        Assert.True(difference > 1e-3, $"{which} changed the pixels by only {difference} on average.");
        Assert.All(changed.Chw, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Blur_keeps_the_mean_and_lowers_the_contrast_of_edges()
    {
        var sampler = new PoseSampler(PoseSamplerTests.Newt, 64, 64, AugmentationOptions.None with { BlurProbability = 1, MaxBlurSigma = 2 });
        var plain = sampler.Sample(PoseSamplerTests.Photo(), PoseSamplerTests.Animal, new Random(3), augment: false);
        var blurred = sampler.Sample(PoseSamplerTests.Photo(), PoseSamplerTests.Animal, new Random(3), augment: true);

        Assert.Equal(plain.Chw.Average(), blurred.Chw.Average(), 2e-3);
        Assert.True(Variance(blurred.Chw) < 0.9 * Variance(plain.Chw), "Blur should smooth the dots' edges.");
    }

    private static double Variance(float[] values)
    {
        var mean = values.Average();
        return values.Average(v => (v - mean) * (v - mean));
    }
}
