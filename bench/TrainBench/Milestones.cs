using NewtPose.Training;

/// <summary>When a run first reached a validation threshold: the epoch and the wall time summed over epochs up to it.</summary>
internal sealed record Milestone(int Epoch, double Seconds);

internal static class Milestones
{
    /// <summary>The first epoch whose validation PCK@0.05 is at least <paramref name="threshold"/>; null when none reached it.</summary>
    public static Milestone? FirstPck005(IReadOnlyList<EpochRecord> epochs, double threshold)
    {
        double seconds = 0;
        foreach (var e in epochs)
        {
            seconds += e.Seconds;
            if (e.Validation?.Pck005 is { } pck && pck >= threshold) return new Milestone(e.Epoch, seconds);
        }
        return null;
    }

    /// <summary>The epoch with the lowest validation mean pixel error (what the trainer keeps as best), or null.</summary>
    public static EpochRecord? Best(IReadOnlyList<EpochRecord> epochs) =>
        epochs.Where(e => e.Validation?.MeanPxError is not null).MinBy(e => e.Validation!.MeanPxError!.Value);
}
