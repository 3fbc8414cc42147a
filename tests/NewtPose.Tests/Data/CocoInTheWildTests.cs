using NewtPose.Data;

namespace NewtPose.Tests.Data;

/// <summary>COCO files as public animal-pose datasets converted by common toolkits write them.</summary>
public class CocoInTheWildTests
{
    private static string Json(string categories, string annotations) => $$"""
        {"images": [{"id": 1, "file_name": "a.jpg", "width": 100, "height": 80}, {"id": 2, "file_name": "b.jpg", "width": 100, "height": 80}],
         "annotations": [{{annotations}}],
         "categories": [{{categories}}]}
        """;

    private const string ThreeNames = "\"keypoints\": [\"nose\", \"L_Eye\", \"R_Eye\"]";

    [Fact]
    public void Zero_based_skeleton_pairs_are_detected_accepted_and_reported()
    {
        using var folder = new TempFolder();
        var path = folder.File("ap.json", Json($$"""{"id": 1, "name": "dog", {{ThreeNames}}, "skeleton": [[1, 0], [2, 0]]}""",
            """{"id": 1, "image_id": 1, "category_id": 1, "keypoints": [50, 10, 2, 40, 20, 2, 60, 20, 2]}"""));
        var d = PoseData.Load(path);
        Assert.Equal([new Edge(1, 0), new Edge(2, 0)], d.Skeleton.Edges);
        Assert.Contains(d.Warnings, w => w.Contains("categories[0].skeleton uses 0-based keypoint indices"));
        var summary = NewtPose.Data.Inspection.DatasetInspector.Inspect(d, LabelFormat.Coco);
        Assert.Contains(summary.Warnings, w => w.Contains("0-based"));
    }

    [Fact]
    public void Ambiguous_pairs_stay_one_based_and_impossible_ones_are_refused()
    {
        using var folder = new TempFolder();
        var ambiguous = PoseData.Load(folder.File("a.json", Json($$"""{"id": 1, "name": "dog", {{ThreeNames}}, "skeleton": [[1, 2]]}""", "")));
        Assert.Equal([new Edge(0, 1)], ambiguous.Skeleton.Edges);
        Assert.DoesNotContain(ambiguous.Warnings, w => w.Contains("0-based"));
        var e = Assert.Throws<DatasetFormatException>(() => PoseData.Load(folder.File("b.json", Json($$"""{"id": 1, "name": "dog", {{ThreeNames}}, "skeleton": [[0, 3]]}""", ""))));
        Assert.Contains("categories[0].skeleton[0]", e.Message);
        Assert.Contains("[0, 3]", e.Message);
    }

    [Fact]
    public void One_category_per_species_with_one_keypoint_list_is_one_skeleton_with_the_species_kept()
    {
        using var folder = new TempFolder();
        var path = folder.File("ap10k.json", Json(
            $$"""{"id": 1, "name": "dog", {{ThreeNames}}, "skeleton": [[1, 2]]}, {"id": 7, "name": "cat", {{ThreeNames}}, "skeleton": [[1, 2]]}""",
            """
            {"id": 1, "image_id": 1, "category_id": 1, "keypoints": [50, 10, 2, 40, 20, 2, 60, 20, 2]},
            {"id": 2, "image_id": 2, "category_id": 7, "keypoints": [51, 11, 2, 41, 21, 2, 61, 21, 1]}
            """));
        var d = PoseData.Load(path);
        Assert.Equal(["nose", "L_Eye", "R_Eye"], d.Skeleton.Keypoints);
        Assert.Equal("dog", d.Images[0].Instances[0].Attributes["category"]);
        Assert.Equal("cat", d.Images[1].Instances[0].Attributes["category"]);

        // Written back as one category per species, each annotation under its own.
        var back = PoseData.Load(PoseData.Save(d, Path.Combine(folder.Path, "out.json"), LabelFormat.Coco).OutputPath);
        Assert.Equal(["dog", "cat"], back.Instances.Select(i => i.Attributes["category"]));
        Assert.Contains("\"name\":\"cat\"", File.ReadAllText(Path.Combine(folder.Path, "out.json")));
        Assert.DoesNotContain("\"category\":", File.ReadAllText(Path.Combine(folder.Path, "out.json")));
    }

