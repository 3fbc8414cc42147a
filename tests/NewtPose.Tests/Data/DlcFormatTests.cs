using NewtPose.Data;

namespace NewtPose.Tests.Data;

public class DlcFormatTests
{
    [Fact]
    public void Reads_the_one_index_column_layout_at_the_project_root()
    {
        using var folder = new TempFolder();
        folder.Png("labeled-data/img01.png", 200, 100);
        var csv = folder.File("CollectedData.csv", """
            scorer,rick,rick,rick,rick
            bodyparts,paw1LH,paw1LH,paw4RH,paw4RH
            coords,x,y,x,y
            labeled-data/img01.png,77.25,36.25,,
            labeled-data/img02.png,1,2,3,4
            """);
        var d = PoseData.Load(csv);
        Assert.Equal(folder.Path, d.Root);
        Assert.Equal(["paw1LH", "paw4RH"], d.Skeleton.Keypoints);
        Assert.Equal((200, 100), (d.Images[0].Width, d.Images[0].Height));
        Assert.Equal(new Keypoint(77.25, 36.25, Visibility.Visible), d.Images[0].Instances[0].Keypoints[0]);
        Assert.False(d.Images[0].Instances[0].Keypoints[1].IsLabeled);
        Assert.Equal([new SwapPair(0, 1)], d.Skeleton.SwapPairs);
        Assert.Contains(d.Warnings, w => w.Contains("1 of 2 image files are missing") && w.Contains("labeled-data/img02.png"));
    }

    [Fact]
    public void Reads_the_three_index_layout_with_paths_relative_to_the_project_root()
    {
        using var folder = new TempFolder();
        folder.Png("labeled-data/vid1/img001.png", 64, 48);
        folder.File("config.yaml", "Task: t\n");
        var csv = folder.File("labeled-data/vid1/CollectedData_me.csv", """
            scorer,,,me,me,me,me
            bodyparts,,,snout,snout,tail,tail
            coords,,,x,y,x,y
            labeled-data,vid1,img001.png,10.5,20.5,NaN,NaN
            labeled-data,vid1,img002.png,1,2
            """);
        var fromCsv = PoseData.Load(csv);
        var fromProject = PoseData.Load(folder.Path);
        foreach (var d in new[] { fromCsv, fromProject })
        {
            Assert.Equal(folder.Path, d.Root);
            Assert.Equal(["labeled-data/vid1/img001.png", "labeled-data/vid1/img002.png"], d.Images.Select(i => i.Path));
            Assert.True(File.Exists(d.FullPath(d.Images[0])));
            Assert.False(d.Images[0].Instances[0].Keypoints[1].IsLabeled);
            // The short row: its missing cells read as not labelled, and that is a warning, not a silent change.
            Assert.False(d.Images[1].Instances[0].Keypoints[1].IsLabeled);
            Assert.Contains(d.Warnings, w => w.Contains("1 rows have fewer cells than the header (first at line 5)"));
        }
    }

    [Fact]
    public void Reads_the_multi_animal_layout_with_unique_bodyparts()
    {
        using var folder = new TempFolder();
        var csv = folder.File("labeled-data/v/CollectedData_me.csv", """
            scorer,,,me,me,me,me,me,me,me,me,me,me
            individuals,,,newt1,newt1,newt1,newt1,newt2,newt2,newt2,newt2,single,single
            bodyparts,,,snout,snout,vent,vent,snout,snout,vent,vent,ruler,ruler
            coords,,,x,y,x,y,x,y,x,y,x,y
            labeled-data,v,a.png,1,2,3,4,,,,,50,60
            labeled-data,v,b.png,1,2,3,4,5,6,7,8,,
            """);
        var d = PoseData.Load(csv);
        Assert.Equal(["snout", "vent", "ruler"], d.Skeleton.Keypoints);
        var a = d.Images[0].Instances;
        Assert.Equal(["newt1", "single"], a.Select(i => i.Individual));
        Assert.Equal(new Keypoint(50, 60, Visibility.Visible), a[1].Keypoints[2]);
        Assert.False(a[0].Keypoints[2].IsLabeled);
        Assert.Equal(["newt1", "newt2"], d.Images[1].Instances.Select(i => i.Individual));
        Assert.Equal(new Keypoint(7, 8, Visibility.Visible), d.Images[1].Instances[1].Keypoints[1]);
    }

