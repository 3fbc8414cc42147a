using System.Text.Json;
using NewtPose.Augmentation;

namespace NewtPose.Tests.Augmentation;

public class AugmentationPreviewTests
{
    [Fact]
    public void Renders_reproducible_samples_with_keypoints_drawn()
    {
        var photo = PoseSamplerTests.Photo();
        var images = AugmentationPreview.Render(photo, PoseSamplerTests.Animal, PoseSamplerTests.Newt, AugmentationOptions.Default, count: 4, seed: 10, size: 96);
        var again = AugmentationPreview.Render(photo, PoseSamplerTests.Animal, PoseSamplerTests.Newt, AugmentationOptions.Default, count: 4, seed: 10, size: 96);

        Assert.Equal(4, images.Count);
        Assert.All(images, i => Assert.Equal((96, 96), (i.Width, i.Height)));
        for (var i = 0; i < 4; i++) Assert.Equal(images[i].Pixels, again[i].Pixels);
        Assert.NotEqual(images[0].Pixels, images[1].Pixels);

        // The same sample without drawing differs from the drawn one: the overlay is really there.
        var sampler = new PoseSampler(PoseSamplerTests.Newt, 96, 96, AugmentationOptions.Default);
        var bare = AugmentationPreview.ToImage(sampler.Sample(photo, PoseSamplerTests.Animal, new Random(10), augment: true));
        var changed = bare.Pixels.Zip(images[0].Pixels, (a, b) => a != b).Count(d => d);
        Assert.True(changed > 100, $"Only {changed} bytes differ between the drawn and the bare sample.");
    }

    [Fact]
    public void With_no_augmentation_every_preview_is_the_validation_crop()
    {
        var images = AugmentationPreview.Render(PoseSamplerTests.Photo(), PoseSamplerTests.Animal, PoseSamplerTests.Newt, AugmentationOptions.None, 3, 0, 64);
        Assert.Equal(images[0].Pixels, images[2].Pixels);
    }

    [Fact]
    public void Grid_shows_every_sample_as_an_image_titled_with_its_seed()
    {
        var figure = AugmentationPreview.Grid(PoseSamplerTests.Photo(), PoseSamplerTests.Animal, PoseSamplerTests.Newt,
            AugmentationOptions.Default, "Default preset", count: 3, seed: 5, size: 64, columns: 2);
        var json = JsonDocument.Parse(figure.ToJson()).RootElement;
        var data = json.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(3, data.Count(t => t.GetProperty("type").GetString() == "image"));
        Assert.Equal("Default preset", json.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        var titles = json.GetProperty("layout").GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString());
        Assert.Equal(["seed 5", "seed 6", "seed 7"], titles);
    }
}