    [Fact]
    public void Categories_with_different_keypoint_lists_are_refused_with_a_list_and_one_can_be_picked()
    {
        using var folder = new TempFolder();
        var path = folder.File("mixed.json", Json(
            $$"""{"id": 1, "name": "dog", {{ThreeNames}}}, {"id": 2, "name": "bird", "keypoints": ["beak", "tail"]}""",
            """
            {"id": 1, "image_id": 1, "category_id": 1, "keypoints": [50, 10, 2, 40, 20, 2, 60, 20, 2]},
            {"id": 2, "image_id": 2, "category_id": 2, "keypoints": [5, 6, 2, 7, 8, 2]},
            {"id": 3, "image_id": 1, "category_id": 2, "keypoints": [9, 9, 2, 8, 8, 2]}
            """));
        var e = Assert.Throws<DatasetFormatException>(() => PoseData.Load(path));
        Assert.Contains("different keypoint lists", e.Message);
        Assert.Contains("'dog' (3 keypoints: nose, L_Eye, R_Eye)", e.Message);
        Assert.Contains("'bird' (2 keypoints: beak, tail)", e.Message);
        Assert.Contains("--category NAME", e.Message);

        var birds = PoseData.Load(path, options: new PoseLoadOptions(Category: "bird"));
        Assert.Equal(["beak", "tail"], birds.Skeleton.Keypoints);
        Assert.Equal(2, birds.Instances.Count());
        Assert.Contains(birds.Warnings, w => w.Contains("1 annotations of other keypoint categories were not read (1 of 'dog')"));
        var unknown = Assert.Throws<DatasetFormatException>(() => PoseData.Load(path, options: new PoseLoadOptions(Category: "fish")));
        Assert.Contains("no keypoint category is named 'fish'", unknown.Message);
    }

    [Fact]
    public void Mmpose_extra_fields_are_kept_and_flip_pairs_become_swap_pairs()
    {
        using var folder = new TempFolder();
        var path = folder.File("animalpose.json", Json(
            $$"""{"id": 1, "name": "cow", "supercategory": "animal", {{ThreeNames}}, "skeleton": [[1, 2], [1, 3]], "flip_pairs": [[1, 2]], "upper_body_ids": [0, 1, 2], "lower_body_ids": [], "keypoint_info": {"0": {"name": "nose"} } }""",
            """
            {"id": 1, "image_id": 1, "category_id": 1, "keypoints": [50, 10, 2, 40, 20, 2, 60, 20, 2], "iscrowd": 0, "area": 400.5,
             "segmentation": [[1, 2, 3, 4, 5, 6]], "bbox": [30, 5, 40, 20]},
            {"id": 2, "image_id": 2, "category_id": 1, "keypoints": [0, 0, 0, 0, 0, 0, 0, 0, 0], "iscrowd": 1, "segmentation": [], "num_keypoints": 0}
            """));
        var d = PoseData.Load(path);
        Assert.Equal([new SwapPair(1, 2)], d.Skeleton.SwapPairs);
        var first = d.Images[0].Instances[0];
        Assert.Equal("[[1, 2, 3, 4, 5, 6]]", first.Attributes["segmentation"]);
        Assert.False(first.Attributes.ContainsKey("iscrowd"));
        Assert.Equal("1", d.Images[1].Instances[0].Attributes["iscrowd"]);
        Assert.False(d.Images[1].Instances[0].Attributes.ContainsKey("segmentation"));
        // iscrowd and segmentation survive a COCO round trip.
        var text = File.ReadAllText(PoseData.Save(d, Path.Combine(folder.Path, "out.json"), LabelFormat.Coco).OutputPath);
        Assert.Contains("\"iscrowd\":1", text);
        Assert.Contains("\"segmentation\":[[1,2,3,4,5,6]]", text);
    }
}
