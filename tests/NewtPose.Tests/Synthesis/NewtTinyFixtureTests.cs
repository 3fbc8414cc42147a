using NewtPose.Data.Formats.Coco;
using NewtPose.Synthesis;

namespace NewtPose.Tests.Synthesis;

/// <summary>The committed tiny fixture others test with: it must stay what the generator makes.</summary>
public class NewtTinyFixtureTests
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "newts-tiny", "annotations.json");

    [Fact]
    public void The_tiny_fixture_reads_with_21_keypoints_and_its_images_exist()
    {
        var dataset = CocoFormat.Read(Fixture);
        Assert.Equal(21, dataset.Skeleton.Count);
        Assert.Equal(8, dataset.Images.Count);
        Assert.All(dataset.Images, i => Assert.True(File.Exists(dataset.FullPath(i)), i.Path));
        Assert.True(dataset.Instances.Select(i => i.Individual).Distinct().Count() >= 2);
    }

    [Fact]
    public void The_tiny_fixture_is_reproduced_byte_for_byte_by_its_documented_command()
    {
        var folder = Path.Combine(Path.GetTempPath(), "newtpose-tiny-" + Guid.NewGuid().ToString("N"));
        try
        {
            NewtSynthesizer.Generate(new SynthOptions(folder, Count: 8, Seed: 7, Individuals: 3, Width: 320, Height: 240));
            Assert.Equal(File.ReadAllBytes(Fixture), File.ReadAllBytes(Path.Combine(folder, "annotations.json")));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
