using NewtPose.Data;
using NewtPose.Data.Formats.Coco;
using NewtPose.Notebooks;

namespace NewtPose.Tests.Notebooks;

public class QuickAndSampleDataTests
{
    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData(" ON ", true)]
    [InlineData("0", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Quick_mode_reads_the_usual_spellings(string? value, bool expected) => Assert.Equal(expected, Quick.IsOnFor(value));

    [Fact]
    public void Quick_mode_shrinks_a_training_run_and_keeps_everything_else()
    {
        var full = new NewtPose.Training.TrainingOptions { Backbone = "resnet18", Augmentation = NewtPose.Augmentation.AugmentationOptions.Heavy };
        var quick = Quick.Shrunk(full);
        Assert.Equal((64, 64, 4, 2), (quick.InputWidth, quick.InputHeight, quick.BatchSize, quick.Epochs));
        Assert.Equal(full with { InputWidth = 64, InputHeight = 64, BatchSize = 4, Epochs = 2 }, quick);
        quick.Validate();
    }

    [Fact]
    public void A_notebooks_labels_are_its_data_line_else_the_environment_else_the_bundled_newts()
    {
        Assert.Equal("/lab/coco.json", SampleData.LabelsPath("/lab/coco.json", "/clone", "/ci/dlc-project"));
        Assert.Equal("/ci/dlc-project", SampleData.LabelsPath(null, "/clone", "/ci/dlc-project"));
        Assert.Equal(Path.Combine("/clone", SampleData.BundledNewts), SampleData.LabelsPath(null, "/clone", " "));
        Assert.Equal(Path.Combine("/clone", SampleData.BundledNewts), SampleData.LabelsPath(null, "/clone", null));
    }

    [Fact]
    public void Tiny_sample_data_is_a_readable_coco_set_with_every_point_inside_its_image()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"newtpose-tiny-{Guid.NewGuid():N}");
        try
        {
            var dataset = SampleData.LoadNewtsOrTiny(folder, folder, tinyImages: 3);
            Assert.Equal(3, dataset.Images.Count);
            Assert.Equal(SampleData.TinySkeleton.Keypoints, dataset.Skeleton.Keypoints);
            Assert.Single(dataset.Skeleton.SwapPairs);
            foreach (var image in dataset.Images)
            {
                Assert.True(File.Exists(dataset.FullPath(image)));
                var keypoints = Assert.Single(image.Instances).Keypoints;
                Assert.All(keypoints, k => Assert.True(k.IsLabeled && k.X >= 0 && k.X < 320 && k.Y >= 0 && k.Y < 240, $"{image.Path}: {k}"));
            }
            // A second call reads what the first wrote.
            Assert.Equal(dataset.Images.Select(i => i.Path), SampleData.LoadNewtsOrTiny(folder, folder).Images.Select(i => i.Path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Bundled_newts_are_preferred_when_the_clone_has_them()
    {
        var root = Path.Combine(Path.GetTempPath(), $"newtpose-root-{Guid.NewGuid():N}");
        try
        {
            var bundled = Path.Combine(root, SampleData.BundledNewts);
            Directory.CreateDirectory(Path.GetDirectoryName(bundled)!);
            var skeleton = new Skeleton(["a"]);
            CocoFormat.Write(new PoseDataset(skeleton, [new LabeledImage("x.jpg", 10, 10, [])], root), bundled);
            var dataset = SampleData.LoadNewtsOrTiny(root, Path.Combine(root, "fallback"));
            Assert.Equal(["a"], dataset.Skeleton.Keypoints);
            Assert.False(Directory.Exists(Path.Combine(root, "fallback")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
