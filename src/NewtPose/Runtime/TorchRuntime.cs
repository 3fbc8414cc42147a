using System.Diagnostics;
using TorchSharp;

namespace NewtPose.Runtime;

/// <summary>Loads libtorch once and turns a load failure into a message that names the real cause.</summary>
public static class TorchRuntime
{
    private static readonly Lazy<string?> LoadError = new(TryLoad);

    /// <summary>Throws <see cref="InvalidOperationException"/> with the real cause when libtorch cannot be loaded.</summary>
    public static void EnsureLoaded()
    {
        if (LoadError.Value is { } error) throw new InvalidOperationException(error);
    }

    /// <summary>"auto" picks CUDA when libtorch sees a GPU, else the CPU; "cpu" and "cuda" (or "cuda:N") are taken as given.</summary>
    public static torch.Device ResolveDevice(string device = "auto")
    {
        EnsureLoaded();
        return device.ToLowerInvariant() switch
        {
            "auto" => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
            "cpu" => torch.CPU,
            var d when d.StartsWith("cuda", StringComparison.Ordinal) => torch.cuda.is_available()
                ? new torch.Device(d)
                : throw new InvalidOperationException($"Device '{device}' was asked for, but this libtorch build sees no CUDA device (NewtPose ships the CPU libtorch; see environment/CUDA.md)."),
            _ => throw new ArgumentException($"Unknown device '{device}': use auto, cpu or cuda[:N].", nameof(device)),
        };
    }

    private static string? TryLoad()
    {
        try
        {
            using var probe = torch.ones(2, 2).matmul(torch.ones(2, 2));
            return probe.sum().item<float>() == 8f ? null : "libtorch loaded but computed a wrong result for a 2x2 product.";
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException)
        {
            return Diagnose(e);
        }
    }

    private static string Diagnose(Exception e)
    {
        var native = Directory.Exists(AppContext.BaseDirectory)
            ? Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).FirstOrDefault()
            : null;
        var cause = native is null ? null : MissingLibraryVersions(native);
        if (cause is not null)
            return $"libtorch could not be loaded: {native} needs {cause}. TorchSharp's own message ('{Inner(e)}') is misleading. " +
                   "The NewtPose build marks that version need weak (build/TorchSharpNativeFix.targets); rebuild, or apply it to the copy you load.";
        return $"libtorch could not be loaded: {Inner(e)}" + (native is null ? " (no libLibTorchSharp.so next to the application)." : $" (native library: {native}).");
    }

    private static string Inner(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e.Message;
    }

    /// <summary>Asks the system loader (ldd) which version needs of the native library are unmet.</summary>
    private static string? MissingLibraryVersions(string path)
    {
        try
        {
            using var ldd = Process.Start(new ProcessStartInfo("ldd", [path]) { RedirectStandardOutput = true, RedirectStandardError = true });
            if (ldd is null) return null;
            var output = ldd.StandardOutput.ReadToEnd() + ldd.StandardError.ReadToEnd();
            ldd.WaitForExit(5000);
            var missing = output.Split('\n').Where(l => l.Contains("not found", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct().ToArray();
            return missing.Length == 0 ? null : string.Join("; ", missing);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
