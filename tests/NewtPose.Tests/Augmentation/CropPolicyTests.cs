using NewtPose.Augmentation;
using NewtPose.Data;

namespace NewtPose.Tests.Augmentation;

public class CropPolicyTests
{
    [Fact]
    public void A_square_crop_adds_the_margin_of_the_longer_side_and_keeps_the_centre()
    {
        var crop = CropPolicy.Default.CropFor((1600, 1200), new BoundingBox(100, 200, 100, 150));
        // 150 × (1 + 2 × 0.15) = 195 on both axes, centred on (150, 275).
        Assert.Equal(new BoundingBox(150 - 97.5, 275 - 97.5, 195, 195), crop);
    }

    [Fact]
    public void A_tiny_box_gets_the_minimum_crop_and_the_whole_photo_gets_no_margin()
    {
        Assert.Equal(80, CropPolicy.Default.CropFor((1600, 1200), new BoundingBox(500, 500, 2, 2)).Width, 9); // 5 % of 1600
        Assert.Equal(new BoundingBox(0, -200, 1600, 1600), CropPolicy.Default.CropFor((1600, 1200), null));
    }

    [Fact]
    public void A_crop_that_is_not_square_keeps_the_box_aspect()
    {
        var crop = new CropPolicy { Margin = 0.1, Square = false }.CropFor((1600, 1200), new BoundingBox(0, 0, 200, 100));
        Assert.Equal(240, crop.Width, 9);
        Assert.Equal(140, crop.Height, 9);
    }

    [Fact]
    public void Bad_settings_are_named()
    {
        Assert.Contains("Margin", Assert.Throws<ArgumentException>(() => new CropPolicy { Margin = -1 }.Validate()).Message);
        Assert.Contains("MinCropFraction", Assert.Throws<ArgumentException>(() => (AugmentationOptions.Default with { Crop = new CropPolicy { MinCropFraction = 0 } }).Validate()).Message);
    }

    [Fact]
    public void With_whole_photo_samples_some_training_samples_show_the_whole_photo_and_validation_never_does()
    {
        var sampler = new PoseSampler(PoseSamplerTests.Newt, 64, 64, AugmentationOptions.None with { WholePhotoProbability = 0.5 });
        var photo = PoseSamplerTests.Photo(); // 320 × 240: the whole photo is a 320 px square
        var sides = Enumerable.Range(0, 40).Select(seed => sampler.Sample(photo, PoseSamplerTests.Animal, new Random(seed), augment: true))
            .Select(s => Math.Round(s.ToSource.A * 64)).ToArray();
        Assert.Contains(320.0, sides);
        Assert.Contains(195.0, sides); // the crop around the animal (see PoseSamplerTests)
        Assert.InRange(sides.Count(s => s == 320), 10, 30);
        Assert.All(Enumerable.Range(0, 10), seed => Assert.Equal(195.0, Math.Round(sampler.Sample(photo, PoseSamplerTests.Animal, new Random(seed), augment: false).ToSource.A * 64)));
    }
}
