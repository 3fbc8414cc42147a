using System.Text.Json.Nodes;
using NewtPose.Data;
using NewtPose.Evaluation;

namespace NewtPose.Tests.Evaluation;

public class KeypointMetricsTests
{
    private static readonly string[] Names = ["a", "b", "c"];
    private static readonly Keypoint Missing = Keypoint.Missing;

    /// <summary>
    /// Case 1 (no box; size = labelled extent = 10): a at distance 5, b at distance 1, c not labelled.
    /// Case 2 (box 20×40; size 40): a (occluded, v = 1) at distance 2, b and c not labelled. "c" is never labelled.
    /// </summary>
    private static EvaluationReport HandCase() => KeypointMetrics.Evaluate(Names,
    [
        new EvaluationCase([new(0, 0, Visibility.Visible), new(10, 0, Visibility.Visible), Missing],
            [new(3, 4, 0.9), new(10, 1, 0.8), new(50, 50, 0.1)]),
        new EvaluationCase([new(0, 0, Visibility.Occluded), Missing, Missing],
            [new(0, 2, 0.7), new(99, 99, 0.2), new(5, 5, 0.1)], new BoundingBox(0, 0, 20, 40)),
    ]);

    [Fact]
    public void Overall_figures_match_a_hand_computation()
    {
        var o = HandCase().Overall;
        Assert.Equal(3, o.Count);
        Assert.Equal(8.0 / 3, o.MeanPxError!.Value, 12);
        Assert.Equal(Math.Sqrt(10), o.RmsePx!.Value, 12);
        Assert.Equal(2, o.MedianPxError!.Value, 12);
        Assert.Equal(3, o.PckCount);
        Assert.Equal(1.0 / 3, o.Pck005!.Value, 12); // only the 2 px miss of a 40 px animal is within 5 %
        Assert.Equal(2.0 / 3, o.Pck01!.Value, 12);
        Assert.Equal(2.0 / 3, o.Pck02!.Value, 12);
    }

    [Fact]
    public void Per_keypoint_figures_count_only_labelled_points_and_a_never_labelled_keypoint_has_no_values()
    {
        var perKeypoint = HandCase().PerKeypoint;
        Assert.Equal(Names, perKeypoint.Select(k => k.Name));
        var a = perKeypoint[0].Statistics;
        Assert.Equal(2, a.Count);
        Assert.Equal(3.5, a.MeanPxError!.Value, 12);
        Assert.Equal(Math.Sqrt(14.5), a.RmsePx!.Value, 12);
        Assert.Equal(0.5, a.Pck005!.Value, 12);
        var b = perKeypoint[1].Statistics;
        Assert.Equal((1, 0.0, 1.0), (b.Count, b.Pck005!.Value, b.Pck01!.Value));
        var c = perKeypoint[2].Statistics;
        Assert.Equal(PointStatistics.Empty, c);
    }

    [Fact]
    public void Instance_size_is_the_box_side_else_the_labelled_extent_and_a_single_point_has_no_pck()
    {
        Assert.Equal(40, KeypointMetrics.InstanceSize([Missing], new BoundingBox(1, 1, 20, 40)));
        Assert.Equal(7, KeypointMetrics.InstanceSize([new(1, 1, Visibility.Visible), new(8, 3, Visibility.Visible), new(100, 100, Visibility.NotLabeled)], null));

        var single = KeypointMetrics.Evaluate(["a"], [new EvaluationCase([new(5, 5, Visibility.Visible)], [new(6, 5, 1)])]).Overall;
        Assert.Equal((1, 1.0, 0), (single.Count, single.MeanPxError!.Value, single.PckCount));
        Assert.Null(single.Pck005);
    }

    [Fact]
    public void Bad_cases_are_rejected_with_their_index_and_keypoint()
    {
        var wrongCount = Assert.Throws<ArgumentException>(() => KeypointMetrics.Evaluate(Names, [new EvaluationCase([Missing], [new(0, 0, 0)])]));
        Assert.Contains("case 0", wrongCount.Message);
        var notFinite = Assert.Throws<ArgumentException>(() => KeypointMetrics.Evaluate(["a"],
            [new EvaluationCase([new(1, 1, Visibility.Visible)], [new(double.NaN, 0, 0)])]));
        Assert.Contains("'a'", notFinite.Message);
    }

    [Fact]
    public void An_empty_evaluation_reports_zero_counts_not_NaN()
    {
        var report = KeypointMetrics.Evaluate(Names, []);
        Assert.Equal(0, report.Overall.Count);
        Assert.Null(report.Overall.MeanPxError);
        Assert.DoesNotContain("NaN", EvaluationReportJson.ToJson(report));
    }

    [Fact]
    public void The_json_report_uses_snake_case_fields_and_null_for_missing_values()
    {
        var json = JsonNode.Parse(EvaluationReportJson.ToJson(HandCase()))!;
        Assert.Equal(8.0 / 3, (double)json["mean_px_error"]!, 12);
        Assert.Equal(Math.Sqrt(10), (double)json["rmse_px"]!, 12);
        Assert.Equal(1.0 / 3, (double)json["pck_0_05"]!, 12);
        Assert.NotNull(json["pck_0_1"]);
        Assert.NotNull(json["pck_0_2"]);
        Assert.Equal(2, (int)json["instances"]!);
        var c = json["per_keypoint"]![2]!;
        Assert.Equal("c", (string?)c["name"]);
        Assert.Equal(0, (int)c["count"]!);
        Assert.True(c.AsObject().ContainsKey("mean_px_error"));
        Assert.Null(c["mean_px_error"]);
    }
}
