using NewtPose.Data;

namespace NewtPose.ActiveLearning;

/// <summary>How <see cref="LabelMerge.Merge"/> folds corrections into a dataset.</summary>
public sealed record MergeOptions
{
    /// <summary>The round the added labels are recorded under (<see cref="LabelMerge.RoundAttribute"/>); null: one more than
    /// the highest round in the labels (1 when they record none).</summary>
    public int? Round { get; init; }

    /// <summary>Two labelled points closer than this (pixels) are the same label: COCO files written by NewtPose keep three
    /// decimals, so a label read back and written again moves by up to 0.0005 px.</summary>
    public double SamePointTolerance { get; init; } = 0.01;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad setting.</summary>
    public MergeOptions Validate()
    {
        if (Round is < 0 or > 10_000) throw new ArgumentException($"MergeOptions.Round = {Round} must be in [0, 10000].", nameof(Round));
        if (!(SamePointTolerance is >= 0 and <= 10)) throw new ArgumentException($"MergeOptions.SamePointTolerance = {SamePointTolerance} must be in [0, 10] px.", nameof(SamePointTolerance));
        return this;
    }
}

/// <summary>A photo of the corrections that was not added, and why (reported, never silently dropped).</summary>
public sealed record NotTaken(string Image, string Reason);

/// <summary>What <see cref="LabelMerge.Merge"/> made: the merged dataset (rooted where the labels are) and what it took.</summary>
/// <param name="Merged">Every label of the original, in order, then the photos the corrections added.</param>
/// <param name="Round">The round the added labels carry.</param>
/// <param name="PhotosAdded">Photos that received labels (new photos, or photos of the labels that had none).</param>
/// <param name="AnimalsAdded">Instances added.</param>
/// <param name="PointsAdded">Labelled points (v = 1 or 2) added.</param>
/// <param name="NotTaken">Photos of the corrections not added, each with the reason.</param>
public sealed record MergeResult(PoseDataset Merged, int Round, int PhotosAdded, int AnimalsAdded, int PointsAdded, IReadOnlyList<NotTaken> NotTaken);
