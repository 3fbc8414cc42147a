using NewtPose.Data;
using NewtPose.Data.Formats.Coco;
using NewtPose.Data.Inspection;
using NewtPose.Tests.Cli;

namespace NewtPose.Tests.Data;

public sealed class ViewSuggestionTests
{
    /// <summary>Photos of 400×400 with the "_top" points in rows 20–140 and the "_bot" points in rows 260–380 (or columns, <paramref name="sideBySide"/>).</summary>
    private static PoseDataset Rig(string[] names, bool sideBySide = false, double gap = 120)
    {
        var random = new Random(3);
        var images = Enumerable.Range(0, 6).Select(i =>
        {
            var points = names.Select(n =>
            {
                var first = !n.EndsWith("bot", StringComparison.Ordinal) && !n.EndsWith("cam2", StringComparison.Ordinal);
                var along = 20 + random.NextDouble() * 120 + (first ? 0 : 120 + gap);
                var across = 30 + random.NextDouble() * 340;
                return sideBySide ? new Keypoint(along, across, Visibility.Visible) : new Keypoint(across, along, Visibility.Visible);
            }).ToArray();
            return new LabeledImage($"f{i}.png", 400, 400, [new PoseInstance(points)]);
        }).ToArray();
        return new PoseDataset(new Skeleton(names), images, "/rig");
    }

    [Fact]
    public void Keypoints_with_view_suffixes_in_separate_bands_give_one_view_per_band_with_the_gap_shared()
    {
        var views = ViewSuggestion.Suggest(Rig(["nose_top", "paw_top", "nose_bot", "paw_bot"]));

        Assert.NotNull(views);
        Assert.Equal(["top", "bot"], views.Select(v => v.Name));
        Assert.Equal(["nose_top", "paw_top"], views[0].Keypoints);
        Assert.Equal(["nose_bot", "paw_bot"], views[1].Keypoints);
        Assert.Equal([0, 0, 1], views[0].Region.Take(3));
        // The cut lies between the top band's lowest point and the bottom band's highest: 140 and 260 px of 400 at most.
        Assert.InRange(views[0].Region[3], 0.3, 0.7);
        Assert.Equal(1, views[1].Region[1] + views[1].Region[3], 6);
        Assert.Equal(views[0].Region[3], views[1].Region[1], 6);
        // What train --config reads: the suggestion validates against the skeleton.
        ViewRegions.Owners(views, new Skeleton(["nose_top", "paw_top", "nose_bot", "paw_bot"]));
        Assert.StartsWith("{\"views\":[{\"name\":\"top\",\"keypoints\":[\"nose_top\"", ViewSuggestion.ToOptionsJson(views));
    }

    [Fact]
    public void Side_by_side_views_are_cut_into_columns()
    {
        var views = ViewSuggestion.Suggest(Rig(["a_cam1", "b_cam1", "a_cam2", "b_cam2"], sideBySide: true));
        Assert.NotNull(views);
        Assert.Equal(["cam1", "cam2"], views.Select(v => v.Name));
        Assert.Equal(0, views[0].Region[1]);
        Assert.Equal(1, views[0].Region[3]);
        Assert.Equal(views[0].Region[2], views[1].Region[0], 6);
    }

    [Fact]
    public void No_views_are_suggested_without_view_suffixes_for_every_keypoint_or_when_the_views_share_a_band()
    {
        Assert.Null(ViewSuggestion.Suggest(Rig(["nose", "left_paw", "right_paw"])));
        Assert.Null(ViewSuggestion.Suggest(Rig(["nose_top", "paw_top", "tail"])));
        Assert.Null(ViewSuggestion.Suggest(Rig(["nose_top", "paw_top"])));
        // Overlapping bands: the bottom view's points reach into the top view's rows.
        Assert.Null(ViewSuggestion.Suggest(Rig(["nose_top", "paw_top", "nose_bot", "paw_bot"], gap: -100)));
        Assert.Equal("top", ViewSuggestion.ViewOf("paw1LH_top"));
        Assert.Null(ViewSuggestion.ViewOf("left_eye"));
        Assert.Null(ViewSuggestion.ViewOf("right"));
    }

    [Fact]
    public void Inspect_suggests_the_views_as_an_options_file_field()
    {
        using var temp = new TempFolder();
        var labels = Path.Combine(temp.Path, "rig.json");
        CocoFormat.Write(Rig(["nose_top", "paw_top", "nose_bot", "paw_bot"]) with { Root = temp.Path }, labels);

        var (exit, output, _) = CliRunner.Run("inspect", labels);
        Assert.Equal(0, exit);
        Assert.Contains("views               a multi-view rig: the keypoints' suffixes name 2 views", output);
        Assert.Contains("{\"views\":[{\"name\":\"top\"", output);

        var json = CliRunner.Run("inspect", labels, "--json");
        var views = System.Text.Json.JsonDocument.Parse(json.Out).RootElement.GetProperty("suggested_views");
        Assert.Equal(2, views.GetArrayLength());
        Assert.Equal("bot", views[1].GetProperty("name").GetString());
        Assert.Equal(4, views[1].GetProperty("region").GetArrayLength());

        var plain = Path.Combine(temp.Path, "plain.json");
        CocoFormat.Write(Rig(["nose", "paw"]) with { Root = temp.Path }, plain);
        Assert.DoesNotContain("multi-view rig", CliRunner.Run("inspect", plain).Out);
    }
}
