using System.Globalization;
using System.Net;
using System.Text;

namespace NewtPose.Charts;

/// <summary>
/// A report page: a title, an HTML introduction, and figures, with plotly.js inline so the file opens offline (the
/// library's embedded copy, <see cref="PlotlyScript"/>). report.html and `newtpose evaluate --report` are written with it.
/// </summary>
public static class HtmlReport
{
    /// <summary>The whole page. <paramref name="introHtml"/> is inserted as is (encode user text with <see cref="Encode"/>).</summary>
    public static string Page(string title, string introHtml, IReadOnlyList<PlotlyFigure> figures)
    {
        var body = new StringBuilder();
        body.Append("<h1>").Append(Encode(title)).Append("</h1>\n").Append(introHtml).Append('\n');
        for (var i = 0; i < figures.Count; i++)
            body.Append(CultureInfo.InvariantCulture, $"<div id=\"figure{i}\" style=\"width:100%;min-height:{(figures[i].Title.Contains("photos", StringComparison.Ordinal) ? 900 : 420)}px\"></div>\n");
        body.Append("<script type=\"text/javascript\">\n");
        for (var i = 0; i < figures.Count; i++)
            body.Append(CultureInfo.InvariantCulture, $"(function () {{ var f = {figures[i].ToJson()}; Plotly.newPlot('figure{i}', f.data, f.layout, {{ responsive: true }}); }})();\n");
        body.Append("</script>\n");
        return $"""
            <!DOCTYPE html>
            <html>
            <head>
            <meta charset="utf-8">
            <title>{Encode(title)}</title>
            <style>body {"{"} font-family: sans-serif; margin: 2em; {"}"} pre {"{"} background: #f4f4f4; padding: 1em; {"}"}</style>
            <script type="text/javascript">{PlotlyScript.Source}</script>
            </head>
            <body>
            {body}
            </body>
            </html>
            """;
    }

    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    /// <summary>A plain-text block (a table's ToString()) as preformatted HTML.</summary>
    public static string Preformatted(string text) => "<pre>" + Encode(text) + "</pre>";
}
