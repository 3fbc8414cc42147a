using System.Diagnostics;

namespace NewtPose.Tests.Data;

/// <summary>
/// Debian's /usr/bin/python3 with pandas and PyTables (apt: python3-pandas python3-tables), the reader DeepLabCut uses.
/// CI installs them (.ci/run); on a machine without them the tests that need them are skipped, saying why.
/// </summary>
internal static class PythonPandas
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> Missing = new(() =>
    {
        if (!File.Exists(Python)) return $"{Python} not found";
        var (code, _, error) = Run("import pandas, tables", TimeSpan.FromSeconds(60));
        return code == 0 ? null : $"{Python} cannot import pandas and tables ({error.Trim().Split('\n').LastOrDefault()})";
    });

    /// <summary>Null when pandas and PyTables can be used, else why not.</summary>
    public static string? WhyUnavailable => Missing.Value;

    /// <summary>Runs a Python script; returns its exit code, standard output and standard error.</summary>
    public static (int Code, string Output, string Error) Run(string script, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-");
        using var process = Process.Start(start)!;
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2))) { process.Kill(); throw new TimeoutException("python3 did not finish."); }
        return (process.ExitCode, output.Result, error.Result);
    }
}

/// <summary>A fact that is skipped, with the reason, where Debian's python3-pandas and python3-tables are not installed.</summary>
public sealed class PandasFactAttribute : FactAttribute
{
    public PandasFactAttribute()
    {
        if (PythonPandas.WhyUnavailable is { } why) Skip = $"{why}: install them with `apt-get install python3-pandas python3-tables` to run this test.";
    }
}
