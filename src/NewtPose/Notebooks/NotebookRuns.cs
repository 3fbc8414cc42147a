using System.Globalization;

namespace NewtPose.Notebooks;

/// <summary>
/// Where a notebook's training run goes. Full mode: a new folder <c>runs/NAME-yyyyMMdd-HHmmss</c> under the clone, kept
/// (it is the user's result; <c>runs/</c> is git-ignored). Quick mode: <c>artifacts/notebook-runs/NAME</c>, replacing the
/// previous quick run of that notebook — quick runs are throwaway, and with a pretrained ResNet18 one run folder holds
/// about 0.5 GB of weights and checkpoints, which the notebook test would otherwise pile up on every run.
/// </summary>
public static class NotebookRuns
{
    /// <summary>A run folder that does not exist yet (its parent is created).</summary>
    public static string NewFolder(string repositoryRoot, string notebookName) =>
        NewFolder(repositoryRoot, notebookName, Quick.IsOn, DateTime.Now);

    internal static string NewFolder(string repositoryRoot, string notebookName, bool quick, DateTime now)
    {
        if (string.IsNullOrWhiteSpace(notebookName) || notebookName.IndexOfAny(['/', '\\']) >= 0 || notebookName is "." or "..")
            throw new ArgumentException($"'{notebookName}' is not a plain folder name.", nameof(notebookName));
        if (quick)
        {
            var folder = Path.Combine(repositoryRoot, "artifacts", "notebook-runs", notebookName);
            if (Directory.Exists(folder)) DeletePreviousQuickRun(folder);
            Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
            return folder;
        }
        var runs = Path.Combine(repositoryRoot, "runs");
        Directory.CreateDirectory(runs);
        var stamp = now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var path = Path.Combine(runs, $"{notebookName}-{stamp}");
        for (var n = 2; Directory.Exists(path) || File.Exists(path); n++) path = Path.Combine(runs, $"{notebookName}-{stamp}-{n}");
        return path;
    }

    /// <summary>Deletes the folder only when it is empty or holds a training run (options.json) or a comparison (plan.json); anything else is refused.</summary>
    private static void DeletePreviousQuickRun(string folder)
    {
        var looksLikeRun = File.Exists(Path.Combine(folder, "options.json")) || File.Exists(Path.Combine(folder, "plan.json")) || !Directory.EnumerateFileSystemEntries(folder).Any();
        if (!looksLikeRun)
            throw new InvalidOperationException($"{folder} holds files that are not a training run; quick mode replaces only its own previous run there. Move them away.");
        Directory.Delete(folder, recursive: true);
    }
}
