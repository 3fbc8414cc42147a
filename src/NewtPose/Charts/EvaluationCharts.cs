using NewtPose.Data;
using NewtPose.Evaluation;
using NewtPose.Imaging;

namespace NewtPose.Charts;

/// <summary>
/// Charts of a <see cref="PoseEvaluation"/>: error per keypoint, the error CDF and the PCK curve (found crops and, when
/// scored, label crops side by side) and the worst photos with labels, predictions and the box the model found.
/// </summary>
public static class EvaluationCharts
{
    /// <summary>Mean pixel error per keypoint ± its standard deviation, found crops beside label crops.</summary>
    public static PlotlyFigure KeypointErrors(PoseEvaluation evaluation)
    {
        var series = new List<BarSeries> { Bars("found by the model", evaluation.Found) };
        if (evaluation.LabelCrops is { } l) series.Add(Bars(EvaluationCrops.Label, l));
        return Chart.KeypointErrors($"Error per keypoint ({evaluation.Split}, mean ± sd)", Names(evaluation.Found), series);
    }

    /// <summary>
    /// Several models' error per keypoint on the same photos (mean ± sd, the animal found by each model), e.g. before and
    /// after a refinement round.
    /// </summary>
    public static PlotlyFigure CompareKeypointErrors(IReadOnlyList<(string Name, PoseEvaluation Evaluation)> evaluations)
    {
        if (evaluations.Count == 0) throw new ArgumentException("Nothing to compare: give at least one evaluation.", nameof(evaluations));
        return Chart.KeypointErrors($"Error per keypoint ({evaluations[0].Evaluation.Split}, found by the model, mean ± sd)", Names(evaluations[0].Evaluation.Found),
            evaluations.Select(e => Bars(e.Name, e.Evaluation.Found)).ToArray());
    }

    /// <summary>The fraction of points within each error (the error's cumulative distribution), in the photos' pixels.</summary>
    public static PlotlyFigure ErrorCdf(PoseEvaluation evaluation)
    {
        var series = new List<Series> { Cdf("found by the model", evaluation.Found) };
        if (evaluation.LabelCrops is { } l) series.Add(Cdf(EvaluationCrops.Label, l));
        return Chart.Lines($"Error CDF ({evaluation.Split})", series, CdfAxes);
    }

    /// <summary>Several models' error CDFs on the same photos (the animal found by each model).</summary>
    public static PlotlyFigure CompareErrorCdf(IReadOnlyList<(string Name, PoseEvaluation Evaluation)> evaluations)
    {
        if (evaluations.Count == 0) throw new ArgumentException("Nothing to compare: give at least one evaluation.", nameof(evaluations));
        return Chart.Lines($"Error CDF ({evaluations[0].Evaluation.Split}, found by the model)", evaluations.Select(e => Cdf(e.Name, e.Evaluation.Found)).ToArray(), CdfAxes);
    }

    private static readonly Axes CdfAxes = new("error (px, original photo)", "fraction of points within");

    private static string[] Names(EvaluationReport report) => report.PerKeypoint.Select(k => k.Name).ToArray();

    private static BarSeries Bars(string name, EvaluationReport r) => new(name,
        r.PerKeypoint.Select(k => k.Statistics.MeanPxError ?? double.NaN).ToArray(), r.PerKeypoint.Select(k => TrainingCharts.Deviation(k.Statistics)).ToArray());

    private static Series Cdf(string name, EvaluationReport r)
    {
        var d = r.Points.Select(p => p.Distance).Order().ToArray();
        return new Series(name, d, d.Select((_, i) => (i + 1.0) / d.Length).ToArray());
    }

    /// <summary>PCK against α from 0 to <paramref name="maxAlpha"/>, with the report's normaliser.</summary>
    public static PlotlyFigure PckCurve(PoseEvaluation evaluation, double maxAlpha = 0.3)
    {
        var alphas = Enumerable.Range(0, 61).Select(i => maxAlpha * i / 60).ToArray();
        Series Curve(string name, EvaluationReport r) => new(name, alphas, alphas.Select(a => KeypointMetrics.Pck(r.Points, a) ?? double.NaN).ToArray());
        var series = new List<Series> { Curve("found by the model", evaluation.Found) };
        if (evaluation.LabelCrops is { } l) series.Add(Curve(EvaluationCrops.Label, l));
        return Chart.Lines($"PCK against α ({evaluation.Found.Settings.Normalizer.Description})", series, new Axes("α", "PCK"));
    }

    /// <summary>
    /// The <paramref name="count"/> worst photos (<see cref="PoseEvaluation.Worst"/>): labels (dots), the found prediction
    /// (crosses) and the found box (dashed), each titled with its error.
    /// </summary>
    public static PlotlyFigure WorstPhotos(PoseEvaluation evaluation, PoseDataset dataset, int count = 8, int columns = 4)
    {
        var panels = evaluation.Worst(count).Select(p => Panel(dataset, p)).ToList();
        if (panels.Count == 0) throw new ArgumentException("The evaluation holds no photo to show.");
        return Chart.ImageGrid(panels, dataset.Skeleton, new ImageGridOptions(Columns: columns, Title: $"Worst {evaluation.Split} photos: labels (dots), found by the model (crosses, dashed box)"));
    }

