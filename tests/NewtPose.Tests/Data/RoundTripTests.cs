using NewtPose.Data;

namespace NewtPose.Tests.Data;

public class RoundTripTests
{
    [Fact]
    public void Coco_to_dlc_to_coco_keeps_every_labelled_point_and_reports_occlusion()
    {
        using var folder = new TempFolder();
        var original = TestData.Newts(folder);
        var coco = PoseData.Save(original, Path.Combine(folder.Path, "coco", "labels.json"), LabelFormat.Coco);
        Assert.Equal(6, coco.CopiedImages);
        var fromCoco = PoseData.Load(coco.OutputPath);
        TestData.AssertSameLabels(original, fromCoco, keepsOccluded: true);

        var dlc = PoseData.Save(fromCoco, Path.Combine(folder.Path, "dlc"), LabelFormat.Dlc);
        Assert.Contains(dlc.Losses, l => l.Contains("occluded points (v=1) were written as labelled"));
        Assert.True(File.Exists(Path.Combine(folder.Path, "dlc", "labeled-data", "photos_day0", "CollectedData_newtpose.csv")));
        var fromDlc = PoseData.Load(Path.Combine(folder.Path, "dlc"));
        var back = PoseData.Save(fromDlc, Path.Combine(folder.Path, "back", "labels.json"), LabelFormat.Coco);
        var final = PoseData.Load(back.OutputPath);

        // DLC groups images by video (folder), so compare image by image through the file name.
        var byName = final.Images.ToDictionary(i => Path.GetFileName(i.Path));
        var reordered = original with { Images = original.Images.Where(i => byName.ContainsKey(Path.GetFileName(i.Path))).ToArray() };
        var finalInOrder = final with { Images = reordered.Images.Select(i => byName[Path.GetFileName(i.Path)]).ToArray() };
        Assert.Equal(original.Images.Count, final.Images.Count);
        TestData.AssertSameLabels(reordered, finalInOrder, keepsOccluded: false);
        Assert.All(final.Images, i => Assert.True(File.Exists(final.FullPath(i)), i.Path));
    }

    [Fact]
    public void Coco_to_yolo_to_coco_keeps_every_labelled_point_and_visibility()
    {
        using var folder = new TempFolder();
        var original = TestData.Newts(folder);
        var yolo = PoseData.Save(original, Path.Combine(folder.Path, "yolo"), LabelFormat.Yolo);
        Assert.Contains(yolo.Losses, l => l.Contains("no bounding box"));
        Assert.Contains(yolo.Losses, l => l.Contains("individual name or attributes"));
        var fromYolo = PoseData.Load(Path.Combine(folder.Path, "yolo", "data.yaml"));
        Assert.Equal(original.Skeleton.SwapPairs.ToHashSet(), fromYolo.Skeleton.SwapPairs.ToHashSet());
        Assert.Equal(original.Skeleton.Edges, fromYolo.Skeleton.Edges);
        var back = PoseData.Save(fromYolo, Path.Combine(folder.Path, "back.json"), LabelFormat.Coco);
        var final = PoseData.Load(back.OutputPath);
        var byName = final.Images.ToDictionary(i => Path.GetFileName(i.Path));
        TestData.AssertSameLabels(original, final with { Images = original.Images.Select(i => byName[Path.GetFileName(i.Path)]).ToArray() }, keepsOccluded: true);
    }

    [Fact]
    public void Coco_round_trip_keeps_individuals_attributes_boxes_and_swap_pairs()
    {
        using var folder = new TempFolder();
        var original = TestData.Newts(folder);
        var tagged = original with
        {
            Images = original.Images.Select(i => i with
            {
                Instances = i.Instances.Select(x => x with { Box = new BoundingBox(1.25, 2.5, 30, 40), Attributes = new Dictionary<string, string> { ["pond"] = "B7", ["mass_g"] = "4.2" } }).ToArray(),
            }).ToArray(),
        };
        var report = PoseData.Save(tagged, Path.Combine(folder.Path, "src", "labels.json"), LabelFormat.Coco);
        Assert.True(report.IsLossless);
        Assert.Equal(0, report.CopiedImages);
        var read = PoseData.Load(report.OutputPath);
        TestData.AssertSameLabels(original, read, keepsOccluded: true);
        var first = read.Images[0].Instances[0];
        Assert.Equal("N0", first.Individual);
        Assert.Equal("B7", first.Attributes["pond"]);
        Assert.Equal("4.2", first.Attributes["mass_g"]);
        Assert.Equal(new BoundingBox(1.25, 2.5, 30, 40), first.Box);
        Assert.Equal(original.Skeleton.SwapPairs, read.Skeleton.SwapPairs);
        Assert.Equal(2, read.Images[3].Instances.Count);
    }

    [Fact]
    public void Existing_labels_are_not_overwritten_unless_asked()
    {
        using var folder = new TempFolder();
        var dataset = TestData.Newts(folder);
        var path = Path.Combine(folder.Path, "src", "labels.json");
        PoseData.Save(dataset, path, LabelFormat.Coco);
        var before = File.ReadAllText(path);
        Assert.Throws<IOException>(() => PoseData.Save(dataset with { Images = dataset.Images.Take(1).ToArray() }, path, LabelFormat.Coco));
        Assert.Equal(before, File.ReadAllText(path));
        PoseData.Save(dataset with { Images = dataset.Images.Take(1).ToArray() }, path, LabelFormat.Coco, overwrite: true);
        Assert.Single(PoseData.Load(path).Images);
    }

    [Fact]
    public void Writers_refuse_image_names_that_leave_the_output_folder()
    {
        using var folder = new TempFolder();
        var dataset = TestData.Newts(folder);
        var evil = dataset with { Images = [dataset.Images[0] with { Path = "../../escaped.png" }] };
        var e = Assert.Throws<DatasetFormatException>(() => PoseData.Save(evil, Path.Combine(folder.Path, "out"), LabelFormat.Yolo));
        Assert.Contains("escapes the dataset folder", e.Message);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "out")));
        Assert.False(File.Exists(Path.Combine(folder.Path, "escaped.png")));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(folder.Path)!, "escaped.png")));
    }
}
