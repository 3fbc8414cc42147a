using NewtPose.Cli.Progress;
using NewtPose.Evaluation;
using NewtPose.Training;

namespace NewtPose.Tests.Cli;

public class ConsoleTrainingProgressTests
{
    private static readonly EpochRecord Record = new(3, 0.0123, 0.00098, 0.000098, new PointStatistics { Count = 40, MeanPxError = 4.214, RmsePx = 5.0, Pck005 = 0.81, Pck01 = 0.9, Pck02 = 1.0 }, 40.12, 12.34);

    [Fact]
    public void An_interactive_console_redraws_a_bar_and_ends_the_epoch_with_a_summary_line()
    {
        var output = new StringWriter();
        var progress = new ConsoleTrainingProgress(output, interactive: true);
        progress.Report(new EpochStarted(3, 80, 2, 0.001, false));
        progress.Report(new BatchCompleted(3, 1, 2, 0.5, 10));
        progress.Report(new BatchCompleted(3, 2, 2, 0.25, 11));
        progress.Report(new EpochCompleted(Record));
        var text = output.ToString();
        Assert.Contains("\repoch 3/80 [###############...............] 1/2 loss 0.5 10.0 img/s", text);
        Assert.Contains("\repoch 3/80 [##############################] 2/2 loss 0.25 11.0 img/s", text);
        // One epoch of 40.1 s done in this process, 77 to go.
        Assert.EndsWith("\repoch 3/80 loss 0.0123 lr 0.00098 | val (label crops) mean px 4.21, RMSE px 5.00, PCK@.05 81.0%, OKS AP n/a (40 points) | 12.3 img/s, 40.1 s | elapsed 0:40, ETA 51:29" + Environment.NewLine, text);
    }

    [Fact]
    public void Redirected_output_gets_only_whole_lines()
    {
        var output = new StringWriter();
        var progress = new ConsoleTrainingProgress(output, interactive: false);
        progress.Report(new BatchCompleted(1, 1, 2, 0.5, 10));
        progress.Report(new EpochCompleted(Record with { Validation = null }));
        progress.Report(new EarlyStopped(9, 4, 3.5));
        Assert.Equal(
            "epoch 3 loss 0.0123 lr 0.00098 | 12.3 img/s, 40.1 s | elapsed 0:40" + Environment.NewLine +
            "early stop at epoch 9: no better validation error since epoch 4 (3.50 px)" + Environment.NewLine,
            output.ToString());
    }

    [Fact]
    public void The_eta_is_the_mean_epoch_time_times_the_epochs_left()
    {
        var output = new StringWriter();
        var progress = new ConsoleTrainingProgress(output, interactive: false);
        progress.Report(new EpochStarted(1, 3, 2, 0.001, false));
        progress.Report(new EpochCompleted(Record with { Epoch = 1, Seconds = 1000 }));
        progress.Report(new EpochStarted(2, 3, 2, 0.001, false));
        progress.Report(new EpochCompleted(Record with { Epoch = 2, Seconds = 3000 }));
        progress.Report(new EpochStarted(3, 3, 2, 0.001, false));
        progress.Report(new EpochCompleted(Record with { Epoch = 3, Seconds = 2000 }));
        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith("| elapsed 16:40, ETA 33:20", lines[0]);   // 1000 s done, 2 × 1000 s to go
        Assert.EndsWith("| elapsed 1:06:40, ETA 33:20", lines[1]); // 4000 s done, 1 × 2000 s to go
        Assert.StartsWith("epoch 3/3 ", lines[2]);
        Assert.EndsWith("| elapsed 1:40:00, ETA 0:00", lines[2]);
    }
}
