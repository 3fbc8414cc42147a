using NewtPose.Notebooks;

namespace NewtPose.Tests.Notebooks;

public sealed class NotebookRunsTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "newtpose-notebook-runs-" + Guid.NewGuid().ToString("N"));
    private static readonly DateTime Noon = new(2026, 11, 28, 12, 0, 5);

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void Full_mode_gives_a_new_time_stamped_folder_under_runs_and_never_reuses_one()
    {
        var first = NotebookRuns.NewFolder(root, "04-train", quick: false, Noon);
        Assert.Equal(Path.Combine(root, "runs", "04-train-20261128-120005"), first);
        Assert.False(Directory.Exists(first));
        Directory.CreateDirectory(first);
        File.WriteAllText(Path.Combine(first, "options.json"), "{}");

        var second = NotebookRuns.NewFolder(root, "04-train", quick: false, Noon);
        Assert.Equal(first + "-2", second);
        Assert.True(File.Exists(Path.Combine(first, "options.json")));
    }

    [Fact]
    public void Quick_mode_replaces_its_own_previous_run()
    {
        var folder = NotebookRuns.NewFolder(root, "04-train", quick: true, Noon);
        Assert.Equal(Path.Combine(root, "artifacts", "notebook-runs", "04-train"), folder);
        Directory.CreateDirectory(Path.Combine(folder, "checkpoints"));
        File.WriteAllText(Path.Combine(folder, "options.json"), "{}");
        File.WriteAllText(Path.Combine(folder, "checkpoints", "last.ckpt"), "weights");

        Assert.Equal(folder, NotebookRuns.NewFolder(root, "04-train", quick: true, Noon));
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void Quick_mode_refuses_to_delete_a_folder_that_is_not_a_run()
    {
        var folder = Path.Combine(root, "artifacts", "notebook-runs", "04-train");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");

        var e = Assert.Throws<InvalidOperationException>(() => NotebookRuns.NewFolder(root, "04-train", quick: true, Noon));
        Assert.Contains(folder, e.Message);
        Assert.True(File.Exists(Path.Combine(folder, "notes.txt")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("a/b")]
    public void A_name_that_is_not_a_plain_folder_name_is_refused(string name) =>
        Assert.Throws<ArgumentException>(() => NotebookRuns.NewFolder(root, name, quick: true, Noon));
}
