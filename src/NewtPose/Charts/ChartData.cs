namespace NewtPose.Charts;

/// <summary>Axis titles and scale of a chart.</summary>
public sealed record Axes(string? X = null, string? Y = null, bool LogY = false);

/// <summary>A named series of (x, y) points, for line and scatter charts. NaN values become gaps.</summary>
public sealed record Series
{
    public Series(string name, IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException($"Series '{name}' has {x.Count} x values but {y.Count} y values.");
        Name = name;
        X = x.ToArray();
        Y = y.ToArray();
    }

    /// <summary>A series whose x values are 1, 2, 3, ... (e.g. epochs).</summary>
    public Series(string name, IReadOnlyList<double> y) : this(name, Enumerable.Range(1, y.Count).Select(i => (double)i).ToArray(), y) { }

    public string Name { get; }
    public IReadOnlyList<double> X { get; }
    public IReadOnlyList<double> Y { get; }

    /// <summary>Optional error bar at each point (e.g. a standard deviation over seeds), drawn ± the value; one per y value.</summary>
    public IReadOnlyList<double>? YErrors
    {
        get => yErrors;
        init
        {
            if (value is not null && value.Count != Y.Count)
                throw new ArgumentException($"Series '{Name}' has {Y.Count} y values but {value.Count} error bars.", nameof(YErrors));
            yErrors = value?.ToArray();
        }
    }

    private readonly double[]? yErrors;
}

/// <summary>One group of bars: a value per category, with an optional error bar (e.g. a standard deviation) each.</summary>
public sealed record BarSeries
{
    public BarSeries(string name, IReadOnlyList<double> values, IReadOnlyList<double>? errors = null)
    {
        if (errors is not null && errors.Count != values.Count)
            throw new ArgumentException($"Bar series '{name}' has {values.Count} values but {errors.Count} errors.");
        Name = name;
        Values = values.ToArray();
        Errors = errors?.ToArray();
    }

    public string Name { get; }
    public IReadOnlyList<double> Values { get; }
    public IReadOnlyList<double>? Errors { get; }
}

/// <summary>A named bag of values for a histogram (plotly.js bins them; NaN values are left out and counted in the legend).</summary>
public sealed record ValueSet(string Name, IReadOnlyList<double> Values);
