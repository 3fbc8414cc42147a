using System.Globalization;
using NewtPose.Charts;
using NewtPose.Data;
using NewtPose.Evaluation;
using NewtPose.IO;

namespace NewtPose.Training;

/// <summary>
/// Writes report.html into a finished run folder: the final metrics table (the animal found by the model, beside label
/// crops), loss and validation-error curves, the error per keypoint, and the worst final photos with predicted
/// (crosses) and true (dots) keypoints and the box the model found. One file, plotly.js inline: it opens offline. The
/// predictions are the trainer's final evaluation (<see cref="TrainingResult.Evaluation"/>), else the run folder's model
/// evaluated again through <see cref="PoseEvaluator.EvaluateRun"/>.
/// </summary>
public static class RunReport
{
    /// <summary>Writes the report and returns its path; <paramref name="gridImages"/> caps the photos shown.</summary>
    public static string Write(string runFolder, PoseDataset dataset, TrainingResult result, int gridImages = 8)
    {
        var run = new RunFolder(runFolder);
        var history = result.History;
        var figures = new List<PlotlyFigure> { TrainingCharts.Loss(history) };
        if (history.Any(r => r.Validation?.MeanPxError is not null))
            figures.Add(Chart.Lines($"Validation mean error per epoch ({EvaluationCrops.Label})", [TrainingCharts.ValidationSeries(history)], TrainingCharts.ValidationAxes));
        // A network the engine cannot run (TrainingResult.FinalCrop is label crops) has only its label-crop report to show.
        var evaluation = result.Evaluation ?? (result.FinalCrop == EvaluationCrops.Found
            ? PoseEvaluator.EvaluateRun(run.Path, dataset, result.FinalSplit == "validation" ? "val" : result.FinalSplit) : null);
        figures.Add(evaluation is null ? TrainingCharts.KeypointErrors(result.Final, $"Error per keypoint ({EvaluationCrops.Label})") : EvaluationCharts.KeypointErrors(evaluation));
        if (evaluation is not null && gridImages > 0 && evaluation.Photos.Count > 0) figures.Add(EvaluationCharts.WorstPhotos(evaluation, dataset, gridImages));

        AtomicFile.WriteAllText(run.ReportHtml, Html(result, figures));
        return run.ReportHtml;
    }

    private static string Html(TrainingResult result, IReadOnlyList<PlotlyFigure> figures)
    {
        var intro = string.Create(CultureInfo.InvariantCulture,
            $"<p>Run folder: <code>{HtmlReport.Encode(result.RunFolder)}</code>; epochs trained {result.EpochsCompleted}, best epoch {result.BestEpoch}{(result.StoppedEarly ? " (stopped early)" : "")}; final figures on the <b>{result.FinalSplit}</b> split, {EvaluationCrops.Describe(result.FinalCrop)}, in the photos' own pixels.</p>\n") +
            HtmlReport.Preformatted(EvaluationTable.Of(result.Final, labelCrops: result.FinalLabelCrops).ToString());
        return HtmlReport.Page("NewtPose training report", intro, figures);
    }
}