    [Fact]
    public void Writes_the_three_index_layout_deeplabcut_writes_and_reads_it_back()
    {
        using var folder = new TempFolder();
        var dataset = TestData.Newts(folder);
        PoseData.Save(dataset, Path.Combine(folder.Path, "dlc"), LabelFormat.Dlc);
        var lines = File.ReadAllLines(Path.Combine(folder.Path, "dlc", "labeled-data", "photos_day1", "CollectedData_newtpose.csv"));
        Assert.StartsWith("scorer,,,newtpose,", lines[0]);
        Assert.StartsWith("individuals,,,animal1,", lines[1]);
        Assert.StartsWith("bodyparts,,,left_eye,left_eye,right_eye,", lines[2]);
        Assert.StartsWith("coords,,,x,y,x,y", lines[3]);
        Assert.StartsWith("labeled-data,photos_day1,newt1.png,", lines[4]);
        Assert.True(File.Exists(Path.Combine(folder.Path, "dlc", "labeled-data", "photos_day1", "newt1.png")));
        Assert.Contains("multianimalproject: true", File.ReadAllText(Path.Combine(folder.Path, "dlc", "config.yaml")));
        Assert.Equal(dataset.Instances.Count(i => i.LabeledCount > 0), PoseData.Load(Path.Combine(folder.Path, "dlc")).Instances.Count());
    }

    [Theory]
    [InlineData("CollectedData_fixed3.h5")]
    [InlineData("CollectedData_fixed1.h5")]
    [InlineData("CollectedData_table1.h5")]
    public void Reads_h5_in_pandas_fixed_and_table_storage(string name)
    {
        var d = PoseData.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "dlc_h5", name));
        Assert.Equal(["snout", "left_eye", "right_eye"], d.Skeleton.Keypoints);
        Assert.Equal(["labeled-data/vid1/img001.png", "labeled-data/vid1/img002.png"], d.Images.Select(i => i.Path));
        var first = d.Images[0].Instances.Single();
        Assert.Equal(new Keypoint(10.5, 20.25, Visibility.Visible), first.Keypoints[0]);
        Assert.False(first.Keypoints[1].IsLabeled);
        Assert.Equal(new Keypoint(30, 40, Visibility.Visible), first.Keypoints[2]);
        Assert.Equal(new Keypoint(5, 6, Visibility.Visible), d.Images[1].Instances.Single().Keypoints[2]);
        Assert.Equal([new SwapPair(1, 2)], d.Skeleton.SwapPairs);
    }

    [Fact]
    public void A_project_whose_video_folder_holds_only_the_h5_is_read()
    {
        using var folder = new TempFolder();
        var target = folder.File("labeled-data/vid1/CollectedData_me.h5");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "dlc_h5", "CollectedData_fixed3.h5"), target);
        folder.File("config.yaml", "Task: t\n");
        var d = PoseData.Load(folder.Path);
        Assert.Equal(LabelFormat.Dlc, PoseData.Detect(folder.Path));
        Assert.Equal(folder.Path, d.Root);
        Assert.Equal(2, d.Images.Count);
    }

    [Fact]
    public void A_file_that_is_not_hdf5_is_refused_with_a_clear_reason()
    {
        using var folder = new TempFolder();
        var fake = folder.File("CollectedData_me.h5", "not really hdf5");
        var e = Assert.Throws<DatasetFormatException>(() => PoseData.Load(fake));
        Assert.Contains("CollectedData_me.h5", e.Message);
        Assert.Contains("not a readable HDF5 file", e.Message);
    }
}
