using NewtPose.Training;

namespace NewtPose.Comparison;

/// <summary>What a comparison is doing: measuring speed, training, timing inference, or done with an entry.</summary>
public enum ComparisonStage { Probe, Train, Inference, Finished, Skipped }

/// <summary>
/// Progress of a comparison: entry <paramref name="Entry"/> of <paramref name="Entries"/> (1-based), its stage, the trainer's
/// own event while it trains, the finished entry, and an estimate of the time left.
/// </summary>
/// <param name="Entry">1-based index of the entry.</param>
/// <param name="Entries">Entries in the plan.</param>
/// <param name="Key">Which entry.</param>
/// <param name="Stage">What it is doing.</param>
/// <param name="Eta">Time left for the whole comparison: the budget of each entry left (minutes budget), else the mean wall time of the
/// entries finished in this process per epoch·photo times what is left; null until there is something to estimate from.</param>
public sealed record ComparisonProgress(int Entry, int Entries, EntryKey Key, ComparisonStage Stage, TimeSpan? Eta)
{
    public TrainingEvent? Training { get; init; }
    public ComparisonEntry? Result { get; init; }
    /// <summary>Epochs of the entry's schedule, once known.</summary>
    public int? Epochs { get; init; }
}
