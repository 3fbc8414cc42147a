using NewtPose.Augmentation;

namespace NewtPose.Tests.Augmentation;

public class AugmentationOptionsTests
{
    [Fact]
    public void Presets_are_valid_and_grow_in_strength()
    {
        foreach (var preset in new[] { AugmentationOptions.None, AugmentationOptions.Light, AugmentationOptions.Rig, AugmentationOptions.Default, AugmentationOptions.Heavy })
            Assert.Same(preset, preset.Validate());
        Assert.Equal(0, AugmentationOptions.None.RotationProbability);
        Assert.Equal(180, AugmentationOptions.Default.MaxRotationDegrees);
        Assert.Equal((0.75, 1.25), (AugmentationOptions.Default.MinScale, AugmentationOptions.Default.MaxScale));
        Assert.True(AugmentationOptions.Default.VerticalFlipProbability > 0 && AugmentationOptions.Default.HorizontalFlipProbability > 0);
        Assert.True(AugmentationOptions.Heavy.MaxScale > AugmentationOptions.Default.MaxScale);
        Assert.True(AugmentationOptions.Light.MaxRotationDegrees < AugmentationOptions.Default.MaxRotationDegrees);
    }

    [Fact]
    public void The_rig_preset_is_light_without_any_flip_and_every_name_resolves()
    {
        Assert.Equal(AugmentationOptions.Light with { HorizontalFlipProbability = 0, VerticalFlipProbability = 0 }, AugmentationOptions.Rig);
        Assert.True(AugmentationOptions.Light.HorizontalFlipProbability > 0);
        Assert.Same(AugmentationOptions.Rig, AugmentationOptions.Preset("RIG"));
        Assert.All(AugmentationOptions.PresetNames, name => AugmentationOptions.Preset(name).Validate());
        Assert.Contains("rig", Assert.Throws<ArgumentException>(() => AugmentationOptions.Preset("mirror")).Message);
    }

    [Fact]
    public void Bad_settings_are_named_in_the_error()
    {
        var ex = Assert.Throws<ArgumentException>(() => (AugmentationOptions.Default with { BlurProbability = 1.5 }).Validate());
        Assert.Contains("BlurProbability = 1.5", ex.Message);
        Assert.Contains("MinScale", Assert.Throws<ArgumentException>(() => (AugmentationOptions.Default with { MinScale = 2 }).Validate()).Message);
        Assert.Contains("MaxRotationDegrees", Assert.Throws<ArgumentException>(() => (AugmentationOptions.None with { MaxRotationDegrees = 270 }).Validate()).Message);
        Assert.Throws<ArgumentException>(() => new PoseSampler(PoseSamplerTests.Newt, 64, 64, AugmentationOptions.None with { MinJpegQuality = 0 }));
    }
}
