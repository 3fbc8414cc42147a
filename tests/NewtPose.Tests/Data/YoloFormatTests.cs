using NewtPose.Data;

namespace NewtPose.Tests.Data;

public class YoloFormatTests
{
    [Fact]
    public void Reads_k_by_3_labels_with_names_flip_idx_and_image_sizes_from_headers()
    {
        using var folder = new TempFolder();
        folder.Png("images/train/a.png", 200, 100);
        folder.Png("images/val/b.png", 50, 40);
        folder.File("labels/train/a.txt", "0 0.5 0.5 0.5 0.4 0.25 0.5 2 0.75 0.5 1 0 0 0\n");
        folder.File("data.yaml", """
            train: images/train
            val: images/val
            kpt_shape: [3, 3]
            flip_idx: [1, 0, 2]
            names: {0: newt}
            kpt_names: {0: [left_eye, right_eye, snout]}
            """);
        var d = PoseData.Load(folder.Path);
        Assert.Equal(["left_eye", "right_eye", "snout"], d.Skeleton.Keypoints);
        Assert.Equal([new SwapPair(0, 1)], d.Skeleton.SwapPairs);
        Assert.Equal(["images/train/a.png", "images/val/b.png"], d.Images.Select(i => i.Path));
        var a = d.Images[0].Instances.Single();
        Assert.Equal(new Keypoint(50, 50, Visibility.Visible), a.Keypoints[0]);
        Assert.Equal(new Keypoint(150, 50, Visibility.Occluded), a.Keypoints[1]);
        Assert.Equal(Keypoint.Missing, a.Keypoints[2]);
        Assert.Equal(new BoundingBox(50, 30, 100, 40), a.Box);
        Assert.Empty(d.Images[1].Instances);
    }

    [Fact]
    public void Reads_k_by_2_labels_where_zero_zero_is_not_labelled()
    {
        using var folder = new TempFolder();
        folder.Png("images/train/a.png", 100, 100);
        folder.File("labels/train/a.txt", "0 0.5 0.5 0.5 0.5 0.1 0.2 0 0\n");
        folder.File("data.yaml", "train: images/train\nval: images/train\nkpt_shape: [2, 2]\n");
        var d = PoseData.Load(Path.Combine(folder.Path, "data.yaml"));
        Assert.Equal(["kp0", "kp1"], d.Skeleton.Keypoints);
        Assert.Equal(new Keypoint(10, 20, Visibility.Visible), d.Images[0].Instances[0].Keypoints[0]);
        Assert.False(d.Images[0].Instances[0].Keypoints[1].IsLabeled);
    }

    [Fact]
    public void A_flip_idx_that_is_not_an_involution_is_a_warning_and_its_broken_entries_are_ignored()
    {
        using var folder = new TempFolder();
        folder.Png("images/train/a.png", 10, 10);
        folder.File("data.yaml", "train: images/train\nval: images/train\nkpt_shape: [4, 3]\nflip_idx: [1, 0, 3, 1]\n");
        var d = PoseData.Load(folder.Path);
        Assert.Equal([new SwapPair(0, 1)], d.Skeleton.SwapPairs);
        Assert.Contains(d.Warnings, w => w.Contains("data.yaml") && w.Contains("flip_idx is not an involution") && w.Contains("2->3"));
    }

    [Fact]
    public void An_identity_flip_idx_over_left_right_names_is_a_warning()
    {
        using var folder = new TempFolder();
        folder.Png("images/train/a.png", 10, 10);
        folder.File("data.yaml", "train: images/train\nval: images/train\nkpt_shape: [2, 3]\nflip_idx: [0, 1]\nkpt_names: {0: [left_ear, right_ear]}\n");
        var d = PoseData.Load(folder.Path);
        Assert.Contains(d.Warnings, w => w.Contains("flip_idx is the identity but the names suggest left/right pairs (left_ear/right_ear)"));
    }

    [Fact]
    public void Label_files_without_an_image_are_reported()
    {
        using var folder = new TempFolder();
        folder.Png("images/train/a.png", 10, 10);
        folder.File("labels/train/ghost.txt", "0 0.5 0.5 0.1 0.1 0.5 0.5 2\n");
        folder.File("data.yaml", "train: images/train\nval: images/train\nkpt_shape: [1, 3]\n");
        var d = PoseData.Load(folder.Path);
        Assert.Contains(d.Warnings, w => w.Contains("1 label files have no image") && w.Contains("ghost.txt"));
    }

    [Fact]
    public void Writes_data_yaml_with_kpt_shape_flip_idx_and_names()
    {
        using var folder = new TempFolder();
        var dataset = TestData.Newts(folder);
        PoseData.Save(dataset, Path.Combine(folder.Path, "yolo"), LabelFormat.Yolo);
        var yaml = File.ReadAllText(Path.Combine(folder.Path, "yolo", "data.yaml"));
        Assert.Contains("kpt_shape: [6, 3]", yaml);
        Assert.Contains("flip_idx: [1, 0, 2, 4, 3, 5]", yaml);
        Assert.Contains("- 'left_eye'", yaml);
        string Side(string relative) => File.Exists(Path.Combine(folder.Path, "yolo", "images", "train", relative)) ? "train" : "val";
        Assert.True(File.Exists(Path.Combine(folder.Path, "yolo", "images", Side("photos/day0/newt0.png"), "photos", "day0", "newt0.png")));
        var label = File.ReadAllLines(Path.Combine(folder.Path, "yolo", "labels", Side("photos/day1/newt3.png"), "photos", "day1", "newt3.txt"));
        Assert.Equal(2, label.Length);
        Assert.All(label, l => Assert.Equal(5 + 6 * 3, l.Split(' ').Length));
    }
}
