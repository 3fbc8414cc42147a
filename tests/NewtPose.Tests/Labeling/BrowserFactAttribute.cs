namespace NewtPose.Tests.Labeling;

/// <summary>
/// A test that drives the system's Chromium through its chromedriver (Debian: apt-get install chromium chromium-driver;
/// other places: NEWTPOSE_CHROMIUM and NEWTPOSE_CHROMEDRIVER). Skipped, saying so, where they are not installed.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (SystemBrowser.Missing() is { } missing) Skip = $"no headless browser for the page test: {missing}";
    }
}

internal static class SystemBrowser
{
    public static string Chromium => Environment.GetEnvironmentVariable("NEWTPOSE_CHROMIUM") ?? "/usr/bin/chromium";
    public static string Driver => Environment.GetEnvironmentVariable("NEWTPOSE_CHROMEDRIVER") ?? "/usr/bin/chromedriver";

    public static string? Missing() =>
        !File.Exists(Chromium) ? $"{Chromium} not found (apt-get install chromium, or set NEWTPOSE_CHROMIUM)."
        : !File.Exists(Driver) ? $"{Driver} not found (apt-get install chromium-driver, or set NEWTPOSE_CHROMEDRIVER)."
        : null;
}
