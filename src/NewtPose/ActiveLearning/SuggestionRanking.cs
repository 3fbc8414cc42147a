using NewtPose.Data;
using NewtPose.Inference;

namespace NewtPose.ActiveLearning;

/// <summary>How <see cref="SuggestionRanking.Rank"/> combines the measures and keeps the chosen photos apart.</summary>
public sealed record RankingOptions
{
    /// <summary>Photos to choose.</summary>
    public int Count { get; init; } = 10;

    /// <summary>Weight of the low-confidence rank in the combined score.</summary>
    public double ConfidenceWeight { get; init; } = 1;

    /// <summary>Weight of the flip-disagreement rank (used only when every photo has the flip test).</summary>
    public double FlipWeight { get; init; } = 1;

    /// <summary>Weight of the implausibility rank (used only when the pool was scored against labels).</summary>
    public double ImplausibilityWeight { get; init; } = 1;

    /// <summary>Weight of the ensemble-disagreement rank (used only when every photo was predicted by several runs).</summary>
    public double EnsembleWeight { get; init; } = 1;

    /// <summary>A photo whose normalised predicted pose (<see cref="PoseShape.Normalised"/>) lies closer than this
    /// (root-mean-square, in body sizes) to a photo already chosen is a near-duplicate and is passed over.</summary>
    public double MinPoseDistance { get; init; } = 0.05;

    public RankingOptions Validate()
    {
        if (Count < 1) throw new ArgumentException($"RankingOptions.Count = {Count} must be at least 1.", nameof(Count));
        foreach (var (w, name) in new[] { (ConfidenceWeight, nameof(ConfidenceWeight)), (FlipWeight, nameof(FlipWeight)), (ImplausibilityWeight, nameof(ImplausibilityWeight)), (EnsembleWeight, nameof(EnsembleWeight)) })
            if (!(w is >= 0 and <= 1000)) throw new ArgumentException($"RankingOptions.{name} = {w} must be in [0, 1000].", name);
        if (ConfidenceWeight + FlipWeight + ImplausibilityWeight + EnsembleWeight <= 0) throw new ArgumentException("RankingOptions: at least one weight must be positive.");
        if (!(MinPoseDistance is >= 0 and <= 10)) throw new ArgumentException($"RankingOptions.MinPoseDistance = {MinPoseDistance} must be in [0, 10].", nameof(MinPoseDistance));
        return this;
    }
}

/// <summary>One photo of the pool after ranking.</summary>
/// <param name="Uncertainty">Its measures.</param>
/// <param name="Combined">The weighted mean of its measures' rank scores, in [0, 1]; 1 = the most uncertain on every measure.</param>
/// <param name="Order">Its place by <see cref="Combined"/> (1 = most uncertain).</param>
/// <param name="Chosen">1-based place among the chosen photos, or null.</param>
/// <param name="NearDuplicateOf">When passed over as a near-duplicate: the chosen photo it resembles.</param>
public sealed record RankedPhoto(PhotoUncertainty Uncertainty, double Combined, int Order, int? Chosen, string? NearDuplicateOf);

/// <summary>
/// Orders a pool by a combined uncertainty and chooses the top photos without near-duplicates. Each measure is turned into
/// a rank score (the photo's rank among the pool divided by pool size − 1, ties sharing their mean rank), so measures on
/// different scales weigh as their weights say; the combined score is the weighted mean of those. Photos are then taken
/// greedily in that order, skipping one whose normalised predicted pose lies within
/// <see cref="RankingOptions.MinPoseDistance"/> of one already taken.
/// </summary>
public static class SuggestionRanking
{
    /// <summary>The pool in combined order. <paramref name="predictions"/> are matched to <paramref name="pool"/> by index.</summary>
    public static IReadOnlyList<RankedPhoto> Rank(IReadOnlyList<PhotoUncertainty> pool, IReadOnlyList<PhotoPrediction> predictions, Skeleton skeleton, RankingOptions? options = null)
    {
        options = (options ?? new RankingOptions()).Validate();
        if (pool.Count != predictions.Count) throw new ArgumentException($"{pool.Count} scored photos but {predictions.Count} predictions.", nameof(predictions));
        if (pool.Count == 0) return [];
        var measures = new List<(double Weight, double[] Scores)>
        {
            (options.ConfidenceWeight, RankScores(pool.Select(p => p.LowConfidence).ToArray())),
        };
        if (pool.All(p => p.Implausibility is not null)) measures.Add((options.ImplausibilityWeight, RankScores(pool.Select(p => p.Implausibility!.Value).ToArray())));
        if (pool.All(p => p.FlipDisagreement is not null)) measures.Add((options.FlipWeight, RankScores(pool.Select(p => p.FlipDisagreement!.Value).ToArray())));
        if (pool.All(p => p.EnsembleDisagreement is not null)) measures.Add((options.EnsembleWeight, RankScores(pool.Select(p => p.EnsembleDisagreement!.Value).ToArray())));
        var total = measures.Sum(m => m.Weight);
        if (total <= 0) throw new ArgumentException("RankingOptions: every measure available for this pool has weight 0.");
        var combined = Enumerable.Range(0, pool.Count).Select(i => measures.Sum(m => m.Weight * m.Scores[i]) / total).ToArray();
        // Ties keep the pool's order, so the result never depends on a sort's whims.
        var order = Enumerable.Range(0, pool.Count).OrderByDescending(i => combined[i]).ThenBy(i => i).ToArray();

        var chosen = new List<(int Index, (double X, double Y)[]? Shape)>();
        var result = new RankedPhoto[pool.Count];
        for (var place = 0; place < order.Length; place++)
        {
            var i = order[place];
            int? pick = null;
            string? duplicateOf = null;
            if (chosen.Count < options.Count)
            {
                var shape = PoseShape.Normalised(predictions[i].Keypoints.Select(p => (p.X, p.Y)).ToArray(), skeleton);
                var near = shape is null ? -1 : chosen.FindIndex(c => c.Shape is not null && PoseShape.Distance(shape, c.Shape) < options.MinPoseDistance);
                if (near >= 0) duplicateOf = pool[chosen[near].Index].Path;
                else { chosen.Add((i, shape)); pick = chosen.Count; }
            }
            result[place] = new RankedPhoto(pool[i], combined[i], place + 1, pick, duplicateOf);
        }
        return result;
    }

    /// <summary>Each value's rank in [0, 1] (0 = smallest, 1 = largest), tied values sharing their mean rank; 0.5 for a pool of one.</summary>
    public static double[] RankScores(IReadOnlyList<double> values)
    {
        if (values.Count == 1) return [0.5];
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var scores = new double[values.Count];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            var rank = 0.5 * (start + end) / (values.Count - 1);
            for (var j = start; j <= end; j++) scores[order[j]] = rank;
            start = end + 1;
        }
        return scores;
    }
}
