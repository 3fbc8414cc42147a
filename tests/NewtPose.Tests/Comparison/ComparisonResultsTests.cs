using System.Text.Json.Nodes;
using NewtPose.Comparison;
using NewtPose.Evaluation;
using NewtPose.Tests.Data;

namespace NewtPose.Tests.Comparison;

/// <summary>The spread over seeds on hand-made entries, and the files and charts made from them.</summary>
public sealed class ComparisonResultsTests
{
    private static readonly ComparisonPlan Plan = new()
    {
        Data = "labels.json", Variants = ComparisonPlan.Grid(["resnet18-imagenet", "resnet18"], ["heatmap"]), TrainSizes = [10, 25], Seeds = [1, 2],
        Budget = ComparisonBudget.OfEpochs(5),
    };

    internal static ComparisonEntry Entry(string variant, int size, int seed, double meanPx, double pck, double wall = 60) =>
        new(variant, variant, "heatmap", variant.EndsWith("imagenet", StringComparison.Ordinal), "192x192", size, size, seed, 5, 4, 15_400_000,
            8.0 + seed, 12.0, wall, false, null, "test",
            new PointStatistics { Count = 42, MeanPxError = meanPx, RmsePx = meanPx * 1.5, MedianPxError = meanPx * 0.8, Pck005 = pck, OksAp = 0.5 },
            new PointStatistics { Count = 42, MeanPxError = meanPx / 2 },
            [new KeypointStatistics("snout", new PointStatistics { MeanPxError = meanPx - 1 }), new KeypointStatistics("tail", new PointStatistics { MeanPxError = meanPx + 1 })]);

    private static readonly ComparisonEntry[] Entries =
    [
        Entry("resnet18-imagenet", 10, 1, 2.0, 0.5), Entry("resnet18-imagenet", 10, 2, 4.0, 0.7),
        Entry("resnet18", 10, 1, 10.0, 0.1), Entry("resnet18", 10, 2, 12.0, 0.3),
        Entry("resnet18-imagenet", 25, 1, 1.0, 0.9, wall: 120), Entry("resnet18-imagenet", 25, 2, 1.0, 0.9, wall: 120),
    ];

    [Fact]
    public void Spread_is_the_mean_and_the_sample_sd_and_skips_missing_values()
    {
        var s = Spread.Of([2.0, 4.0, null, double.NaN])!;
        Assert.Equal(3.0, s.Mean, 12);
        Assert.Equal(Math.Sqrt(2), s.Sd!.Value, 12); // n − 1: sqrt(((2−3)² + (4−3)²) / 1)
        Assert.Equal(2, s.Count);
        Assert.Null(Spread.Of([5.0])!.Sd);
        Assert.Null(Spread.Of(Array.Empty<double?>()));
        Assert.Equal("3.00 ± 1.41", Spread.Format(s, MetricKind.Pixels));
        Assert.Equal("60.0 ± 14.1 %", Spread.Format(new Spread(0.6, 0.141, 2), MetricKind.Percent));
        Assert.Equal("n/a", Spread.Format(null, MetricKind.Score));
    }

    [Fact]
    public void Rows_group_the_seeds_of_each_variant_and_train_size_in_plan_order()
    {
        var results = ComparisonResults.Of(Plan, Entries);
        Assert.Equal([("resnet18-imagenet", 10), ("resnet18", 10), ("resnet18-imagenet", 25)], results.Rows.Select(r => (r.Variant, r.TrainPhotos)));
        var first = results.Rows[0];
        Assert.Equal([1, 2], first.Seeds);
        Assert.Equal(3.0, first.Figure(MetricColumns.MeanPxError)!.Mean, 12);
        Assert.Equal(Math.Sqrt(2), first.Figure(MetricColumns.MeanPxError)!.Sd!.Value, 12);
        Assert.Equal(0.6, first.Figure(MetricColumns.Pck005)!.Mean, 12);
        Assert.Equal(9.5, first.TrainImagesPerSecond.Mean, 12);
        Assert.Equal(("snout", 2.0), (first.PerKeypointMeanPx[0].Keypoint, first.PerKeypointMeanPx[0].MeanPx!.Mean));
        Assert.Equal(0.0, results.Rows[2].Figure(MetricColumns.MeanPxError)!.Sd!.Value, 12);
    }

