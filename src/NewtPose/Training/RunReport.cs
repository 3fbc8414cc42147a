using System.Globalization;
using System.Net;
using System.Text;
using NewtPose.Augmentation;
using NewtPose.Charts;
using NewtPose.Data;
using NewtPose.Data.Splits;
using NewtPose.Evaluation;
using NewtPose.Imaging;
using NewtPose.IO;
using NewtPose.Models;

namespace NewtPose.Training;

/// <summary>
/// Writes report.html into a finished run folder: the final metrics table, loss and validation-error curves, the error
/// per keypoint, and a grid of test photos with predicted (crosses) and true (dots) keypoints. One file, plotly.js inline:
/// it opens offline. The predictions come from the run's saved model (model.json + model.weights).
/// </summary>
public static class RunReport
{
    /// <summary>Writes the report and returns its path; <paramref name="gridImages"/> caps the photos shown.</summary>
    public static string Write(string runFolder, PoseDataset dataset, TrainingResult result, int gridImages = 8)
    {
        var run = new RunFolder(runFolder);
        var history = result.History;
        var epochs = history.Select(r => (double)r.Epoch).ToArray();
        var figures = new List<PlotlyFigure>
        {
            Chart.Lines("Training loss", [new Series("train loss", epochs, history.Select(r => r.TrainLoss).ToArray())], new Axes("epoch", "loss", LogY: true)),
        };
        var validated = history.Where(r => r.Validation?.MeanPxError is not null).ToArray();
        if (validated.Length > 0)
            figures.Add(Chart.Lines("Validation mean error (source pixels)",
                [new Series("validation mean px error", validated.Select(r => (double)r.Epoch).ToArray(), validated.Select(r => r.Validation!.MeanPxError!.Value).ToArray())],
                new Axes("epoch", "px")));
        var perKeypoint = result.Final.PerKeypoint;
        figures.Add(Chart.KeypointErrors($"Error per keypoint ({result.FinalSplit} split)", perKeypoint.Select(k => k.Statistics.Count > 0 ? k.Name : k.Name + " (none)").ToArray(),
            [new BarSeries("mean px error", perKeypoint.Select(k => k.Statistics.MeanPxError ?? 0).ToArray()),
             new BarSeries("RMSE px", perKeypoint.Select(k => k.Statistics.RmsePx ?? 0).ToArray())]));
        if (Grid(run, dataset, result.FinalSplit, gridImages) is { } grid) figures.Add(grid);

        AtomicFile.WriteAllText(run.ReportHtml, Html(result, figures));
        return run.ReportHtml;
    }

    private static PlotlyFigure? Grid(RunFolder run, PoseDataset dataset, string splitName, int count)
    {
        if (count < 1 || !File.Exists(run.ModelWeights) || !File.Exists(run.SplitFile)) return null;
        var split = DatasetSplit.Load(run.SplitFile);
        var side = splitName switch { "test" => split.Test, "validation" => split.Val, _ => split.Train };
        var byPath = dataset.Images.ToDictionary(i => i.Path);
        var images = side.Where(byPath.ContainsKey).Select(p => byPath[p]).Where(i => i.Instances.Any(p => p.LabeledCount > 0)).Take(count).ToArray();
        if (images.Length == 0) return null;

        using var model = PoseModels.Load(run.Path);
        // The grid shows what the metrics measured: with the flip test when the run scored with it.
        var flipTest = File.Exists(run.OptionsFile) && TrainingOptions.Load(run.OptionsFile).FlipTest;
        var sampler = new PoseSampler(dataset, model.Spec.InputWidth, model.Spec.InputHeight, AugmentationOptions.None);
        var panels = new List<ImagePanel>();
        foreach (var image in images)
        {
            var instances = image.Instances.Where(p => p.LabeledCount > 0).ToArray();
            var samples = instances.Select(p => sampler.Sample(image, p, new Random(0), augment: false)).ToArray();
            var predictions = PosePredictor.Predict(model, samples, flipTest: flipTest);
            // Thumbnails: the panel's keypoints must be in the thumbnail's pixels.
            var thumbnail = ImageLoader.Load(dataset.FullPath(image), 512);
            Keypoint Map(double x, double y, Visibility v) { var (u, w) = thumbnail.FromSource.Apply(x, y); return new Keypoint(u, w, v); }
            var labels = instances.SelectMany(p => p.Keypoints.Select(k => k.IsLabeled ? Map(k.X, k.Y, k.Visibility) : Keypoint.Missing)).ToArray();
            var predicted = predictions.SelectMany(p => p.Keypoints.Select(k => Map(k.X, k.Y, Visibility.Visible))).ToArray();
            panels.Add(new ImagePanel(thumbnail.Image, labels, image.Path, predicted));
        }
        return Chart.ImageGrid(panels, dataset.Skeleton, new ImageGridOptions(Columns: 4, MaxSide: 384, Title: $"{splitName} photos: labels (dots) and predictions (crosses)"));
    }

    private static string Html(TrainingResult result, IReadOnlyList<PlotlyFigure> figures)
    {
        var body = new StringBuilder();
        body.Append("<h1>NewtPose training report</h1>\n");
        body.Append(CultureInfo.InvariantCulture, $"<p>Run folder: <code>{WebUtility.HtmlEncode(result.RunFolder)}</code>; epochs trained {result.EpochsCompleted}, best epoch {result.BestEpoch}{(result.StoppedEarly ? " (stopped early)" : "")}; final figures on the <b>{result.FinalSplit}</b> split, in the photos' own pixels.</p>\n");
        body.Append("<pre>").Append(WebUtility.HtmlEncode(EvaluationTable.Of(result.Final, labelCrops: result.FinalLabelCrops).ToString())).Append("</pre>\n");
        for (var i = 0; i < figures.Count; i++)
            body.Append(CultureInfo.InvariantCulture, $"<div id=\"figure{i}\" style=\"width:100%;min-height:{(i == figures.Count - 1 && figures[i].Title.Contains("photos") ? 900 : 420)}px\"></div>\n");
        body.Append("<script type=\"text/javascript\">\n");
        for (var i = 0; i < figures.Count; i++)
            body.Append(CultureInfo.InvariantCulture, $"(function () {{ var f = {figures[i].ToJson()}; Plotly.newPlot('figure{i}', f.data, f.layout, {{ responsive: true }}); }})();\n");
        body.Append("</script>\n");
        return $"""
            <!DOCTYPE html>
            <html>
            <head>
            <meta charset="utf-8">
            <title>NewtPose training report</title>
            <style>body {"{"} font-family: sans-serif; margin: 2em; {"}"} pre {"{"} background: #f4f4f4; padding: 1em; {"}"}</style>
            <script type="text/javascript">{PlotlyScript.Source}</script>
            </head>
            <body>
            {body}
            </body>
            </html>
            """;
    }
}