    /// <summary>
    /// Photos predicted without labels (<see cref="Inference.PoseEngine.PredictMany"/>): the points (crosses) and the box
    /// the model found, titled with the file name and the instance score; a photo that could not be read is listed in
    /// the title of the grid instead.
    /// </summary>
    public static PlotlyFigure PredictedPhotos(IReadOnlyList<Inference.PhotoResult> results, Skeleton skeleton, int columns = 4, int maxSide = 512)
    {
        var panels = new List<ImagePanel>();
        foreach (var r in results.Where(r => r.Prediction is not null))
        {
            var thumbnail = ImageLoader.Load(r.Path, maxSide);
            (double X, double Y) Map(double x, double y) => thumbnail.FromSource.Apply(x, y);
            var p = r.Prediction!;
            var points = p.Keypoints.Select(k => Point(Map(k.X, k.Y), Visibility.Visible)).ToArray();
            panels.Add(new ImagePanel(thumbnail.Image, [], $"{Path.GetFileName(r.Path)} · score {p.Score:F2}", points, [MapBox(p.Box, Map)]));
        }
        var failed = results.Where(r => r.Prediction is null).Select(r => Path.GetFileName(r.Path)).ToArray();
        if (panels.Count == 0) throw new ArgumentException($"None of the {results.Count} photos could be predicted ({string.Join(", ", failed)}).");
        var title = "Predicted without labels: points (crosses) and the box the model found" + (failed.Length > 0 ? $"; not readable: {string.Join(", ", failed)}" : "");
        return Chart.ImageGrid(panels, skeleton, new ImageGridOptions(Columns: columns, Title: title));
    }

    private static BoundingBox MapBox(BoundingBox b, Func<double, double, (double X, double Y)> map)
    {
        var (a, c) = (map(b.X, b.Y), map(b.Right, b.Bottom));
        return new BoundingBox(Math.Min(a.X, c.X), Math.Min(a.Y, c.Y), Math.Abs(c.X - a.X), Math.Abs(c.Y - a.Y));
    }

    /// <summary>One photo as a thumbnail panel, everything mapped into the thumbnail's pixels.</summary>
    public static ImagePanel Panel(PoseDataset dataset, PhotoEvaluation photo, int maxSide = 512)
    {
        var thumbnail = ImageLoader.Load(dataset.FullPath(photo.Image), maxSide);
        (double X, double Y) Map(double x, double y) => thumbnail.FromSource.Apply(x, y);
        var labels = photo.Image.Instances.SelectMany(i => i.Keypoints).Select(k => k.IsLabeled ? Point(Map(k.X, k.Y), k.Visibility) : Keypoint.Missing).ToArray();
        var predicted = photo.Found?.Keypoints.Select(k => Point(Map(k.X, k.Y), Visibility.Visible)).ToArray();
        BoundingBox[]? boxes = photo.Found is { } found ? [MapBox(found.Box, Map)] : null;
        var title = photo.Error is not null ? $"{photo.Image.Path} · not predicted"
            : photo.MeanPxError is { } e ? $"{photo.Image.Path} · {e:F1} px · OKS {photo.Oks:F2}" : photo.Image.Path;
        return new ImagePanel(thumbnail.Image, labels, title, predicted, boxes);
    }

    /// <summary>
    /// The evaluation report page (opens offline): what was scored and how, the table (found crops, then label crops),
    /// error per keypoint, error CDF, PCK curve and the worst photos. <paramref name="subject"/> names the model (its run folder).
    /// </summary>
    public static string ReportHtml(PoseEvaluation evaluation, PoseDataset dataset, string subject, int worstPhotos = 8)
    {
        var found = evaluation.Found;
        var intro = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"<p>Model: <code>{HtmlReport.Encode(subject)}</code>; <b>{HtmlReport.Encode(evaluation.Split)}</b> split: {evaluation.Photos.Count} labelled photos " +
            $"({evaluation.UnlabelledPhotos} without labels skipped, {evaluation.FailedPhotos} could not be predicted), {found.Instances} animals, {found.MissedInstances} missed; " +
            $"flip test {(evaluation.FlipTest ? "on" : "off")}. Every figure is in the original photos' pixels; the animal was <b>found by the model</b>, " +
            $"the label-crop row is the same photos cropped around their labels (optimistic, shown for the gap).</p>\n" +
            $"<p>PCK length: {HtmlReport.Encode(found.Settings.Normalizer.Description)}; confidence cut-off for the kept figures: {found.Settings.ConfidenceCutoff:G3}; " +
            $"OKS area: {HtmlReport.Encode(EvaluationReportJson.OksAreaRule)}; OKS sigmas: {HtmlReport.Encode(found.Sigmas?.Source ?? "")}. Definitions: docs/metrics.md.</p>\n") +
            HtmlReport.Preformatted(EvaluationTable.Of(found, labelCrops: evaluation.LabelCrops).ToString());
        var figures = new List<PlotlyFigure> { KeypointErrors(evaluation), ErrorCdf(evaluation), PckCurve(evaluation) };
        if (evaluation.Photos.Count > 0 && worstPhotos > 0) figures.Add(WorstPhotos(evaluation, dataset, worstPhotos));
        return HtmlReport.Page("NewtPose evaluation report", intro, figures);
    }

    private static Keypoint Point((double X, double Y) p, Visibility v) => new(p.X, p.Y, v);
}
