using NewtPose.Data;

namespace NewtPose.Tests.Data;

public class CocoFormatTests
{
    // As tools write it: float visibility, a subfolder, extra fields, (0,0,0), wrong num_keypoints, an image without
    // annotations, two animals in one image, v=1.
    private const string Quirky = """
        {"info": {"tool": "x"},
         "images": [{"id": 10, "file_name": "pond A/n1.jpg", "width": 400, "height": 300, "license": 2},
                    {"id": 11, "file_name": "pond A/n2.jpg", "width": 400, "height": 300},
                    {"id": 12, "file_name": "n3.jpg", "width": 400, "height": 300}],
         "annotations": [
           {"id": 1, "image_id": 10, "category_id": 3, "keypoints": [10.5, 20.25, 2.0, 0, 0, 0, 30, 40, 1.0], "num_keypoints": 3,
            "bbox": [5, 6, 70, 80], "individual": "N7", "pond": "A", "score": 0.9, "tags": ["x"]},
           {"id": 2, "image_id": 12, "category_id": 3, "keypoints": [1, 2, 2, 3, 4, 2, 5, 6, 2], "num_keypoints": 3},
           {"id": 3, "image_id": 12, "category_id": 3, "keypoints": [7, 8, 2, 9, 10, 0, 11, 12, 2]}],
         "categories": [{"id": 3, "name": "newt", "keypoints": ["snout", "left_hand", "right_hand"], "skeleton": [[1, 2], [1, 3]]}]}
        """;

    [Fact]
    public void Reads_coco_as_real_tools_write_it()
    {
        using var folder = new TempFolder();
        var path = folder.File("labels.json", Quirky);
        var d = PoseData.Load(path);
        Assert.Equal(["snout", "left_hand", "right_hand"], d.Skeleton.Keypoints);
        Assert.Equal([new Edge(0, 1), new Edge(0, 2)], d.Skeleton.Edges);
        Assert.Equal(3, d.Images.Count);
        Assert.Equal("pond A/n1.jpg", d.Images[0].Path);
        Assert.Empty(d.Images[1].Instances);
        Assert.Equal(2, d.Images[2].Instances.Count);
        var first = d.Images[0].Instances[0];
        Assert.Equal(new Keypoint(10.5, 20.25, Visibility.Visible), first.Keypoints[0]);
        Assert.Equal(Keypoint.Missing, first.Keypoints[1]);
        Assert.Equal(Visibility.Occluded, first.Keypoints[2].Visibility);
        Assert.Equal("N7", first.Individual);
        Assert.Equal("A", first.Attributes["pond"]);
        Assert.Equal("0.9", first.Attributes["score"]);
        Assert.Equal("[\"x\"]", first.Attributes["tags"]);
        Assert.Equal(new BoundingBox(5, 6, 70, 80), first.Box);
        Assert.Contains(d.Warnings, w => w.Contains("1 annotations have a num_keypoints") && w.Contains("annotations[0] says 3, counts 2"));
        Assert.Contains(d.Warnings, w => w.Contains("3 of 3 image files are missing") && w.Contains("pond A/n1.jpg"));
        Assert.Equal([new SwapPair(1, 2)], d.Skeleton.SwapPairs);
    }

    [Fact]
    public void Missing_images_are_a_warning_that_training_can_turn_into_an_error()
    {
        using var folder = new TempFolder();
        var d = PoseData.Load(folder.File("labels.json", Quirky));
        var e = Assert.Throws<DatasetFormatException>(() => DatasetPaths.RequireImageFiles(d));
        Assert.Contains("3 of 3 image files are missing", e.Message);
        Assert.Contains("n3.jpg", e.Message);
    }

    [Fact]
    public void Images_in_an_images_folder_beside_the_json_are_found()
    {
        using var folder = new TempFolder();
        folder.Png("images/pond A/n1.jpg", 400, 300);
        folder.Png("images/pond A/n2.jpg", 400, 300);
        folder.Png("images/n3.jpg", 400, 300);
        var d = PoseData.Load(folder.File("annotations/labels.json", Quirky));
        Assert.Equal(Path.Combine(folder.Path, "images"), d.Root);
        Assert.Empty(DatasetPaths.MissingImageFiles(d));
    }

    [Fact]
    public void Image_sizes_left_out_by_a_tool_come_from_the_image_headers()
    {
        using var folder = new TempFolder();
        folder.Png("a.png", 64, 48);
        var path = folder.File("labels.json", """
            {"images": [{"id": 1, "file_name": "a.png"}], "annotations": [],
             "categories": [{"id": 1, "keypoints": ["snout"]}]}
            """);
        var image = PoseData.Load(path).Images.Single();
        Assert.Equal((64, 48), (image.Width, image.Height));
    }

    [Fact]
    public void A_byte_order_mark_is_accepted()
    {
        using var folder = new TempFolder();
        var path = folder.File("labels.json");
        File.WriteAllText(path, Quirky, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(3, PoseData.Load(path).Images.Count);
    }
}
