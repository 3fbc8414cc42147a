using NewtPose.Training;

namespace NewtPose.Tests.Training;

public class LearningRateScheduleTests
{
    private static readonly TrainingOptions Cosine = new() { Epochs = 10, WarmupEpochs = 1, MinLearningRateFactor = 0.01 };

    [Fact]
    public void Warmup_rises_linearly_to_the_base_rate()
    {
        Assert.Equal(0.25, LearningRateSchedule.Factor(Cosine, 1, 0, 4), 12);
        Assert.Equal(0.5, LearningRateSchedule.Factor(Cosine, 1, 1, 4), 12);
        Assert.Equal(1.0, LearningRateSchedule.Factor(Cosine, 1, 3, 4), 12);
        Assert.Equal(1.0, LearningRateSchedule.Factor(Cosine, 2, 0, 4), 12);
    }

    [Fact]
    public void Cosine_decays_monotonically_to_the_floor_at_the_last_step()
    {
        var factors = Enumerable.Range(2, 9).SelectMany(e => Enumerable.Range(0, 4).Select(s => LearningRateSchedule.Factor(Cosine, e, s, 4))).ToArray();
        Assert.All(factors.Zip(factors.Skip(1)), p => Assert.True(p.Second < p.First));
        Assert.Equal(0.01, factors[^1], 12);
        Assert.Equal(0.505, LearningRateSchedule.Factor(Cosine with { Epochs = 3, WarmupEpochs = 0 }, 2, 1, 3), 12); // step 4 of 0..8: t = 0.5
    }

    [Fact]
    public void Step_schedule_multiplies_by_gamma_every_period()
    {
        var step = new TrainingOptions { Epochs = 9, WarmupEpochs = 0, Schedule = LearningRateScheduleKind.Step, StepEveryEpochs = 3, StepGamma = 0.1 };
        Assert.Equal([1, 1, 1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01], Enumerable.Range(1, 9).Select(e => Math.Round(LearningRateSchedule.Factor(step, e, 0, 5), 12)));
    }

    [Fact]
    public void Positions_outside_the_run_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Factor(Cosine, 11, 0, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Factor(Cosine, 1, 4, 4));
    }
}
