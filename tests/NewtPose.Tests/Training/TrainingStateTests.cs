using NewtPose.Evaluation;
using NewtPose.Training;

namespace NewtPose.Tests.Training;

public class TrainingStateTests
{
    private static EpochRecord Epoch(int epoch, double loss, double? validationError) => new(epoch, loss, 1e-3, 1e-4,
        validationError is null ? null : new PointStatistics { Count = 10, MeanPxError = validationError, RmsePx = validationError, Pck005 = 0.5, Pck01 = 0.7, Pck02 = 0.9 }, 1, 10);

    [Fact]
    public void The_best_epoch_follows_validation_error_and_patience_stops_the_run()
    {
        var state = TrainingState.Start;
        foreach (var (epoch, error) in new[] { (1, 5.0), (2, 4.0), (3, 4.5) })
        {
            state = state.After(Epoch(epoch, 1.0 / epoch, error), patience: 2);
            Assert.False(state.StoppedEarly);
        }
        Assert.Equal((2, 4.0, 1), (state.BestEpoch, state.BestError, state.EpochsWithoutImprovement));

        state = state.After(Epoch(4, 0.2, 4.0), patience: 2); // equal is not better
        Assert.True(state.StoppedEarly);
        Assert.Equal(2, state.BestEpoch);
        Assert.Equal([1, 2, 3, 4], state.History.Select(r => r.Epoch));
    }

    [Fact]
    public void Without_validation_the_best_epoch_follows_training_loss_and_the_run_never_stops_early()
    {
        var state = TrainingState.Start;
        foreach (var (epoch, loss) in new[] { (1, 0.5), (2, 0.3), (3, 0.4), (4, 0.45), (5, 0.6) })
            state = state.After(Epoch(epoch, loss, null), patience: 1);
        Assert.Equal(2, state.BestEpoch);
        Assert.False(state.StoppedEarly);
    }
}
