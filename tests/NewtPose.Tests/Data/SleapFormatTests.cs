using NewtPose.Data;

namespace NewtPose.Tests.Data;

public class SleapFormatTests
{
    [Fact]
    public void Reads_the_skeleton_with_symmetries_and_the_user_instances_of_image_sequences()
    {
        using var folder = new TempFolder();
        var path = SleapFixture.Write(folder);
        Assert.Equal(LabelFormat.Sleap, PoseData.Detect(path));
        var d = PoseData.Load(path);
        Assert.Equal(["snout", "left_hand", "right_hand", "tail"], d.Skeleton.Keypoints);
        Assert.Equal([new Edge(0, 3), new Edge(0, 1)], d.Skeleton.Edges);
        Assert.Equal([new SwapPair(1, 2)], d.Skeleton.SwapPairs);

        Assert.Equal(["frames/f0.png", "frames/f1.png", "frames/f2.png"], d.Images.Select(i => i.Path));
        Assert.Equal((64, 48), (d.Images[0].Width, d.Images[0].Height));
        var first = d.Images[0].Instances.Single();
        Assert.Equal("newt_A", first.Individual);
        Assert.Equal(new Keypoint(10.5, 20.25, Visibility.Visible), first.Keypoints[0]);
        Assert.False(first.Keypoints[3].IsLabeled);
        Assert.Empty(d.Images[1].Instances);
        Assert.Equal("newt_B", d.Images[2].Instances.Single().Individual);
        Assert.Equal(new Keypoint(36, 37, Visibility.Visible), d.Images[2].Instances[0].Keypoints[3]);
        Assert.All(d.Images, i => Assert.True(File.Exists(d.FullPath(i))));

        Assert.Contains(d.Warnings, w => w.Contains("2 predicted instances were skipped (1 frames hold only predictions"));
        Assert.Contains(d.Warnings, w => w.Contains("1 labelled frames refer to the video 'session.mp4' (frames 12)") && w.Contains("cannot decode"));
    }

    [Fact]
    public void Predicted_instances_can_be_read_instead_with_their_score()
    {
        using var folder = new TempFolder();
        var d = PoseData.Load(SleapFixture.Write(folder), options: new PoseLoadOptions(Predictions: PredictedInstances.Only));
        var predicted = d.Instances.ToArray();
        Assert.Equal(2, predicted.Length);
        Assert.Equal(new Keypoint(40, 41, Visibility.Visible), d.Images[0].Instances[0].Keypoints[0]);
        Assert.Equal("0.8999999761581421", predicted[0].Attributes["score"]);
        Assert.Contains(d.Warnings, w => w.Contains("user-labelled instances were not read"));
    }

    [Fact]
    public void A_file_without_sleap_tables_is_refused_clearly()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "other.slp");
        new PureHDF.H5File { ["something"] = new[] { 1, 2 } }.Write(path);
        var e = Assert.Throws<DatasetFormatException>(() => PoseData.Load(path));
        Assert.Contains("/metadata", e.Message);
        Assert.Contains("not a SLEAP labels file", e.Message);
    }

    [Fact]
    public void Reads_a_file_written_by_h5py_with_sleap_ios_dtypes()
    {
        using var folder = new TempFolder();
        folder.Png("frames/f0.png", 64, 48);
        folder.Png("frames/f1.png", 64, 48);
        var path = Path.Combine(folder.Path, "labels.h5py.slp");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "sleap", "labels.h5py.slp"), path);
        var d = PoseData.Load(path);
        Assert.Equal(["snout", "left_hand", "right_hand"], d.Skeleton.Keypoints);
        Assert.Equal([new SwapPair(1, 2)], d.Skeleton.SwapPairs);
        Assert.Equal(new Keypoint(1.5, 2.5, Visibility.Visible), d.Images[0].Instances.Single().Keypoints[0]);
        Assert.False(d.Images[0].Instances[0].Keypoints[2].IsLabeled);
        Assert.Equal("newt_A", d.Images[1].Instances.Single().Individual);
        Assert.Contains(d.Warnings, w => w.Contains("1 predicted instances were skipped"));
    }
}