    [Fact]
    public void The_files_hold_every_entry_every_row_and_the_charts_their_series()
    {
        using var folder = new TempFolder();
        var results = ComparisonResults.Of(Plan, Entries);
        ComparisonReport.Write(folder.Path, results);

        var markdown = File.ReadAllText(Path.Combine(folder.Path, "results.md"));
        Assert.Contains("| resnet18-imagenet | ImageNet | 192x192 | 10 | 2 |", markdown);
        Assert.Contains("| 3.00 ± 1.41 |", markdown);
        Assert.Contains("| 11.00 ± 1.41 |", markdown);
        Assert.Contains("60.0 ± 14.1 %", markdown);

        var csv = File.ReadAllLines(Path.Combine(folder.Path, "results.csv"));
        Assert.Equal(1 + Entries.Length, csv.Length);
        Assert.StartsWith("variant,backbone,head,pretrained,input_size,train_size,train_photos,seed,epochs", csv[0]);
        Assert.EndsWith("label_crops_mean_px_error", csv[0]);
        Assert.StartsWith("resnet18,resnet18,heatmap,false,192x192,10,10,2,5,4,15400000,", csv[4]);

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder.Path, "results.json")))!;
        var rows = json["rows"]!.AsArray();
        Assert.Equal(3, rows.Count);
        Assert.Equal(11.0, (double)rows[1]!["found"]!["mean_px_error"]!["mean"]!, 12);
        Assert.Equal("labels.json", Path.GetFileName((string)json["plan"]!["data"]!));

        var html = File.ReadAllText(Path.Combine(folder.Path, "report.html"));
        Assert.Contains(NewtPose.Charts.PlotlyScript.Source[..200], html); // plotly.js inline: opens offline
        Assert.DoesNotContain("<script src", html);
        Assert.Contains("Accuracy against labelled photos", html);
        Assert.Contains("Accuracy against training time", html);
        Assert.Contains("Error per keypoint", html);
        Assert.Contains("<table class=\"newtpose-table\">", html);
    }

    [Fact]
    public void The_data_efficiency_chart_has_one_line_per_variant_with_the_seeds_sd_as_error_bars()
    {
        var charts = ComparisonReport.Charts(ComparisonResults.Of(Plan, Entries));
        var curve = JsonNode.Parse(charts.Single(c => c.Title.StartsWith("Accuracy against labelled photos", StringComparison.Ordinal)).ToJson())!;
        var traces = curve["data"]!.AsArray();
        Assert.Equal(["resnet18-imagenet", "resnet18"], traces.Select(t => (string)t!["name"]!));
        Assert.Equal("[10,25]", traces[0]!["x"]!.ToJsonString());
        Assert.Equal("[3,1]", traces[0]!["y"]!.ToJsonString());
        Assert.Equal(Math.Sqrt(2), (double)traces[0]!["error_y"]!["array"]![0]!, 12);
        var pck = JsonNode.Parse(charts.Single(c => c.Title.Contains("PCK", StringComparison.Ordinal)).ToJson())!;
        Assert.Equal(60.0, (double)pck["data"]![0]!["y"]![0]!, 9); // percent on the chart
        var keypoints = JsonNode.Parse(charts.Single(c => c.Title.StartsWith("Error per keypoint", StringComparison.Ordinal)).ToJson())!;
        Assert.Equal(["resnet18-imagenet (25 photos)", "resnet18 (10 photos)"], keypoints["data"]!.AsArray().Select(t => (string)t!["name"]!));
    }
}
