namespace NewtPose.Charts;

/// <summary>
/// The plotly.js that charts use, embedded in the library: inline in offline HTML files (<see cref="PlotlyFigure.SaveHtml"/>,
/// report.html), and in a notebook once per kernel session, in the output of the first chart (<see cref="TakeForNotebook"/>),
/// so charts draw on a PC without internet and in a notebook exported with `jupyter nbconvert --to html` and opened
/// offline. Nothing is loaded from a CDN.
/// </summary>
public static class PlotlyScript
{
    /// <summary>The plotly.js version embedded in the library.</summary>
    public const string Version = "4.1.2";

    private static readonly Lazy<string> Embedded = new(ReadEmbedded);
    private static int notebookCopies;

    /// <summary>The full text of the embedded plotly.min.js.</summary>
    public static string Source => Embedded.Value;

    /// <summary>A script element that defines <c>window.Plotly</c> (plotly.js 4 sets it itself, also under require.js).</summary>
    internal static string InlineScript => "<script type=\"text/javascript\">" + Source + "</script>\n";

    /// <summary>
    /// <see cref="InlineScript"/> the first time a notebook output asks in this process (a kernel session), "" after: one
    /// 4.8 MB copy per executed notebook instead of one per chart. Later charts use the <c>window.Plotly</c> it defined.
    /// </summary>
    internal static string TakeForNotebook() => Interlocked.Exchange(ref notebookCopies, 1) == 0 ? InlineScript : "";

    private static string ReadEmbedded()
    {
        using var stream = typeof(PlotlyScript).Assembly.GetManifestResourceStream("NewtPose.Charts.plotly.min.js")
            ?? throw new InvalidOperationException("plotly.min.js is missing from the NewtPose assembly's resources.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// JavaScript that draws into the element <c>id</c> with the page's plotly.js, or says in that element why it cannot
    /// (the output that carried plotly.js was cleared while the kernel kept running).
    /// </summary>
    internal static string Draw(string id, string figureJson) => $$"""
        (function () {
          var target = document.getElementById('{{id}}');
          if (!window.Plotly) {
            target.textContent = 'plotly.js is not loaded: it comes with the first chart of a kernel session. Restart the kernel and run all cells.';
            return;
          }
          var figure = {{figureJson}};
          window.Plotly.newPlot(target, figure.data, figure.layout, { responsive: true });
        })();
        """;
}
