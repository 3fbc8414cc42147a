using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace NewtPose.Evaluation;

/// <summary>How a figure is written: a count, pixels, a fraction shown as a percentage, or a 0–1 score (OKS AP/AR, as COCO prints them).</summary>
public enum MetricKind { Count, Pixels, Percent, Score }

/// <summary>
/// One figure of <see cref="PointStatistics"/>: its snake_case key (JSON and CSV), its short header (tables and console),
/// how it is formatted, and how it is read and set.
/// </summary>
public sealed record MetricColumn(string Key, string Header, MetricKind Kind, Func<PointStatistics, double?> Value,
    Func<PointStatistics, double?, PointStatistics> With, bool InTable = true)
{
    /// <summary>The value for reading: "4.21" px, "81.0%", "0.734", or "n/a" when there is none.</summary>
    public string Format(PointStatistics statistics) => Value(statistics) is not { } v ? "n/a" : Kind switch
    {
        MetricKind.Count => ((long)v).ToString(CultureInfo.InvariantCulture),
        MetricKind.Pixels => v.ToString("F2", CultureInfo.InvariantCulture),
        MetricKind.Percent => (100 * v).ToString("F1", CultureInfo.InvariantCulture) + "%",
        _ => v.ToString("F3", CultureInfo.InvariantCulture),
    };

    /// <summary>The value as JSON: an integer for counts, a number otherwise, null when there is none.</summary>
    public JsonNode? Json(PointStatistics statistics) => Value(statistics) is not { } v ? null
        : Kind == MetricKind.Count ? JsonValue.Create((long)v) : JsonValue.Create(v);
}

/// <summary>
/// The one list of the figures an evaluation reports, in the order every writer uses: metrics.json, metrics.csv,
/// `newtpose evaluate --json`, the console lines, the text and HTML tables and TrainBench's tables all draw from it, so a
/// figure added here appears everywhere.
/// </summary>
public static class MetricColumns
{
    public static MetricColumn Count { get; } = new("count", "points", MetricKind.Count, s => s.Count, (s, v) => s with { Count = (int)(v ?? 0) });
    public static MetricColumn Missed { get; } = new("missed", "missed", MetricKind.Count, s => s.Missed, (s, v) => s with { Missed = (int)(v ?? 0) });
    public static MetricColumn MeanPxError { get; } = new("mean_px_error", "mean px", MetricKind.Pixels, s => s.MeanPxError, (s, v) => s with { MeanPxError = v });
    public static MetricColumn RmsePx { get; } = new("rmse_px", "RMSE px", MetricKind.Pixels, s => s.RmsePx, (s, v) => s with { RmsePx = v });
    public static MetricColumn MedianPxError { get; } = new("median_px_error", "median px", MetricKind.Pixels, s => s.MedianPxError, (s, v) => s with { MedianPxError = v });
    public static MetricColumn PckCount { get; } = new("pck_count", "PCK points", MetricKind.Count, s => s.PckCount, (s, v) => s with { PckCount = (int)(v ?? 0) }, InTable: false);
    public static MetricColumn Pck005 { get; } = new("pck_0_05", "PCK@.05", MetricKind.Percent, s => s.Pck005, (s, v) => s with { Pck005 = v });
    public static MetricColumn Pck01 { get; } = new("pck_0_1", "PCK@.1", MetricKind.Percent, s => s.Pck01, (s, v) => s with { Pck01 = v });
    public static MetricColumn Pck02 { get; } = new("pck_0_2", "PCK@.2", MetricKind.Percent, s => s.Pck02, (s, v) => s with { Pck02 = v });
    public static MetricColumn ConfidentCount { get; } = new("confident_count", "confident points", MetricKind.Count, s => s.ConfidentCount, (s, v) => s with { ConfidentCount = (int)(v ?? 0) }, InTable: false);
    public static MetricColumn ConfidentFraction { get; } = new("confident_fraction", "kept", MetricKind.Percent, s => s.ConfidentFraction, (s, v) => s with { ConfidentFraction = v });
    public static MetricColumn ConfidentMeanPxError { get; } = new("confident_mean_px_error", "kept mean px", MetricKind.Pixels, s => s.ConfidentMeanPxError, (s, v) => s with { ConfidentMeanPxError = v });
    public static MetricColumn ConfidentRmsePx { get; } = new("confident_rmse_px", "kept RMSE px", MetricKind.Pixels, s => s.ConfidentRmsePx, (s, v) => s with { ConfidentRmsePx = v });
    public static MetricColumn OksCount { get; } = new("oks_count", "OKS animals", MetricKind.Count, s => s.OksCount, (s, v) => s with { OksCount = (int)(v ?? 0) }, InTable: false);
    public static MetricColumn OksAp { get; } = new("oks_ap", "OKS AP", MetricKind.Score, s => s.OksAp, (s, v) => s with { OksAp = v });
    public static MetricColumn OksAr { get; } = new("oks_ar", "OKS AR", MetricKind.Score, s => s.OksAr, (s, v) => s with { OksAr = v });

    /// <summary>Every figure, in writing order.</summary>
    public static IReadOnlyList<MetricColumn> All { get; } =
    [
        Count, Missed, MeanPxError, RmsePx, MedianPxError, PckCount, Pck005, Pck01, Pck02,
        ConfidentCount, ConfidentFraction, ConfidentMeanPxError, ConfidentRmsePx, OksCount, OksAp, OksAr,
    ];

    /// <summary>The figures shown in tables (the counts behind the fractions stay in JSON and CSV).</summary>
    public static IReadOnlyList<MetricColumn> Table { get; } = All.Where(c => c.InTable).ToArray();

    /// <summary>The figures of a one-line summary (console, log).</summary>
    public static IReadOnlyList<MetricColumn> Headline { get; } = [MeanPxError, RmsePx, Pck005, OksAp];

    /// <summary>"mean px 4.21, RMSE px 5.00, PCK@.05 81.0%, OKS AP 0.734 (40 points)".</summary>
    public static string Summary(PointStatistics statistics) =>
        string.Join(", ", Headline.Select(c => $"{c.Header} {c.Format(statistics)}")) + $" ({Count.Format(statistics)} points)";

    /// <summary>Writes every figure into <paramref name="target"/> under its key.</summary>
    public static JsonObject AddTo(JsonObject target, PointStatistics statistics)
    {
        foreach (var c in All) target[c.Key] = c.Json(statistics);
        return target;
    }

    /// <summary>Reads the figures a JSON object holds (missing keys keep the empty value; other keys are ignored).</summary>
    public static PointStatistics Read(JsonObject source) => All.Aggregate(PointStatistics.Empty, (s, c) =>
        source[c.Key] is JsonValue v && v.TryGetValue<double>(out var d) ? c.With(s, d) : s);

    /// <summary>CSV cells of every figure, in <see cref="All"/>'s order (empty when there is none; full precision).</summary>
    public static IEnumerable<string> CsvCells(PointStatistics? statistics) =>
        All.Select(c => statistics is not null && c.Value(statistics) is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "");
}

/// <summary>(De)serialises <see cref="PointStatistics"/> through <see cref="MetricColumns"/> (metrics.json's epochs, checkpoints).</summary>
public sealed class PointStatisticsJsonConverter : JsonConverter<PointStatistics>
{
    public override PointStatistics Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonNode.Parse(ref reader) is JsonObject o ? MetricColumns.Read(o) : throw new JsonException("Expected an object of metrics.");

    public override void Write(Utf8JsonWriter writer, PointStatistics value, JsonSerializerOptions options) =>
        MetricColumns.AddTo(new JsonObject(), value).WriteTo(writer);
}
