using NewtPose.Charts;
using NewtPose.Inference;
using NewtPose.Models;

namespace NewtPose.ActiveLearning;

/// <summary>A scored pool: every photo's result from the first run, the readable photos ranked, and the chosen ones in order.</summary>
/// <param name="Results">Each photo's result, in pool order: the first run's prediction, or the error of a run that could not read it.</param>
/// <param name="Ranked">The readable photos in combined order (<see cref="SuggestionRanking.Rank"/>).</param>
/// <param name="Chosen">The chosen photos in order, each with the first run's prediction.</param>
public sealed record PoolScores(IReadOnlyList<PhotoResult> Results, IReadOnlyList<RankedPhoto> Ranked, IReadOnlyList<(RankedPhoto Rank, PhotoPrediction Prediction)> Chosen);

/// <summary>
/// Scores an unlabelled pool for the next round of labelling: every run predicts every photo through its
/// <see cref="PoseEngine"/> (the one prediction path), the first run's predictions are scored
/// (<see cref="PhotoUncertainty.Of"/>, the other runs giving the ensemble disagreement) and ranked.
/// </summary>
public static class PoolScoring
{
    /// <summary>
    /// The engine `newtpose suggest` scores a pool with: the run's model with the flip test wherever it was trained with
    /// flips, so the flip test's two branches exist and flip disagreement is measured.
    /// </summary>
    public static PoseEngine OpenEngine(string runFolder, int batchSize = 8)
    {
        var flips = PoseModels.LoadCard(runFolder).TrainedWithFlips == true;
        return PoseEngine.Open(runFolder, new EngineOptions { FlipTest = flips, BatchSize = batchSize });
    }

    /// <summary>
    /// The chosen photos in order, as a table (shows as HTML in a notebook): their place, the image (relative to
    /// <paramref name="imagesRoot"/>), the combined score and each measure (– where not measured).
    /// </summary>
    public static Table ChosenTable(PoolScores scores, string imagesRoot, string? title = null) => new(
        ["chosen", "image", "combined", "low confidence", "flip disagreement", "implausibility", "ensemble disagreement"],
        scores.Chosen.Select(c => (IReadOnlyList<string>)
        [
            Table.Cell(c.Rank.Chosen), PredictionFiles.ImageName(c.Prediction.Path, imagesRoot), Number(c.Rank.Combined), Number(c.Rank.Uncertainty.LowConfidence),
            Number(c.Rank.Uncertainty.FlipDisagreement), Number(c.Rank.Uncertainty.Implausibility), Number(c.Rank.Uncertainty.EnsembleDisagreement),
        ]).ToArray(), title);

    private static string Number(double? v) => v is { } x ? x.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "–";

    /// <param name="runs">One engine per run; the first one's predictions are the suggestions. Give the engines the flip
    /// test where their models allow it, so flip disagreement is measured.</param>
    /// <param name="photos">The pool, in order.</param>
    /// <param name="prior">The labels' pose prior (<see cref="PosePrior.None"/> when there are none).</param>
    /// <param name="options">Weights, count and the near-duplicate distance.</param>
    /// <param name="progress">Photos predicted so far (summed over runs).</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    public static PoolScores Score(IReadOnlyList<PoseEngine> runs, IReadOnlyList<string> photos, PosePrior prior, RankingOptions? options = null,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        if (runs.Count == 0) throw new ArgumentException("At least one run is needed.", nameof(runs));
        foreach (var run in runs.Skip(1))
            if (!run.Model.Keypoints.SequenceEqual(runs[0].Model.Keypoints))
                throw new ArgumentException($"The runs predict different keypoints ({string.Join(", ", run.Model.Keypoints.Take(4))}… vs {string.Join(", ", runs[0].Model.Keypoints.Take(4))}…); an ensemble needs one skeleton.", nameof(runs));
        if (!runs[0].Model.Keypoints.SequenceEqual(prior.Skeleton.Keypoints))
            throw new ArgumentException($"The model's keypoints ({string.Join(", ", runs[0].Model.Keypoints)}) are not the labels' ({string.Join(", ", prior.Skeleton.Keypoints)}).", nameof(prior));
        var done = 0;
        var perRun = runs.Select(engine => engine.PredictMany(photos, cancellationToken).Select(r => { progress?.Report(++done); return r; }).ToArray()).ToArray();
        var readable = Enumerable.Range(0, photos.Count).Where(i => perRun.All(r => r[i].Prediction is not null)).ToArray();
        var predictions = readable.Select(i => perRun[0][i].Prediction!).ToArray();
        var pool = readable.Select(i => PhotoUncertainty.Of(perRun[0][i].Prediction!, prior, perRun.Skip(1).Select(r => r[i].Prediction!).ToArray())).ToArray();
        var ranked = SuggestionRanking.Rank(pool, predictions, prior.Skeleton, options);
        var byPath = predictions.ToDictionary(p => p.Path, StringComparer.Ordinal);
        var chosen = ranked.Where(r => r.Chosen is not null).OrderBy(r => r.Chosen).Select(r => (r, byPath[r.Uncertainty.Path])).ToArray();
        // A photo some run could not read is reported with that run's error, so no photo leaves the pool unexplained.
        var results = Enumerable.Range(0, photos.Count).Select(i => perRun.Select(r => r[i]).FirstOrDefault(r => r.Prediction is null) ?? perRun[0][i]).ToArray();
        return new PoolScores(results, ranked, chosen);
    }
}
