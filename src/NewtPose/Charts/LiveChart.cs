namespace NewtPose.Charts;

/// <summary>
/// A line chart that grows while something runs (e.g. loss per epoch during training). In a notebook,
/// <see cref="Show"/> displays it once and every <see cref="Add"/> re-renders that
/// same output in place through the kernel's display handle; the executed notebook keeps the final state.
/// Outside a notebook Show does nothing and the chart still collects its points (see <see cref="Snapshot"/>).
/// Not thread-safe: add points from the cell's own thread (an IProgress callback that runs synchronously).
/// </summary>
[TypeFormatterSource(typeof(ChartFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed class LiveChart(string title, Axes? axes = null)
{
    private readonly List<(string Name, List<double> X, List<double> Y)> series = [];
    private KernelDisplay? display;
    // plotly.js, when this chart's output is the session's first chart: every redraw of the output must keep it.
    private string library = "";

    public string Title { get; } = title;

    /// <summary>True once the chart is on screen in a notebook (Show found a kernel).</summary>
    public bool IsShown => display is not null;

    /// <summary>Adds one x (e.g. the epoch) with a value for each named series, then redraws once.</summary>
    public void Add(double x, params (string Series, double Y)[] points)
    {
        foreach (var (name, y) in points)
        {
            var index = series.FindIndex(s => s.Name == name);
            if (index < 0) { series.Add((name, [], [])); index = series.Count - 1; }
            series[index].X.Add(x);
            series[index].Y.Add(y);
        }
        display?.Update(this, library + ToHtml());
    }

    /// <summary>The chart as it stands now, as a plain figure (to save, or to show again later).</summary>
    public PlotlyFigure Snapshot() => Chart.Lines(Title, series.Select(s => new Series(s.Name, s.X, s.Y)).ToArray(), axes);

    /// <summary>HTML for the notebook output (the current snapshot).</summary>
    public string ToHtml() => Snapshot().ToHtml();

    /// <summary>Displays the chart in the running .NET Interactive kernel (no-op outside one) and keeps it for updates.</summary>
    public LiveChart Show()
    {
        if (display is null && KernelDisplay.IsAvailable)
        {
            library = PlotlyScript.TakeForNotebook();
            display = KernelDisplay.Show(this, library + ToHtml());
        }
        return this;
    }

    public override string ToString() => $"LiveChart \"{Title}\" ({series.Count} series, {series.Sum(s => s.X.Count)} points)";
}
