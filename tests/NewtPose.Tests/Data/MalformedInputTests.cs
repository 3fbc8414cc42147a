using NewtPose.Data;

namespace NewtPose.Tests.Data;

/// <summary>Every file under Fixtures/malformed is rejected with a message naming the file, the place and the problem.</summary>
public class MalformedInputTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "malformed", name);

    [Theory]
    [InlineData("coco_invalid_json.json", "coco_invalid_json.json", "line 2, column", "invalid JSON")]
    [InlineData("coco_not_object.json", "coco_not_object.json", null, "expected a JSON object")]
    [InlineData("coco_no_categories.json", "coco_no_categories.json", "categories", "missing or not a list")]
    [InlineData("coco_no_keypoint_category.json", "coco_no_keypoint_category.json", "categories", "no category has a 'keypoints' list")]
    [InlineData("coco_keypoints_length.json", "coco_keypoints_length.json", "annotations[0]", "expected 3 x 3 = 9")]
    [InlineData("coco_unknown_image.json", "coco_unknown_image.json", "annotations[0]", "image_id 7 names no image")]
    [InlineData("coco_duplicate_image_id.json", "coco_duplicate_image_id.json", "images[1]", "duplicate image id 1")]
    [InlineData("coco_duplicate_annotation_id.json", "coco_duplicate_annotation_id.json", "annotations[1]", "duplicate annotation id 1")]
    [InlineData("coco_visibility_3.json", "coco_visibility_3.json", "keypoint 1 'right_eye'", "visibility 3 is outside {0, 1, 2}")]
    [InlineData("coco_visibility_fraction.json", "coco_visibility_fraction.json", "keypoint 0 'left_eye'", "visibility 1.5 is outside")]
    [InlineData("coco_negative_visibility.json", "coco_negative_visibility.json", "keypoint 0", "visibility -1 is outside")]
    [InlineData("coco_string_coordinate.json", "coco_string_coordinate.json", "annotations[0].keypoints[1]", "expected a number")]
    [InlineData("coco_infinite_coordinate.json", "coco_infinite_coordinate.json", "annotations[0], keypoint 0", "not a finite number")]
    [InlineData("coco_far_outside.json", "coco_far_outside.json", "keypoint 1 'right_eye' (image 'a.png')", "far outside its 100x80 image")]
    [InlineData("coco_absolute_path.json", "coco_absolute_path.json", "images[0]", "is absolute")]
    [InlineData("coco_dotdot_path.json", "coco_dotdot_path.json", "images[0]", "escapes the dataset folder")]
    [InlineData("coco_missing_file_name.json", "coco_missing_file_name.json", "images[0]", "has no 'file_name'")]
    [InlineData("coco_duplicate_keypoint_name.json", "coco_duplicate_keypoint_name.json", "categories[0].keypoints", "'snout' appears twice")]
    [InlineData("coco_bad_skeleton.json", "coco_bad_skeleton.json", "categories[0].skeleton[0]", "1-based keypoint indices")]
    [InlineData("coco_duplicate_file_name.json", "coco_duplicate_file_name.json", "images[1]", "'a.png' appears twice")]
    [InlineData("coco_annotation_without_keypoints.json", "coco_annotation_without_keypoints.json", "annotations[0]", "has no 'keypoints' list")]
    [InlineData("dlc_no_scorer.csv", "dlc_no_scorer.csv", "line 1", "starting with 'scorer'")]
    [InlineData("dlc_no_coords.csv", "dlc_no_coords.csv", "line", "no 'coords' header row")]
    [InlineData("dlc_ragged_long.csv", "dlc_ragged_long.csv", "line 5", "ragged row: 7 cells, the header has 5")]
    [InlineData("dlc_header_width.csv", "dlc_header_width.csv", "line 2", "header row has 4 cells, the scorer row has 5")]
    [InlineData("dlc_bad_coord.csv", "dlc_bad_coord.csv", "line 3", "coords is 'z'")]
    [InlineData("dlc_x_without_y.csv", "dlc_x_without_y.csv", "line 4, bodypart 'tail'", "x and y must both be labelled or both be empty")]
    [InlineData("dlc_not_a_number.csv", "dlc_not_a_number.csv", "line 4, bodypart 'snout' y", "'two' is not a number")]
    [InlineData("dlc_infinite.csv", "dlc_infinite.csv", "line 4, bodypart 'tail' x", "not a finite number")]
    [InlineData("dlc_dotdot_path.csv", "dlc_dotdot_path.csv", "line 4", "escapes the dataset folder")]
    [InlineData("dlc_absolute_path.csv", "dlc_absolute_path.csv", "line 4", "is absolute")]
    [InlineData("dlc_duplicate_image.csv", "dlc_duplicate_image.csv", "line 5", "is labelled twice")]
    [InlineData("dlc_missing_y_column.csv", "dlc_missing_y_column.csv", "line 3", "'tail' has 1 x and 0 y columns")]
    [InlineData("yolo_no_kpt_shape", "data.yaml", "kpt_shape", "not a YOLO pose dataset")]
    [InlineData("yolo_invalid_yaml", "data.yaml", null, "invalid YAML")]
    [InlineData("yolo_wrong_count", "a.txt", "line 1", "10 values, expected 5 + 2 x 3 = 11")]
    [InlineData("yolo_visibility", "a.txt", "line 1, keypoint 1 'tail'", "visibility 7 is outside")]
    [InlineData("yolo_nan", "a.txt", "line 1, value 6", "'nan' is not a finite number")]
    [InlineData("yolo_far_outside", "a.txt", "line 1, keypoint 1 'tail'", "far outside its 64x48 image")]
    [InlineData("yolo_escaping_split", "data.yaml", "split '../../../outside/images'", "escapes the dataset folder")]
    [InlineData("yolo_bad_class", "a.txt", "line 1", "class 3 is not one of 0..0")]
    [InlineData("yolo_kpt_names_count", "data.yaml", "kpt_names", "2 names for kpt_shape K = 3")]
    [InlineData("yolo_duplicate_kpt_names", "data.yaml", "kpt_names", "'snout' appears twice")]
    [InlineData("coco_bad_swap_pair.json", "coco_bad_swap_pair.json", "categories[0].swap_pairs[0]", "naming two different keypoints")]
    public void Malformed_input_is_rejected_naming_file_place_and_problem(string fixture, string file, string? location, string problem)
    {
        var e = Assert.Throws<DatasetFormatException>(() => PoseData.Load(Fixture(fixture)));
        Assert.EndsWith(file, e.File);
        Assert.Contains(file, e.Message);
        if (location is not null) Assert.Contains(location, e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void The_corpus_holds_at_least_25_malformed_inputs()
    {
        var entries = Directory.GetFileSystemEntries(Path.Combine(AppContext.BaseDirectory, "Fixtures", "malformed"));
        Assert.True(entries.Length >= 25, $"only {entries.Length} malformed fixtures");
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var path = Fixture("no_such_file.json");
        var e = Assert.Throws<FileNotFoundException>(() => PoseData.Load(path));
        Assert.Equal($"not found: {path}", e.Message);
    }
}
