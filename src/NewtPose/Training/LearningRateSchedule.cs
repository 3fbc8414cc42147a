namespace NewtPose.Training;

/// <summary>
/// The learning-rate factor as a pure function of the position in training, so a resumed run sets exactly the rate an
/// uninterrupted run would have set (nothing about the schedule lives in the optimizer).
/// </summary>
public static class LearningRateSchedule
{
    /// <summary>Multiplier of the base rates for the optimizer step taken at (<paramref name="epoch"/>, <paramref name="step"/>).</summary>
    /// <param name="options">Schedule settings, the epochs resolved (<see cref="TrainingOptions.ForTrainSet"/>; a trainer's options are).</param>
    /// <param name="epoch">1-based epoch.</param>
    /// <param name="step">0-based step within the epoch.</param>
    /// <param name="stepsPerEpoch">Optimizer steps in every epoch.</param>
    public static double Factor(TrainingOptions options, int epoch, int step, int stepsPerEpoch)
    {
        if (stepsPerEpoch < 1) throw new ArgumentOutOfRangeException(nameof(stepsPerEpoch), "At least one step per epoch is needed.");
        if (epoch < 1 || epoch > options.ScheduledEpochs) throw new ArgumentOutOfRangeException(nameof(epoch), $"Epoch {epoch} is outside 1..{options.ScheduledEpochs}.");
        if (step < 0 || step >= stepsPerEpoch) throw new ArgumentOutOfRangeException(nameof(step), $"Step {step} is outside 0..{stepsPerEpoch - 1}.");

        long globalStep = (long)(epoch - 1) * stepsPerEpoch + step;
        long totalSteps = (long)options.ScheduledEpochs * stepsPerEpoch;
        var warmupSteps = (long)Math.Round(options.WarmupEpochs * stepsPerEpoch);
        // Warm-up ends at the base rate; step g of the warm-up uses (g + 1) / warmupSteps so the first step is not wasted at 0.
        var warmup = globalStep < warmupSteps ? (globalStep + 1.0) / warmupSteps : 1.0;

        var decay = options.Schedule switch
        {
            LearningRateScheduleKind.Cosine => Cosine(options.MinLearningRateFactor, globalStep - warmupSteps, totalSteps - warmupSteps),
            LearningRateScheduleKind.Step => Math.Pow(options.StepGamma, (epoch - 1) / options.StepEveryEpochs),
            _ => throw new ArgumentOutOfRangeException(nameof(options), $"Unknown schedule {options.Schedule}."),
        };
        return warmup * decay;
    }

    private static double Cosine(double floor, long stepAfterWarmup, long stepsAfterWarmup)
    {
        if (stepAfterWarmup <= 0 || stepsAfterWarmup <= 1) return 1.0;
        var t = Math.Min(1.0, stepAfterWarmup / (double)(stepsAfterWarmup - 1));
        return floor + (1 - floor) * 0.5 * (1 + Math.Cos(Math.PI * t));
    }
}
