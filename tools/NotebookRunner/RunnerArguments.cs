namespace NewtPose.NotebookRunner;

/// <summary>Command-line parsing of the runner: inputs, the output folder, and the hidden child-mode flag.</summary>
internal static class RunnerArguments
{
    public const string SingleFlag = "--single";

    public static (List<string> Inputs, string OutFolder, bool Single) Parse(string[] args)
    {
        var inputs = new List<string>();
        string? outFolder = null;
        var single = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--out" && i + 1 < args.Length) outFolder = args[++i];
            else if (args[i] == SingleFlag) single = true;
            else inputs.Add(args[i]);
        }
        // Default: notebooks/output next to the first notebook's folder (git-ignored, see docs/notebooks.md).
        outFolder ??= inputs.Count == 0 ? "." : Path.Combine(FolderOf(inputs[0]), "output");
        return (inputs, Path.GetFullPath(outFolder), single);
    }

    /// <summary>Notebooks named directly, plus every .ipynb directly inside named folders, in name order.</summary>
    public static List<string> ExpandNotebooks(IEnumerable<string> inputs)
    {
        var result = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
                result.AddRange(Directory.GetFiles(input, "*.ipynb").Order(StringComparer.Ordinal));
            else if (File.Exists(input))
                result.Add(input);
            else
                throw new FileNotFoundException($"Notebook or folder not found: {input}", input);
        }
        return result.Select(Path.GetFullPath).ToList();
    }

    private static string FolderOf(string input) =>
        Directory.Exists(input) ? input : Path.GetDirectoryName(Path.GetFullPath(input))!;
}
