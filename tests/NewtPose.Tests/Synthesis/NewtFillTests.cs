using NewtPose.Synthesis;

namespace NewtPose.Tests.Synthesis;

/// <summary>`synth --fill`: how much of the frame the animal spans (small newts in large camera photos).</summary>
public class NewtFillTests
{
    [Fact]
    public void A_lower_fill_range_gives_a_smaller_animal_in_the_same_frame_and_the_default_is_unchanged()
    {
        double Length(int seed, float min, float max) =>
            NewtSceneSampler.Sample(NewtScenes.Animal, 4000, 3000, new Random(seed), min, max).Placement.Length;
        for (var seed = 0; seed < 10; seed++)
        {
            Assert.Equal(Length(seed, NewtSceneSampler.DefaultMinFill, NewtSceneSampler.DefaultMaxFill),
                NewtSceneSampler.Sample(NewtScenes.Animal, 4000, 3000, new Random(seed)).Placement.Length);
            var small = Length(seed, 0.15f, 0.15f);
            var large = Length(seed, 0.6f, 0.6f);
            Assert.Equal(4.0, large / small, 3);
        }
        Assert.Throws<ArgumentException>(() => new SynthOptions("out", 1, 1) { MinFill = 0.7f, MaxFill = 0.6f }.Validate());
    }
}
