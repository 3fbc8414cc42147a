using NewtPose.Data;

namespace NewtPose.Evaluation;

/// <summary>A predicted keypoint in the pixels of the source photo, with the head's confidence in [0, 1].</summary>
public readonly record struct PredictedKeypoint(double X, double Y, double Confidence);

/// <summary>
/// One ground-truth animal to score, in the pixels of the ORIGINAL photo: its labels, the prediction matched to it
/// (null when it got none: it counts as missed), and its labelled box when the format has one (PCK's length and OKS's
/// area, else the box around its labelled points).
/// </summary>
public sealed record EvaluationCase(IReadOnlyList<Keypoint> Truth, IReadOnlyList<PredictedKeypoint>? Prediction, BoundingBox? Box = null)
{
    /// <summary>The prediction's instance score, which ranks predictions across photos for OKS AP; null: its mean keypoint confidence.</summary>
    public double? Score { get; init; }
}

/// <summary>Keypoint metrics as pure functions over predictions and ground truth in source pixels (definitions: docs/metrics.md).</summary>
public static class KeypointMetrics
{
    /// <summary>The PCK thresholds of <see cref="PointStatistics.Pck005"/>, <see cref="PointStatistics.Pck01"/> and <see cref="PointStatistics.Pck02"/>.</summary>
    public static readonly double[] PckAlphas = [0.05, 0.1, 0.2];

    /// <summary>
    /// Scores every labelled ground-truth point; unlabelled ones (v = 0) are neither scored nor counted, and a case with
    /// no labelled point is left out (COCO ignores such animals). Sigmas: <paramref name="options"/>'s, else the default.
    /// </summary>
    public static EvaluationReport Evaluate(IReadOnlyList<string> keypointNames, IReadOnlyList<EvaluationCase> cases, MetricsOptions? options = null)
    {
        options ??= new MetricsOptions();
        options.Validate();
        options.Normalizer.Check(keypointNames);
        var k = keypointNames.Count;
        var sigmas = options.Sigmas ?? OksSigmas.Default(k);
        if (sigmas.Values.Count != k) throw new ArgumentException($"{sigmas.Values.Count} OKS sigmas were given for {k} keypoints.");

        var points = new List<ScoredPoint>();
        var missed = new int[k];
        var ranked = new List<RankedPrediction>();
        var rankedPerKeypoint = Enumerable.Range(0, k).Select(_ => new List<RankedPrediction>()).ToArray();
        var truthsPerKeypoint = new int[k];
        var results = new List<CaseResult>(cases.Count);
        int instances = 0, missedInstances = 0;
        for (var c = 0; c < cases.Count; c++)
        {
            var item = cases[c];
            if (item.Truth.Count != k || item.Prediction is { } p0 && p0.Count != k)
                throw new ArgumentException($"Evaluation case {c} has {item.Truth.Count} true and {item.Prediction?.Count} predicted keypoints; the skeleton has {k}.");
            var labelled = Enumerable.Range(0, k).Where(j => item.Truth[j].IsLabeled).ToArray();
            if (labelled.Length == 0) { results.Add(new CaseResult(c, 0, null, null)); continue; }
            instances++;
            foreach (var j in labelled) truthsPerKeypoint[j]++;
            if (item.Prediction is not { } prediction)
            {
                missedInstances++;
                foreach (var j in labelled) missed[j]++;
                results.Add(new CaseResult(c, 0, null, null));
                continue;
            }
            var area = Area(item.Truth, item.Box);
            var size = options.Normalizer.Length(keypointNames, item.Truth, item.Box);
            var score = item.Score ?? prediction.Average(q => q.Confidence);
            double distanceSum = 0, similaritySum = 0;
            foreach (var j in labelled)
            {
                var (truth, q) = (item.Truth[j], prediction[j]);
                if (!double.IsFinite(q.X) || !double.IsFinite(q.Y))
                    throw new ArgumentException($"Evaluation case {c}, keypoint '{keypointNames[j]}': the prediction ({q.X}, {q.Y}) is not a finite position.");
                var distance = Math.Sqrt((q.X - truth.X) * (q.X - truth.X) + (q.Y - truth.Y) * (q.Y - truth.Y));
                var similarity = Similarity(distance, area, sigmas.Values[j]);
                points.Add(new ScoredPoint(c, j, distance, size, q.Confidence));
                rankedPerKeypoint[j].Add(new RankedPrediction(score, similarity));
                distanceSum += distance;
                similaritySum += similarity;
            }
            var oks = similaritySum / labelled.Length;
            ranked.Add(new RankedPrediction(score, oks));
            results.Add(new CaseResult(c, labelled.Length, distanceSum / labelled.Length, oks));
        }

        var cutoff = options.ConfidenceCutoff;
        var keypoints = keypointNames.Select((name, j) => new KeypointStatistics(name,
            Statistics(points.Where(p => p.Keypoint == j).ToList(), missed[j], rankedPerKeypoint[j], truthsPerKeypoint[j], cutoff))).ToArray();
        var overall = Statistics(points, missed.Sum(), ranked, instances, cutoff);
        return new EvaluationReport(instances, overall, keypoints)
        {
            MissedInstances = missedInstances, Settings = options with { Sigmas = sigmas }, Sigmas = sigmas, Points = points, Cases = results,
        };
    }

