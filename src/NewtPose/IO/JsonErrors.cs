using System.Text.Json;
using System.Text.RegularExpressions;

namespace NewtPose.IO;

/// <summary>
/// Plain words for System.Text.Json's errors. Its messages end in 0-based positions ("LineNumber: 0 |
/// BytePositionInLine: 14") and name .NET types ("could not be converted to System.Int32"); a user's file gets one 1-based
/// line and column, the field, and what was expected instead.
/// </summary>
public static partial class JsonErrors
{
    /// <summary>"line L, column C" (1-based; the column counts bytes, as the reader does), or null when the error has no position.</summary>
    public static string? Location(JsonException e) =>
        e.LineNumber is { } line ? $"line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}" : null;

    /// <summary>The field an error is about, as written in the file ("epochs", "augmentation.min_scale"), or null for the whole document.</summary>
    public static string? Field(JsonException e) =>
        e.Path is null or "$" ? null : e.Path.StartsWith("$.", StringComparison.Ordinal) ? e.Path[2..] : e.Path.TrimStart('$');

    /// <summary>What is wrong, without positions or .NET type names.</summary>
    public static string Problem(JsonException e)
    {
        var message = Positions().Replace(e.Message, "").Trim();
        if (Unmapped().Match(message) is { Success: true } unmapped) return $"unknown field '{unmapped.Groups[1].Value}'";
        if (Conversion().Match(message) is { Success: true } conversion) return "expected " + Expected(conversion.Groups[1].Value);
        return message;
    }

    private static string Expected(string type) => type switch
    {
        "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" => "a whole number",
        "System.Double" or "System.Single" or "System.Nullable`1[System.Double]" => "a number",
        "System.Boolean" or "System.Nullable`1[System.Boolean]" => "true or false",
        "System.String" => "a string",
        _ => FindType(type) is { IsEnum: true } enumType
            ? "one of " + string.Join(", ", Enum.GetNames(enumType).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName))
            : "a value of another kind (" + type.Split('.')[^1] + ")",
    };

    private static Type? FindType(string name) => typeof(JsonErrors).Assembly.GetType(name);

    [GeneratedRegex(@"\s*(Path: \S*\s*\|\s*)?LineNumber: \d+ \| BytePositionInLine: \d+\.?\s*$")]
    private static partial Regex Positions();

    [GeneratedRegex(@"The JSON property '([^']*)' could not be mapped")]
    private static partial Regex Unmapped();

    [GeneratedRegex(@"could not be converted to ([^\s]+?)\.?(\s|$)")]
    private static partial Regex Conversion();
}
