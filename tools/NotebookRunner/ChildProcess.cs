using System.Diagnostics;

namespace NewtPose.NotebookRunner;

/// <summary>Starts this runner again in child mode for one notebook, passing its output through.</summary>
internal static class ChildProcess
{
    public static async Task<int> RunSelfAsync(string notebook, string outFolder)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find the runner's own executable.");
        var start = new ProcessStartInfo(self) { UseShellExecute = false };
        // Started as `dotnet NotebookRunner.dll`: pass the dll again.
        var entry = typeof(ChildProcess).Assembly.Location;
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(entry);
        start.ArgumentList.Add(notebook);
        start.ArgumentList.Add("--out");
        start.ArgumentList.Add(outFolder);
        start.ArgumentList.Add(RunnerArguments.SingleFlag);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {self}.");
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
