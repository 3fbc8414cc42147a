using System.Text.Json.Nodes;
using NewtPose.Data;
using NewtPose.Evaluation;
using NewtPose.Training;

namespace NewtPose.Tests.Evaluation;

/// <summary>The confidence cut-off, the PCK normaliser and the one list of figures every writer uses.</summary>
public class MetricOptionsTests
{
    private static Keypoint At(double x, double y) => new(x, y, Visibility.Visible);

    [Fact]
    public void Figures_above_the_confidence_cutoff_keep_only_confident_points()
    {
        // Errors 1 px (confidence 0.9) and 9 px (0.2): at the default cut-off 0.5 one of two points is kept.
        var report = KeypointMetrics.Evaluate(["a", "b"], [new EvaluationCase([At(0, 0), At(10, 0)], [new(1, 0, 0.9), new(10, 9, 0.2)])]);
        var o = report.Overall;
        Assert.Equal((1, 0.5, 1.0, 1.0), (o.ConfidentCount, o.ConfidentFraction!.Value, o.ConfidentMeanPxError!.Value, o.ConfidentRmsePx!.Value));
        Assert.Equal(5.0, o.MeanPxError!.Value, 12);
        Assert.Equal(Math.Sqrt(41), o.RmsePx!.Value, 12);
        var none = KeypointMetrics.Evaluate(["a", "b"], [new EvaluationCase([At(0, 0), At(10, 0)], [new(1, 0, 0.9), new(10, 9, 0.2)])],
            new MetricsOptions { ConfidenceCutoff = 0.95 }).Overall;
        Assert.Equal((0, 0.0), (none.ConfidentCount, none.ConfidentFraction!.Value));
        Assert.Null(none.ConfidentMeanPxError);
        Assert.Throws<ArgumentException>(() => new MetricsOptions { ConfidenceCutoff = 1.5 }.Validate());
    }

    [Fact]
    public void Pck_can_be_normalised_by_the_distance_between_two_named_keypoints()
    {
        // Snout (0,0) to vent (0,20): 20 px. The tail tip is 1.5 px off: beyond 0.05 × 20 = 1, within 0.1 × 20 = 2.
        var names = new[] { "snout", "vent", "tail" };
        var options = new MetricsOptions { Normalizer = PckNormalizer.Between("snout", "vent") };
        var report = KeypointMetrics.Evaluate(names,
        [
            new EvaluationCase([At(0, 0), At(0, 20), At(0, 40)], [new(0, 0, 1), new(0, 20, 1), new(1.5, 40, 1)], new BoundingBox(0, 0, 100, 100)),
            // No vent label: no reference length, so its points stay out of PCK only.
            new EvaluationCase([At(0, 0), Keypoint.Missing, At(0, 40)], [new(0, 0, 1), new(0, 0, 1), new(0, 45, 1)]),
        ], options);
        var tail = report.PerKeypoint[2].Statistics;
        Assert.Equal((2, 1), (tail.Count, tail.PckCount));
        Assert.Equal((0.0, 1.0), (tail.Pck005!.Value, tail.Pck01!.Value));
        Assert.Equal((5, 3), (report.Overall.Count, report.Overall.PckCount));
        Assert.Equal("distance snout–vent", report.Settings.Normalizer.Description);
        // By the box's longer side (100) the same miss is within 5 %.
        var byBox = KeypointMetrics.Evaluate(names, [new EvaluationCase([At(0, 0), At(0, 20), At(0, 40)], [new(0, 0, 1), new(0, 20, 1), new(1.5, 40, 1)], new BoundingBox(0, 0, 100, 100))]);
        Assert.Equal(1.0, byBox.PerKeypoint[2].Statistics.Pck005!.Value);
        var unknown = Assert.Throws<ArgumentException>(() => KeypointMetrics.Evaluate(names, [], new MetricsOptions { Normalizer = PckNormalizer.Between("snout", "ear") }));
        Assert.Contains("'ear'", unknown.Message);
    }

    [Fact]
    public void The_pck_curve_reads_any_alpha_from_the_scored_points()
    {
        var report = KeypointMetrics.Evaluate(["a"], [new EvaluationCase([At(0, 0)], [new(3, 4, 1)], new BoundingBox(0, 0, 100, 100))]);
        Assert.Equal(0.0, KeypointMetrics.Pck(report.Points, 0.049));
        Assert.Equal(1.0, KeypointMetrics.Pck(report.Points, 0.05));
        Assert.Null(KeypointMetrics.Pck([], 0.1));
    }

    [Fact]
    public void Json_csv_and_tables_draw_every_figure_from_the_one_column_list()
    {
        var report = KeypointMetrics.Evaluate(["a"], [new EvaluationCase([At(0, 0)], [new(3, 4, 1)], new BoundingBox(0, 0, 100, 100))]);
        var json = JsonNode.Parse(EvaluationReportJson.ToJson(report))!.AsObject();
        foreach (var column in MetricColumns.All)
        {
            Assert.True(json.ContainsKey(column.Key), column.Key);
            Assert.True(json["per_keypoint"]![0]!.AsObject().ContainsKey(column.Key), column.Key);
            Assert.Contains(RunFolder.ValidationCsvPrefix + column.Key, RunFolder.CsvHeader);
        }
        Assert.Equal(MetricColumns.Read(json), report.Overall);
        Assert.Equal(OksSigmas.DefaultSigma, (double)json["per_keypoint"]![0]!["oks_sigma"]!);
        Assert.Contains("default", (string)json["oks_sigma_source"]!);
        var table = EvaluationTable.Of(report);
        Assert.Equal(["keypoint", .. MetricColumns.Table.Select(c => c.Header)], table.Columns);
        Assert.Equal(["all keypoints", "1", "0", "5.00", "5.00", "5.00", "100.0%", "100.0%", "100.0%", "100.0%", "5.00", "5.00"],
            table.Rows[0].Take(12));
        // OKS e^(-25 / 0.144² / 10000 / 2) = 0.94: a true positive at the nine thresholds up to 0.90.
        Assert.Equal("mean px 5.00, RMSE px 5.00, PCK@.05 100.0%, OKS AP 0.900 (1 points)", MetricColumns.Summary(report.Overall));
    }
}
