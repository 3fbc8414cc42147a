using NewtPose.ActiveLearning;
using NewtPose.Data;
using NewtPose.Tests.Data;

namespace NewtPose.Tests.ActiveLearning;

/// <summary>A simulated correction reveals the held-out labels of the chosen photos, and the merge takes them as a reviewed correction.</summary>
public sealed class SimulatedCorrectionTests
{
    [Fact]
    public void Revealed_photos_carry_their_true_labels_and_are_merged_as_corrected()
    {
        using var folder = new TempFolder();
        var truth = TestData.Newts(folder);
        var labelled = truth with { Images = truth.Images.Take(2).ToArray() };
        var chosen = new[] { truth.FullPath(truth.Images[3]), truth.FullPath(truth.Images[2]) };

        var corrections = SimulatedCorrection.Reveal(truth, chosen);

        Assert.Equal([truth.Images[3].Path, truth.Images[2].Path], corrections.Images.Select(i => i.Path));
        Assert.All(corrections.Images, i => Assert.Equal(LabelMerge.Corrected, i.Attributes[LabelMerge.StateAttribute]));
        Assert.Equal(truth.Images[3].Instances, corrections.Images[0].Instances);
        var merged = LabelMerge.Merge(labelled, corrections, "simulated", new MergeOptions { Round = 2 });
        Assert.Equal(2, merged.PhotosAdded);
        Assert.Equal(3, merged.AnimalsAdded);
        Assert.Equal(truth.Images.Take(4).Select(i => i.Path).Order(), merged.Merged.Images.Select(i => i.Path).Order());
        Assert.All(merged.Merged.Images.Skip(2).SelectMany(i => i.Instances), n => Assert.Equal("2", n.Attributes[LabelMerge.RoundAttribute]));
    }

    [Fact]
    public void Photos_the_truth_lacks_or_leaves_unlabelled_are_named()
    {
        using var folder = new TempFolder();
        var truth = TestData.Newts(folder);
        var stranger = Path.Combine(truth.Root, "photos", "elsewhere.png");
        var unlabelled = truth.FullPath(truth.Images[5]);

        var e = Assert.Throws<ArgumentException>(() => SimulatedCorrection.Reveal(truth, [truth.FullPath(truth.Images[0]), stranger, unlabelled]));

        Assert.Contains("2 photo(s)", e.Message);
        Assert.Contains(stranger + " is not a photo", e.Message);
        Assert.Contains(unlabelled + " has no labelled point", e.Message);
    }
}
