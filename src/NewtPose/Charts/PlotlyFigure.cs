using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using NewtPose.IO;

namespace NewtPose.Charts;

/// <summary>
/// A plotly.js figure (its <c>data</c> traces and <c>layout</c>) built directly as JSON: no F# and no Plotly.NET, so it
/// loads in any .NET Interactive kernel whatever FSharp.Core that kernel ships (docs/notebooks.md, "Charts").
/// In a notebook, a figure returned from a cell shows as an interactive chart; <see cref="SaveHtml"/> writes a file
/// that opens offline.
/// </summary>
[TypeFormatterSource(typeof(ChartFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed class PlotlyFigure
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };
    private readonly string dataJson;
    private readonly string layoutJson;

    internal PlotlyFigure(JsonArray data, JsonObject layout)
    {
        dataJson = data.ToJsonString(Compact);
        layoutJson = layout.ToJsonString(Compact);
        Title = layout["title"]?["text"]?.GetValue<string>() ?? "";
        TraceCount = data.Count;
    }

    /// <summary>The chart's title ("" when it has none).</summary>
    public string Title { get; }

    /// <summary>How many plotly.js traces the figure holds.</summary>
    public int TraceCount { get; }

    /// <summary>The figure as plotly.js JSON: <c>{"data": [...], "layout": {...}}</c>.</summary>
    public string ToJson() => $"{{\"data\":{dataJson},\"layout\":{layoutJson}}}";

    /// <summary>
    /// An HTML fragment for a notebook output: a div and a script that draws the chart with the page's plotly.js (which
    /// the first chart of a kernel session brings along: see <see cref="PlotlyScript"/>). Each call gives the div a new
    /// id, so the same figure can be shown twice.
    /// </summary>
    public string ToHtml()
    {
        var id = "newtpose-chart-" + Guid.NewGuid().ToString("N")[..12];
        return $$"""
            <div id="{{id}}" class="newtpose-chart"></div>
            <script type="text/javascript">
            {{PlotlyScript.Draw(id, ToJson())}}
            </script>
            """;
    }

    /// <summary>A complete HTML page with plotly.js inline: it opens in a browser with no network.</summary>
    public string ToStandaloneHtml() => $$"""
        <!DOCTYPE html>
        <html>
        <head>
        <meta charset="utf-8">
        <title>{{WebUtility.HtmlEncode(Title.Length > 0 ? Title : "NewtPose chart")}}</title>
        <script type="text/javascript">{{PlotlyScript.Source}}</script>
        </head>
        <body>
        <div id="chart"></div>
        <script type="text/javascript">
        var figure = {{ToJson()}};
        Plotly.newPlot('chart', figure.data, figure.layout, { responsive: true });
        </script>
        </body>
        </html>
        """;

    /// <summary>Writes <see cref="ToStandaloneHtml"/> to <paramref name="path"/> (temp file + rename; folders created).</summary>
    public void SaveHtml(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(path, ToStandaloneHtml());
    }

    public override string ToString() => $"PlotlyFigure \"{Title}\" ({TraceCount} traces)";
}
