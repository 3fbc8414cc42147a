namespace NewtPose.Evaluation;

/// <summary>One prediction for COCO's AP: its score (ranks predictions across photos) and the OKS with the ground-truth animal it was matched to (0 when none).</summary>
public readonly record struct RankedPrediction(double Score, double Oks);

/// <summary>
/// COCO's keypoint average precision and recall, as pycocotools' COCOeval computes them (evaluateImg + accumulate +
/// summarize) for one category, area "all", one prediction per photo: at each OKS threshold t of 0.50:0.05:0.95 a
/// prediction is a true positive when its OKS ≥ t, the predictions of all photos are ranked by score (a stable sort, as
/// COCO's mergesort), precision is made monotone from the right and read at the 101 recall points 0:0.01:1
/// (searchsorted, left); AP is the mean over thresholds and recall points, AR the mean over thresholds of the final
/// recall. Ground truths are every labelled animal, matched or not.
/// </summary>
public static class CocoAveragePrecision
{
    /// <summary>np.linspace(.5, 0.95, 10), value for value.</summary>
    public static IReadOnlyList<double> OksThresholds { get; } = Linspace(0.5, 0.95, 10);

    /// <summary>np.linspace(.0, 1.00, 101), value for value.</summary>
    public static IReadOnlyList<double> RecallThresholds { get; } = Linspace(0.0, 1.0, 101);

    /// <summary>(AP, AR); both null when there is no ground truth (COCO's −1).</summary>
    public static (double? Ap, double? Ar) Compute(IReadOnlyList<RankedPrediction> predictions, int groundTruths)
    {
        if (groundTruths <= 0) return (null, null);
        var ranked = predictions.Select((p, i) => (p, i)).OrderByDescending(x => x.p.Score).ThenBy(x => x.i).Select(x => x.p).ToArray();
        double apSum = 0, arSum = 0;
        foreach (var t in OksThresholds)
        {
            var threshold = Math.Min(t, 1 - 1e-10);
            var recall = new double[ranked.Length];
            var precision = new double[ranked.Length];
            double tp = 0, fp = 0;
            for (var i = 0; i < ranked.Length; i++)
            {
                if (ranked[i].Oks >= threshold) tp++; else fp++;
                recall[i] = tp / groundTruths;
                precision[i] = tp / (fp + tp + Spacing1);
            }
            for (var i = ranked.Length - 1; i > 0; i--)
                if (precision[i] > precision[i - 1]) precision[i - 1] = precision[i];
            double q = 0;
            foreach (var r in RecallThresholds)
            {
                var index = SearchSortedLeft(recall, r);
                if (index < precision.Length) q += precision[index];
            }
            apSum += q / RecallThresholds.Count;
            arSum += ranked.Length > 0 ? recall[^1] : 0;
        }
        return (apSum / OksThresholds.Count, arSum / OksThresholds.Count);
    }

    /// <summary>np.spacing(1): the gap between 1 and the next double, which COCO adds to denominators.</summary>
    private const double Spacing1 = 2.220446049250313e-16;

    /// <summary>The first index whose value is ≥ <paramref name="value"/> (numpy's searchsorted, side "left").</summary>
    private static int SearchSortedLeft(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>numpy's linspace: start + i·step, the last value exactly <paramref name="stop"/>.</summary>
    private static double[] Linspace(double start, double stop, int count)
    {
        var step = (stop - start) / (count - 1);
        var values = Enumerable.Range(0, count).Select(i => i * step + start).ToArray();
        values[^1] = stop;
        return values;
    }
}
