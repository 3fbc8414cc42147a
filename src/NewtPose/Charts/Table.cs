using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;

namespace NewtPose.Charts;

/// <summary>
/// A plain table of objects, one row per object and one column per public property (or transposed): how notebooks show
/// summaries, conversion reports and comparisons side by side. Shows as an HTML table in a notebook (both kernels, like
/// the charts); <see cref="ToString"/> gives aligned text for a console.
/// </summary>
[TypeFormatterSource(typeof(ChartFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed class Table
{
    private Table(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        Header = header;
        Rows = rows;
    }

    /// <summary>Column names.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>Cell texts, row by row.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows { get; }

    /// <summary>
    /// A row per item, a column per public instance property of <typeparamref name="T"/> (in declaration order).
    /// Transposed: a row per property, a column per item. Lists show as their items joined by "; " (lists of lists as "a/b; c/d"); numbers in the
    /// invariant culture with at most 6 significant digits.
    /// </summary>
    public static Table Of<T>(IEnumerable<T> items, bool transpose = false)
    {
        var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0).OrderBy(p => p.MetadataToken).ToArray();
        var list = items.ToList();
        var cells = list.Select(item => properties.Select(p => Text(p.GetValue(item))).ToArray()).ToArray();
        if (!transpose)
            return new Table(properties.Select(p => p.Name).ToArray(), cells);
        var header = new[] { "" }.Concat(list.Select((_, i) => (i + 1).ToString(CultureInfo.InvariantCulture))).ToArray();
        var rows = properties.Select((p, c) => (IReadOnlyList<string>)new[] { p.Name }.Concat(cells.Select(r => r[c])).ToArray()).ToArray();
        return new Table(header, rows);
    }

    /// <summary>The table as an HTML fragment.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder("<table class=\"newtpose-table\"><thead><tr>");
        foreach (var h in Header) html.Append("<th>").Append(WebUtility.HtmlEncode(h)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var row in Rows)
        {
            html.Append("<tr>");
            foreach (var cell in row) html.Append("<td>").Append(WebUtility.HtmlEncode(cell)).Append("</td>");
            html.Append("</tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>The table as aligned text, columns separated by two spaces.</summary>
    public override string ToString()
    {
        var all = new[] { Header }.Concat(Rows).ToArray();
        var widths = Enumerable.Range(0, Header.Count).Select(c => all.Max(r => c < r.Count ? r[c].Length : 0)).ToArray();
        return string.Join(Environment.NewLine, all.Select(r => string.Join("  ", r.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd()));
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        float f => f.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable e => string.Join("; ", e.Cast<object?>().Select(x => x is IEnumerable inner and not string ? string.Join("/", inner.Cast<object?>().Select(Text)) : Text(x))),
        _ => value.ToString() ?? "",
    };
}
