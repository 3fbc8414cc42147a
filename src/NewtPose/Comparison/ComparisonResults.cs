using NewtPose.Evaluation;

namespace NewtPose.Comparison;

/// <summary>
/// The entries of one variant and train size over the seeds: each figure as mean ± sample sd (<see cref="Spread"/>).
/// </summary>
/// <param name="Variant">The variant's name.</param>
/// <param name="Backbone">Its backbone.</param>
/// <param name="Head">Its head.</param>
/// <param name="Pretrained">Whether the backbone starts from ImageNet weights.</param>
/// <param name="InputSize">Network input, "192x192".</param>
/// <param name="TrainSize">The train size asked for; null: the whole train split.</param>
/// <param name="Seeds">The seeds of the entries.</param>
/// <param name="Epochs">Epochs of the schedules.</param>
/// <param name="Parameters">Parameters of the network.</param>
/// <param name="TrainImagesPerSecond">Training throughput.</param>
/// <param name="InferencePhotosPerSecond">Photos per second through the engine, end to end.</param>
/// <param name="WallSeconds">Wall time of training and the final evaluation.</param>
/// <param name="WallCapHits">Entries the wall cap stopped.</param>
/// <param name="TrainPhotos">Labelled training photos (the same for every seed).</param>
/// <param name="Figures">Found-crop figures by <see cref="MetricColumn.Key"/> (those of <see cref="ComparisonResults.Figures"/>, plus every other of <see cref="MetricColumns.All"/>).</param>
/// <param name="PerKeypointMeanPx">Per keypoint (in skeleton order), its found-crop mean pixel error over the seeds.</param>
public sealed record ComparisonRow(string Variant, string Backbone, string Head, bool Pretrained, string InputSize, int? TrainSize, int TrainPhotos,
    IReadOnlyList<int> Seeds, Spread Epochs, long Parameters, Spread TrainImagesPerSecond, Spread InferencePhotosPerSecond, Spread WallSeconds,
    int WallCapHits, IReadOnlyDictionary<string, Spread?> Figures, IReadOnlyList<(string Keypoint, Spread? MeanPx)> PerKeypointMeanPx)
{
    public Spread? Figure(MetricColumn column) => Figures.GetValueOrDefault(column.Key);
}

/// <summary>A comparison's entries and their rows (one per variant and train size, in plan order).</summary>
public sealed record ComparisonResults(ComparisonPlan Plan, IReadOnlyList<ComparisonEntry> Entries, IReadOnlyList<ComparisonRow> Rows)
{
    /// <summary>The figures of the table and the charts: mean px, RMSE, median, PCK@0.05, OKS AP (found crops).</summary>
    public static IReadOnlyList<MetricColumn> Figures { get; } =
        [MetricColumns.MeanPxError, MetricColumns.RmsePx, MetricColumns.MedianPxError, MetricColumns.Pck005, MetricColumns.OksAp];

    /// <summary>Groups the entries by variant and train size (plan order) and takes the spread of every figure over the seeds.</summary>
    public static ComparisonResults Of(ComparisonPlan plan, IReadOnlyList<ComparisonEntry> entries)
    {
        var rows = new List<ComparisonRow>();
        foreach (var size in plan.TrainSizes?.Select(n => (int?)n) ?? [null])
            foreach (var variant in plan.Variants)
            {
                var group = entries.Where(e => e.Variant == variant.Name && e.TrainSize == size).OrderBy(e => e.Seed).ToArray();
                if (group.Length > 0) rows.Add(Row(group));
            }
        return new ComparisonResults(plan, entries, rows);
    }

    /// <summary>One row from the entries of one variant and train size.</summary>
    public static ComparisonRow Row(IReadOnlyList<ComparisonEntry> group)
    {
        if (group.Count == 0) throw new ArgumentException("A row needs at least one entry.", nameof(group));
        var first = group[0];
        Spread S(Func<ComparisonEntry, double> value) => Spread.Of(group.Select(value))!;
        var figures = MetricColumns.All.ToDictionary(c => c.Key, c => Spread.Of(group.Select(e => e.Figure(c))));
        var keypoints = first.PerKeypoint.Select((k, i) => (k.Name, Spread.Of(group.Select(e => i < e.PerKeypoint.Count ? e.PerKeypoint[i].Statistics.MeanPxError : null)))).ToArray();
        return new ComparisonRow(first.Variant, first.Backbone, first.Head, first.Pretrained, first.InputSize, first.TrainSize, first.TrainPhotos,
            group.Select(e => e.Seed).ToArray(), S(e => e.Epochs), first.Parameters, S(e => e.TrainImagesPerSecond), S(e => e.InferencePhotosPerSecond),
            S(e => e.WallSeconds), group.Count(e => e.WallCapHit), figures, keypoints);
    }
}
