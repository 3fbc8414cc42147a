// Shared first cell of every NewtPose notebook: `#load "setup.csx"`, then `#r "../artifacts/notebook-lib/NewtPose.dll"`.
// It publishes the library (with its native TorchSharp/SkiaSharp files, the libtorch fix applied by the build) into
// artifacts/notebook-lib when that folder is missing or older than the sources, so a fresh clone works in VS Code,
// Jupyter and tools/NotebookRunner alike. `#r` needs a literal path, so it sits in the notebook's next cell; it resolves
// against the notebook's folder, which is the working folder in all three. See docs/notebooks.md.
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

public static class NotebookSetup
{
    /// <summary>The clone's root: the nearest folder above the working folder that holds NewtPose.sln.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Where the notebooks load the library from (git-ignored).</summary>
    public static string LibraryFolder => Path.Combine(RepositoryRoot, "artifacts", "notebook-lib");

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(Directory.GetCurrentDirectory()); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "NewtPose.sln"))) return folder.FullName;
        throw new InvalidOperationException($"No NewtPose.sln above {Directory.GetCurrentDirectory()}: open the notebook from its folder in a NewtPose clone.");
    }

    /// <summary>The newest source file that goes into the library (code, project files, build targets, embedded files).</summary>
    public static DateTime NewestSource()
    {
        var files = Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "src", "NewtPose"), "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Concat(Directory.EnumerateFiles(RepositoryRoot, "Directory.*"))
            .Concat(Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "build")));
        return files.Max(File.GetLastWriteTimeUtc);
    }

    /// <summary>Publishes the library unless the published copy is newer than every source file.</summary>
    public static void EnsureLibrary()
    {
        var dll = Path.Combine(LibraryFolder, "NewtPose.dll");
        if (File.Exists(dll) && File.GetLastWriteTimeUtc(dll) >= NewestSource())
        {
            Console.WriteLine($"NewtPose library up to date: {dll}");
            return;
        }
        Console.WriteLine($"Publishing the NewtPose library to {LibraryFolder} (first run or sources changed; a minute or two)...");
        var watch = Stopwatch.StartNew();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepositoryRoot,
        };
        foreach (var arg in new[] { "publish", Path.Combine("src", "NewtPose", "NewtPose.csproj"), "-c", "Release",
                     "-r", RuntimeInformation.RuntimeIdentifier, "--self-contained", "false", "-o", LibraryFolder, "-nologo", "-v", "q" })
            start.ArgumentList.Add(arg);
        // A kernel started by a test host or an IDE can carry MSBuild variables that point a nested build at the wrong SDK.
        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
            start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"dotnet publish of src/NewtPose failed (exit {process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        // Publish keeps an unchanged dll's old time stamp; touch it so the staleness check sees this run.
        File.SetLastWriteTimeUtc(dll, DateTime.UtcNow);
        Console.WriteLine($"Published in {watch.Elapsed.TotalSeconds:F0} s.");
    }
}

NotebookSetup.EnsureLibrary();