    /// <summary>
    /// COCO's object keypoint similarity of one prediction with one animal: the mean over its labelled points of
    /// exp(−d² / (2 · area · (2σ)²)) (pycocotools' computeOks, with its np.spacing(1) in the area); null when no point is labelled.
    /// </summary>
    public static double? Oks(IReadOnlyList<Keypoint> truth, IReadOnlyList<PredictedKeypoint> prediction, double area, IReadOnlyList<double> sigmas)
    {
        double sum = 0;
        var n = 0;
        for (var j = 0; j < truth.Count; j++)
        {
            if (!truth[j].IsLabeled) continue;
            var (dx, dy) = (prediction[j].X - truth[j].X, prediction[j].Y - truth[j].Y);
            sum += Similarity(Math.Sqrt(dx * dx + dy * dy), area, sigmas[j]);
            n++;
        }
        return n > 0 ? sum / n : null;
    }

    private static double Similarity(double distance, double area, double sigma) =>
        Math.Exp(-(distance * distance) / ((2 * sigma) * (2 * sigma)) / (area + 2.220446049250313e-16) / 2);

    /// <summary>
    /// The animal's area for OKS: the labelled box's width × height when it has one, else that of the box around its
    /// labelled points. COCO uses the segmentation area, which pose labels rarely have; a box is larger, so OKS here is
    /// a little more lenient than on a segmented COCO animal of the same size (docs/metrics.md).
    /// </summary>
    public static double Area(IReadOnlyList<Keypoint> truth, BoundingBox? box)
    {
        if (box is { } b && b.Width * b.Height > 0) return b.Width * b.Height;
        return BoundingBox.AroundLabeled(truth) is { } extent ? extent.Width * extent.Height : 0;
    }

    /// <summary>
    /// The length PCK is normalised by by default: the larger side of the labelled box if given, else the larger side of
    /// the box around the labelled keypoints; 0 when neither exists or it is degenerate (a single labelled point).
    /// </summary>
    public static double InstanceSize(IReadOnlyList<Keypoint> truth, BoundingBox? box)
    {
        if (box is { } b && Math.Max(b.Width, b.Height) > 0) return Math.Max(b.Width, b.Height);
        return BoundingBox.AroundLabeled(truth) is { } extent ? Math.Max(extent.Width, extent.Height) : 0;
    }

    /// <summary>PCK at any α over the scored points of a report (the PCK-against-α curve); null without a sized point.</summary>
    public static double? Pck(IReadOnlyList<ScoredPoint> points, double alpha)
    {
        var sized = points.Where(p => p.Size is not null).ToArray();
        return sized.Length == 0 ? null : sized.Count(p => p.Distance <= alpha * p.Size!.Value) / (double)sized.Length;
    }

    private static PointStatistics Statistics(IReadOnlyList<ScoredPoint> points, int missed, IReadOnlyList<RankedPrediction> ranked, int truths, double cutoff)
    {
        var (ap, ar) = CocoAveragePrecision.Compute(ranked, truths);
        var confident = points.Where(p => p.Confidence >= cutoff).Select(p => p.Distance).ToArray();
        var distances = points.Select(p => p.Distance).Order().ToArray();
        var sized = points.Count(p => p.Size is not null);
        return new PointStatistics
        {
            Count = points.Count,
            Missed = missed,
            MeanPxError = Mean(distances),
            RmsePx = Rms(distances),
            MedianPxError = Median(distances),
            PckCount = sized,
            Pck005 = Pck(points, PckAlphas[0]),
            Pck01 = Pck(points, PckAlphas[1]),
            Pck02 = Pck(points, PckAlphas[2]),
            ConfidentCount = confident.Length,
            ConfidentFraction = points.Count > 0 ? confident.Length / (double)points.Count : null,
            ConfidentMeanPxError = Mean(confident),
            ConfidentRmsePx = Rms(confident),
            OksCount = truths,
            OksAp = ap,
            OksAr = ar,
        };
    }

    private static double? Mean(double[] values) => values.Length > 0 ? values.Average() : null;
    private static double? Rms(double[] values) => values.Length > 0 ? Math.Sqrt(values.Select(d => d * d).Average()) : null;

    private static double? Median(double[] sorted)
    {
        if (sorted.Length == 0) return null;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

/// <summary>The cases of one photo's labelled animals and which of them the photo's one prediction was matched to.</summary>
/// <param name="Cases">One case per labelled animal of the photo, in the order given.</param>
/// <param name="Matched">Index (into the animals given) of the animal the prediction was matched to; −1 without a prediction.</param>
public sealed record PhotoCases(IReadOnlyList<EvaluationCase> Cases, int Matched)
{
    /// <summary>
    /// Matches one prediction to the labelled animal it fits best by OKS (ties: the first); every other animal of the
    /// photo gets no prediction and counts as missed. With one prediction per photo this is the animal COCO's greedy
    /// matching picks at every threshold it matches at all. Animals without a labelled point are skipped.
    /// </summary>
    public static PhotoCases Match(IReadOnlyList<PoseInstance> animals, IReadOnlyList<PredictedKeypoint>? prediction, double? score, IReadOnlyList<double> sigmas)
    {
        var best = -1;
        var bestOks = double.NegativeInfinity;
        if (prediction is not null)
            for (var i = 0; i < animals.Count; i++)
            {
                if (animals[i].LabeledCount == 0) continue;
                var oks = KeypointMetrics.Oks(animals[i].Keypoints, prediction, KeypointMetrics.Area(animals[i].Keypoints, animals[i].Box), sigmas) ?? double.NegativeInfinity;
                if (oks > bestOks) (best, bestOks) = (i, oks);
            }
        var cases = animals.Select((a, i) => (a, i)).Where(x => x.a.LabeledCount > 0)
            .Select(x => new EvaluationCase(x.a.Keypoints, x.i == best ? prediction : null, x.a.Box) { Score = score }).ToArray();
        return new PhotoCases(cases, best);
    }
}
