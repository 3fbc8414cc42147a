using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NewtPose.Charts;
using NewtPose.Evaluation;
using NewtPose.IO;

namespace NewtPose.Comparison;

/// <summary>
/// The files and views of a comparison: the table (<see cref="Table"/>, results.md), results.csv (one row per entry),
/// results.json (the rows with their spreads) and report.html (offline plotly.js) with the charts of <see cref="Charts"/>.
/// Every figure is a <see cref="MetricColumns"/> figure of the trainer's final evaluation, the animal found by the model.
/// </summary>
public static class ComparisonReport
{
    /// <summary>What every figure of a comparison is, as the files state it.</summary>
    public const string CropNote = "test photos (validation when the split has no test side), the animal found by the model (PoseEvaluator over PoseEngine); mean ± sample sd over seeds";

    /// <summary>One row per variant and train size: the spreads over seeds of speed and found-crop figures.</summary>
    public static Table Table(ComparisonResults results)
    {
        var columns = new List<string> { "variant", "start", "input", "photos", "seeds", "epochs", "parameters", "train img/s", "inference photos/s", "wall min" };
        columns.AddRange(ComparisonResults.Figures.Select(f => f.Header));
        var capHits = results.Rows.Any(r => r.WallCapHits > 0);
        if (capHits) columns.Add("wall cap hit");
        var rows = results.Rows.Select(r =>
        {
            var cells = new List<string>
            {
                r.Variant, r.Pretrained ? "ImageNet" : "scratch", r.InputSize, Text(r.TrainPhotos), Text(r.Seeds.Count), Spread.Format(r.Epochs, MetricKind.Count),
                (r.Parameters / 1e6).ToString("F1", CultureInfo.InvariantCulture) + " M", Spread.Format(r.TrainImagesPerSecond, MetricKind.Pixels),
                Spread.Format(r.InferencePhotosPerSecond, MetricKind.Pixels), Spread.Format(r.WallSeconds with { Mean = r.WallSeconds.Mean / 60, Sd = r.WallSeconds.Sd / 60 }, MetricKind.Pixels),
            };
            cells.AddRange(ComparisonResults.Figures.Select(f => Spread.Format(r.Figure(f), f.Kind)));
            if (capHits) cells.Add($"{r.WallCapHits} of {r.Seeds.Count}");
            return (IReadOnlyList<string>)cells;
        }).ToArray();
        return new Table(columns, rows, $"Comparison ({results.Plan.Budget}; {CropNote})");
    }

