using System.Globalization;

namespace NewtPose.Evaluation;

/// <summary>
/// Mean and sample standard deviation (n − 1) of one figure over repeats (seeds); <see cref="Sd"/> is null for a single
/// value. What `newtpose compare` and the active-learning benchmark report as "mean ± sd".
/// </summary>
public sealed record Spread(double Mean, double? Sd, int Count)
{
    /// <summary>The spread of the values that are there (nulls and NaN are skipped); null when none is.</summary>
    public static Spread? Of(IEnumerable<double?> values)
    {
        var v = values.OfType<double>().Where(double.IsFinite).ToArray();
        if (v.Length == 0) return null;
        var mean = v.Average();
        double? sd = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : null;
        return new Spread(mean, sd, v.Length);
    }

    /// <summary>The spread of plain values.</summary>
    public static Spread? Of(IEnumerable<double> values) => Of(values.Select(v => (double?)v));

    /// <summary>"4.21 ± 0.30" px, "81.0 ± 2.1 %", "0.734 ± 0.012" (as <paramref name="kind"/> formats); "n/a" for none.</summary>
    public static string Format(Spread? spread, MetricKind kind, bool signed = false)
    {
        if (spread is null) return "n/a";
        var (digits, unit) = kind switch { MetricKind.Pixels => ("F2", ""), MetricKind.Percent => ("F1", " %"), MetricKind.Count => ("F0", ""), _ => ("F3", "") };
        string N(double v) => (signed && v >= 0 ? "+" : "") + Scale(v, kind).ToString(digits, CultureInfo.InvariantCulture);
        return N(spread.Mean) + (spread.Sd is { } sd ? " ± " + Scale(sd, kind).ToString(digits, CultureInfo.InvariantCulture) : "") + unit;
    }

    /// <summary>A value as charts and tables show it: fractions as percentages.</summary>
    public static double Scale(double value, MetricKind kind) => kind == MetricKind.Percent ? 100 * value : value;
}
