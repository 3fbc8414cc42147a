namespace NewtPose.Cli;

/// <summary>
/// The exit codes of every `newtpose` command (README, docs/options.md): scripts can tell a typo from bad data.
/// </summary>
internal static class ExitCodes
{
    /// <summary>The command did its job.</summary>
    public const int Ok = 0;
    /// <summary>The command ran and failed: unreadable or invalid input, invalid settings, an output it may not overwrite.</summary>
    public const int Failure = 1;
    /// <summary>The command line is wrong: unknown command or option, a missing or malformed value, options that do not go together.</summary>
    public const int Usage = 2;
    /// <summary>The command finished but part of its work failed (each failure named on stderr): for commands over many items.</summary>
    public const int Partial = 3;
    /// <summary>Stopped by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;
}