    /// <summary>The table as markdown.</summary>
    public static string Markdown(ComparisonResults results)
    {
        var table = Table(results);
        var text = new StringBuilder();
        text.Append(table.Title).Append("\n\n| ").AppendJoin(" | ", table.Columns).Append(" |\n|").Append(string.Concat(table.Columns.Select(_ => "---|"))).Append('\n');
        foreach (var row in table.Rows) text.Append("| ").AppendJoin(" | ", row).Append(" |\n");
        var reading = ComparisonReading.Lines(results);
        if (reading.Count > 0)
        {
            text.Append("\nReading (").Append(ComparisonReading.Rule).Append(")\n\n");
            foreach (var line in reading) text.Append("- ").Append(line).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>results.csv: one row per entry, every figure of <see cref="MetricColumns.All"/> (found crops), then the label-crop mean px beside.</summary>
    public static string Csv(ComparisonResults results)
    {
        var csv = new StringBuilder("variant,backbone,head,pretrained,input_size,train_size,train_photos,seed,epochs,best_epoch,parameters,train_images_per_second," +
                                    "inference_photos_per_second,wall_seconds,wall_cap_hit,probe_images_per_second,split," +
                                    string.Join(',', MetricColumns.All.Select(c => c.Key)) + ",label_crops_mean_px_error\n");
        foreach (var e in results.Entries)
            csv.AppendJoin(',', [e.Variant, e.Backbone, e.Head, e.Pretrained ? "true" : "false", e.InputSize, e.TrainSize is { } n ? Text(n) : "all", Text(e.TrainPhotos),
                Text(e.Seed), Text(e.Epochs), Text(e.BestEpoch), Text(e.Parameters), Text(e.TrainImagesPerSecond), Text(e.InferencePhotosPerSecond),
                Text(e.WallSeconds), e.WallCapHit ? "true" : "false", e.ProbeImagesPerSecond is { } p ? Text(p) : "", e.Split,
                .. MetricColumns.CsvCells(e.Found), e.LabelCrops?.MeanPxError is { } l ? l.ToString("R", CultureInfo.InvariantCulture) : ""]).Append('\n');
        return csv.ToString();
    }

    /// <summary>results.json: the plan, what the figures are, and the rows with their spreads.</summary>
    public static string Json(ComparisonResults results)
    {
        static JsonObject S(Spread? s) => s is null ? new JsonObject() : new JsonObject { ["mean"] = s.Mean, ["sd"] = s.Sd, ["count"] = s.Count };
        var rows = new JsonArray();
        foreach (var r in results.Rows)
        {
            var figures = new JsonObject();
            foreach (var c in MetricColumns.All) figures[c.Key] = S(r.Figure(c));
            rows.Add(new JsonObject
            {
                ["variant"] = r.Variant, ["backbone"] = r.Backbone, ["head"] = r.Head, ["pretrained"] = r.Pretrained, ["input_size"] = r.InputSize,
                ["train_size"] = r.TrainSize, ["train_photos"] = r.TrainPhotos, ["seeds"] = new JsonArray(r.Seeds.Select(s => (JsonNode)s).ToArray()),
                ["epochs"] = S(r.Epochs), ["parameters"] = r.Parameters, ["train_images_per_second"] = S(r.TrainImagesPerSecond),
                ["inference_photos_per_second"] = S(r.InferencePhotosPerSecond), ["wall_seconds"] = S(r.WallSeconds), ["wall_cap_hits"] = r.WallCapHits,
                ["found"] = figures,
                ["per_keypoint_mean_px_error"] = new JsonArray(r.PerKeypointMeanPx.Select(k => (JsonNode)new JsonObject { ["keypoint"] = k.Keypoint, ["spread"] = S(k.MeanPx) }).ToArray()),
            });
        }
        var json = new JsonObject { ["plan"] = JsonNode.Parse(results.Plan.ToJson()), ["figures"] = CropNote, ["rows"] = rows };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>
    /// The charts: found-crop mean px against training time and against labelled photos (one line per variant, the seeds'
    /// sd as error bars), PCK@0.05 against labelled photos, and the error per keypoint of each variant at the largest train size.
    /// </summary>
    public static IReadOnlyList<PlotlyFigure> Charts(ComparisonResults results)
    {
        var variants = results.Rows.Select(r => r.Variant).Distinct().ToArray();
        IReadOnlyList<Series> Lines(MetricColumn f, Func<ComparisonRow, double> x) => variants.Select(v =>
        {
            var points = results.Rows.Where(r => r.Variant == v && r.Figure(f) is not null).OrderBy(x).ToArray();
            return new Series(v, points.Select(x).ToArray(), points.Select(r => Spread.Scale(r.Figure(f)!.Mean, f.Kind)).ToArray())
            {
                YErrors = points.Select(r => Spread.Scale(r.Figure(f)!.Sd ?? 0, f.Kind)).ToArray(),
            };
        }).ToArray();
        string Axis(MetricColumn f) => f.Kind == MetricKind.Percent ? f.Header + " (%)" : f.Header;
        var px = MetricColumns.MeanPxError;
        var figures = new List<PlotlyFigure>
        {
            Chart.Lines($"Accuracy against training time (test {px.Header}, found by the model)", Lines(px, r => r.WallSeconds.Mean / 60),
                new Axes("wall time per entry (min)", Axis(px))),
            Chart.Lines($"Accuracy against labelled photos (test {px.Header}, found by the model)", Lines(px, r => r.TrainPhotos), new Axes("labelled training photos", Axis(px))),
            Chart.Lines($"Test {MetricColumns.Pck005.Header} against labelled photos (found by the model)", Lines(MetricColumns.Pck005, r => r.TrainPhotos),
                new Axes("labelled training photos", Axis(MetricColumns.Pck005))),
        };
        var largest = results.Rows.GroupBy(r => r.Variant).Select(g => g.MaxBy(r => r.TrainPhotos)!).ToArray();
        if (largest.Length > 0)
        {
            var keypoints = largest[0].PerKeypointMeanPx.Select(k => k.Keypoint).ToArray();
            figures.Add(Chart.KeypointErrors($"Error per keypoint (test, found by the model, mean ± sd over seeds; largest train size)", keypoints,
                largest.Select(r => new BarSeries($"{r.Variant} ({r.TrainPhotos} photos)", r.PerKeypointMeanPx.Select(k => k.MeanPx?.Mean ?? double.NaN).ToArray(),
                    r.PerKeypointMeanPx.Select(k => k.MeanPx?.Sd ?? 0).ToArray())).ToArray()));
        }
        return figures;
    }

    /// <summary>Writes results.md, results.csv, results.json and report.html into <paramref name="folder"/>, atomically.</summary>
    public static void Write(string folder, ComparisonResults results)
    {
        var markdown = Markdown(results);
        AtomicFile.WriteAllText(Path.Combine(folder, "results.md"), markdown);
        AtomicFile.WriteAllText(Path.Combine(folder, "results.csv"), Csv(results));
        AtomicFile.WriteAllText(Path.Combine(folder, "results.json"), Json(results));
        var intro = $"<p>Data: <code>{HtmlReport.Encode(results.Plan.Data)}</code>; {results.Entries.Count} of {results.Plan.Entries().Count} entries finished; " +
                    $"budget {HtmlReport.Encode(results.Plan.Budget.ToString())}; {(results.Plan.SplitPerSeed ? "a split per seed" : $"split seed {results.Plan.SplitSeed}")}.</p>\n" + Table(results).ToHtml();
        var reading = ComparisonReading.Lines(results);
        if (reading.Count > 0)
            intro += $"\n<h2>Reading</h2>\n<p>{HtmlReport.Encode(ComparisonReading.Rule)}</p>\n<ul>\n" +
                     string.Concat(reading.Select(l => $"<li>{HtmlReport.Encode(l)}</li>\n")) + "</ul>\n";
        AtomicFile.WriteAllText(Path.Combine(folder, "report.html"), HtmlReport.Page("Backbone comparison", intro, Charts(results)));
    }

    private static string Text(double v) => v.ToString(CultureInfo.InvariantCulture);
}
