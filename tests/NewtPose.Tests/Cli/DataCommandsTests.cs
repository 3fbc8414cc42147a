using System.Text.Json;
using NewtPose.Data;
using NewtPose.Tests.Data;

namespace NewtPose.Tests.Cli;

public class DataCommandsTests
{
    private static string Malformed(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "malformed", name);

    [Fact]
    public void Inspect_json_prints_one_object_with_the_documented_fields()
    {
        using var folder = new TempFolder();
        var report = PoseData.Save(TestData.Newts(folder), Path.Combine(folder.Path, "src", "labels.json"), LabelFormat.Coco);
        var (exit, output, error) = CliRunner.Run("inspect", report.OutputPath, "--json");
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        foreach (var field in new[] { "format", "images", "labeled_images", "instances", "keypoints", "labeled_points", "missing_points",
                     "occluded_points", "missing_image_files", "image_size_min", "image_size_max", "swap_pairs", "warnings" })
            Assert.True(root.TryGetProperty(field, out _), field);
        Assert.Equal("coco", root.GetProperty("format").GetString());
        Assert.Equal(6, root.GetProperty("images").GetInt32());
        Assert.Equal("left_eye", root.GetProperty("swap_pairs")[0][0].GetString());
    }

    [Fact]
    public void Inspect_without_json_prints_a_table_and_bad_input_exits_non_zero_with_one_line()
    {
        using var folder = new TempFolder();
        var report = PoseData.Save(TestData.Newts(folder), Path.Combine(folder.Path, "src", "labels.json"), LabelFormat.Coco);
        var (exit, output, _) = CliRunner.Run("inspect", report.OutputPath);
        Assert.Equal(0, exit);
        Assert.Contains("images              6 (5 labelled, 0 files missing)", output);

        var bad = CliRunner.Run("inspect", Malformed("coco_visibility_3.json"));
        Assert.Equal(1, bad.Exit);
        Assert.Contains("coco_visibility_3.json", bad.Error);
        Assert.Contains("visibility 3 is outside", bad.Error);
        Assert.Single(bad.Error.Trim().Split('\n'));
        Assert.Equal(2, CliRunner.Run("inspect", report.OutputPath, "--format", "xml").Exit); // a wrong command line
    }

    [Fact]
    public void Convert_writes_the_target_and_reports_losses()
    {
        using var folder = new TempFolder();
        var report = PoseData.Save(TestData.Newts(folder), Path.Combine(folder.Path, "src", "labels.json"), LabelFormat.Coco);
        var output = Path.Combine(folder.Path, "dlc");
        var (exit, stdout, _) = CliRunner.Run("convert", "--input", report.OutputPath, "--output", output, "--to", "dlc");
        Assert.Equal(0, exit);
        Assert.Contains("wrote dlc labels", stdout);
        Assert.Contains("not kept: ", stdout);
        Assert.Equal(5, PoseData.Load(output).Images.Count(i => i.IsLabeled));
        // A second run refuses to overwrite, and says how to.
        var again = CliRunner.Run("convert", "--input", report.OutputPath, "--output", output, "--to", "dlc");
        Assert.Equal(1, again.Exit);
        Assert.Contains("--force", again.Error);
    }

    [Fact]
    public void Convert_writes_nothing_when_the_input_is_invalid()
    {
        using var folder = new TempFolder();
        var output = Path.Combine(folder.Path, "out");
        var (exit, _, error) = CliRunner.Run("convert", "--input", Malformed("dlc_ragged_long.csv"), "--output", output, "--to", "yolo");
        Assert.Equal(1, exit);
        Assert.Contains("dlc_ragged_long.csv: line 5: ragged row", error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Split_writes_a_repeatable_json()
    {
        using var folder = new TempFolder();
        var report = PoseData.Save(TestData.Newts(folder), Path.Combine(folder.Path, "src", "labels.json"), LabelFormat.Coco);
        var out1 = Path.Combine(folder.Path, "s1.json");
        var out2 = Path.Combine(folder.Path, "s2.json");
        Assert.Equal(0, CliRunner.Run("split", report.OutputPath, "--seed", "5", "--val", "0.4", "--group-by", "individual", "--out", out1).Exit);
        Assert.Equal(0, CliRunner.Run("split", report.OutputPath, "--seed", "5", "--val", "0.4", "--group-by", "individual", "--out", out2).Exit);
        Assert.Equal(File.ReadAllText(out1), File.ReadAllText(out2));
        // An existing split is not overwritten without --force.
        var again = CliRunner.Run("split", report.OutputPath, "--seed", "6", "--out", out1);
        Assert.Equal(1, again.Exit);
        Assert.Contains($"{out1} already exists (a split file); pass --force", again.Error);
        Assert.Equal(File.ReadAllText(out2), File.ReadAllText(out1));
        Assert.Equal(0, CliRunner.Run("split", report.OutputPath, "--seed", "6", "--out", out1, "--force").Exit);
        Assert.NotEqual(File.ReadAllText(out2), File.ReadAllText(out1));

        var bad = CliRunner.Run("split", report.OutputPath, "--seed", "5", "--val", "1.5", "--out", Path.Combine(folder.Path, "s3.json"));
        Assert.Equal(1, bad.Exit);
        Assert.Contains("Fractions", bad.Error);
    }

    [Fact]
    public void User_swap_pairs_replace_the_inferred_ones_and_are_checked()
    {
        using var folder = new TempFolder();
        var report = PoseData.Save(TestData.Newts(folder), Path.Combine(folder.Path, "src", "labels.json"), LabelFormat.Coco);
        var (exit, output, _) = CliRunner.Run("inspect", report.OutputPath, "--json", "--swap-pairs", "left_hand:right_hand");
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var pairs = json.RootElement.GetProperty("swap_pairs");
        Assert.Equal(1, pairs.GetArrayLength());
        Assert.Equal("left_hand", pairs[0][0].GetString());
        var bad = CliRunner.Run("inspect", report.OutputPath, "--swap-pairs", "left_hand:tail");
        Assert.Equal(1, bad.Exit);
        Assert.Contains("not in the skeleton", bad.Error);
    }
}
