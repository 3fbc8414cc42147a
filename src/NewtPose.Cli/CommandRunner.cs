using System.CommandLine;
using NewtPose.Data;

namespace NewtPose.Cli;

/// <summary>How every command reports failure: one line naming file, record and reason on stderr, and the exit code of <see cref="ExitCodes"/>.</summary>
internal static class CommandRunner
{
    /// <summary>Runs <paramref name="body"/>(stdout, stderr); bad input becomes a one-line message and exit code 1.</summary>
    public static int Run(ParseResult parse, Func<TextWriter, TextWriter, int> body)
    {
        var stdout = parse.InvocationConfiguration.Output;
        var stderr = parse.InvocationConfiguration.Error;
        try
        {
            return body(stdout, stderr);
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is DatasetFormatException or ArgumentException or IOException or InvalidOperationException
                                      or InvalidDataException or UnauthorizedAccessException)
        {
            stderr.WriteLine(e.Message.ReplaceLineEndings(" "));
            return ExitCodes.Failure;
        }
    }

    /// <summary>Refuses an existing file unless --force (the overwrite policy of every command that writes).</summary>
    public static void RefuseExisting(string path, bool force, string what)
    {
        if (!force && (File.Exists(path) || Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any()))
            throw new IOException($"{path} already exists ({what}); pass --force to overwrite it.");
    }
}
