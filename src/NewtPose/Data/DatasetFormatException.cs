namespace NewtPose.Data;

/// <summary>Bad input: names the file, the record or line, and what is wrong.</summary>
public sealed class DatasetFormatException : Exception
{
    public DatasetFormatException(string file, string? location, string problem, Exception? inner = null)
        : base(Format(file, location, problem), inner)
    {
        File = file;
        Location = location;
        Problem = problem;
    }

    public string File { get; }
    /// <summary>Line, record or field, e.g. "line 12, column 4" or "annotations[3]"; null when the whole file is at fault.</summary>
    public string? Location { get; }
    public string Problem { get; }

    private static string Format(string file, string? location, string problem) =>
        location is null ? $"{file}: {problem}" : $"{file}: {location}: {problem}";
}
