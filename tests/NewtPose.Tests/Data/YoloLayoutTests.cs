using NewtPose.Data;
using NewtPose.Data.Splits;

namespace NewtPose.Tests.Data;

/// <summary>YOLO written in the layout Ultralytics expects: images/{train,val}, labels/{train,val}, a data.yaml whose val is not train.</summary>
public class YoloLayoutTests
{
    [Fact]
    public void Without_a_split_file_a_seeded_split_by_individual_gives_different_train_and_val_folders()
    {
        using var folder = new TempFolder();
        var dataset = TestData.Newts(folder);
        var report = PoseData.Save(dataset, Path.Combine(folder.Path, "yolo"), LabelFormat.Yolo);
        var yaml = File.ReadAllLines(Path.Combine(folder.Path, "yolo", "data.yaml"));
        Assert.Contains("train: images/train", yaml);
        Assert.Contains("val: images/val", yaml);
        Assert.Contains(report.Notes, n => n.Contains("seeded split (seed 0, 20 % of the labelled images to val, whole individuals to one side)"));

        var read = PoseData.Load(Path.Combine(folder.Path, "yolo", "data.yaml"));
        var train = read.Images.Where(i => i.Path.StartsWith("images/train/", StringComparison.Ordinal)).ToArray();
        var val = read.Images.Where(i => i.Path.StartsWith("images/val/", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(train);
        Assert.NotEmpty(val);
        Assert.Equal(dataset.Images.Count, train.Length + val.Length);
        // Each labelled image's label file sits in the labels folder of its own side.
        Assert.All(read.Images.Where(i => i.IsLabeled), i => Assert.True(File.Exists(Path.Combine(folder.Path, "yolo", NewtPose.Data.Formats.Yolo.YoloFormat.LabelPath(i.Path)))));
        // No individual on both sides: match images back to the source by file name.
        var individuals = dataset.Images.ToDictionary(i => Path.GetFileName(i.Path), i => i.Instances.Select(x => x.Individual).ToHashSet());
        var trainIds = train.SelectMany(i => individuals[Path.GetFileName(i.Path)]).ToHashSet();
        Assert.All(val.SelectMany(i => individuals[Path.GetFileName(i.Path)]), id => Assert.DoesNotContain(id, trainIds));
    }

    [Fact]
    public void A_split_file_decides_the_sides()
    {
        using var folder = new TempFolder();
        var dataset = TestData.Newts(folder);
        var split = DatasetSplit.FromLists(["photos/day0/newt0.png", "photos/day1/newt1.png"], ["photos/day0/newt2.png"], ["photos/day1/newt3.png"]);
        var report = PoseData.Save(dataset, Path.Combine(folder.Path, "yolo"), LabelFormat.Yolo, split: split);
        Assert.Contains(report.Notes, n => n.Contains("from the split given") && n.Contains("images it does not list went to train"));
        var yolo = Path.Combine(folder.Path, "yolo");
        Assert.True(File.Exists(Path.Combine(yolo, "images", "val", "photos", "day0", "newt2.png")));
        Assert.True(File.Exists(Path.Combine(yolo, "labels", "val", "photos", "day0", "newt2.txt")));
        Assert.True(File.Exists(Path.Combine(yolo, "images", "test", "photos", "day1", "newt3.png")));
        Assert.True(File.Exists(Path.Combine(yolo, "images", "train", "photos", "day1", "newt5.png")));
        Assert.Contains("test: images/test", File.ReadAllLines(Path.Combine(yolo, "data.yaml")));
    }

    [Fact]
    public void Coco_to_yolo_to_coco_keeps_every_point_and_the_paths_do_not_nest()
    {
        using var folder = new TempFolder();
        var newts = TestData.Newts(folder);
        // COCO files usually name their photos images/<file>.
        var flat = newts with { Images = newts.Images.Select(i => i with { Path = "images/" + Path.GetFileName(i.Path) }).ToArray() };
        Directory.CreateDirectory(Path.Combine(folder.Path, "src", "images"));
        foreach (var i in newts.Images) File.Copy(newts.FullPath(i), Path.Combine(folder.Path, "src", "images", Path.GetFileName(i.Path)));
        var coco = PoseData.Load(PoseData.Save(flat, Path.Combine(folder.Path, "coco", "labels.json"), LabelFormat.Coco).OutputPath);

        PoseData.Save(coco, Path.Combine(folder.Path, "yolo"), LabelFormat.Yolo);
        var yolo = PoseData.Load(Path.Combine(folder.Path, "yolo"));
        Assert.All(yolo.Images, i => Assert.Matches("^images/(train|val)/newt[0-9]\\.png$", i.Path));
        var back = PoseData.Load(PoseData.Save(yolo, Path.Combine(folder.Path, "back", "labels.json"), LabelFormat.Coco).OutputPath);
        Assert.All(back.Images, i => Assert.Matches("^images/(train|val)/newt[0-9]\\.png$", i.Path));
        Assert.All(back.Images, i => Assert.True(File.Exists(back.FullPath(i)), i.Path));

        var byName = back.Images.ToDictionary(i => Path.GetFileName(i.Path));
        TestData.AssertSameLabels(flat, back with { Images = flat.Images.Select(i => byName[Path.GetFileName(i.Path)]).ToArray() }, keepsOccluded: true);

        // YOLO → YOLO keeps the sides the paths name.
        var again = PoseData.Save(back, Path.Combine(folder.Path, "yolo2"), LabelFormat.Yolo);
        Assert.Contains(again.Notes, n => n.Contains("kept from the image paths"));
        Assert.Equal(yolo.Images.Select(i => i.Path).Order(), PoseData.Load(Path.Combine(folder.Path, "yolo2")).Images.Select(i => i.Path).Order());
    }

    [Fact]
    public void Roboflow_paths_keep_their_side_without_nesting()
    {
        using var folder = new TempFolder();
        folder.Png("src/train/images/a.png", 40, 30);
        folder.Png("src/valid/images/b.png", 40, 30);
        var point = new PoseInstance([new Keypoint(10, 10, Visibility.Visible), new Keypoint(20, 15, Visibility.Visible)]);
        var dataset = new PoseDataset(new Skeleton(["head", "tail"]),
            [new LabeledImage("train/images/a.png", 40, 30, [point]), new LabeledImage("valid/images/b.png", 40, 30, [point])], Path.Combine(folder.Path, "src"));
        var report = PoseData.Save(dataset, Path.Combine(folder.Path, "yolo"), LabelFormat.Yolo);
        Assert.Contains(report.Notes, n => n.Contains("kept from the image paths") && n.Contains("1 train, 1 val"));
        Assert.Equal(["images/train/a.png", "images/val/b.png"], PoseData.Load(Path.Combine(folder.Path, "yolo")).Images.Select(i => i.Path));
    }
}
