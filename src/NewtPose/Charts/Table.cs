using System.Collections;
using System.Globalization;
using System.Net;
using System.Text;

namespace NewtPose.Charts;

/// <summary>
/// A plain table of text cells that shows as an HTML table in a notebook (the kernel's own rendering of a list of
/// records is a tree of expandable rows, hard to read as a table) and as aligned text elsewhere (<see cref="ToString"/>).
/// </summary>
[TypeFormatterSource(typeof(ChartFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed class Table
{
    public Table(IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<string>> rows, string? title = null)
    {
        for (var r = 0; r < rows.Count; r++)
            if (rows[r].Count != columns.Count)
                throw new ArgumentException($"Table row {r + 1} has {rows[r].Count} cells for {columns.Count} columns.");
        Columns = columns.ToArray();
        Rows = rows.Select(r => (IReadOnlyList<string>)r.ToArray()).ToArray();
        Title = title;
    }

    public IReadOnlyList<string> Columns { get; }
    public IReadOnlyList<IReadOnlyList<string>> Rows { get; }
    public string? Title { get; }

    /// <summary>
    /// One row per item, one column per public property of <typeparamref name="T"/> in declaration order (a record's
    /// parameters). Numbers are written with the invariant culture, null as "–", lists joined with ", ".
    /// </summary>
    public static Table Of<T>(IEnumerable<T> items, string? title = null)
    {
        var properties = typeof(T).GetProperties().Where(p => p.GetIndexParameters().Length == 0).ToArray();
        var rows = items.Select(item => (IReadOnlyList<string>)properties.Select(p => Cell(p.GetValue(item))).ToArray()).ToArray();
        return new Table(properties.Select(p => p.Name).ToArray(), rows, title);
    }

    /// <summary>How a value is written in a cell.</summary>
    public static string Cell(object? value) => value switch
    {
        null => "–",
        string s => s,
        double d => double.IsFinite(d) ? d.ToString("G6", CultureInfo.InvariantCulture) : "–",
        float f => float.IsFinite(f) ? f.ToString("G6", CultureInfo.InvariantCulture) : "–",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable e => string.Join(", ", e.Cast<object?>().Select(Cell)),
        _ => value.ToString() ?? "",
    };

    public string ToHtml()
    {
        var html = new StringBuilder("<table class=\"newtpose-table\">");
        if (Title is not null) html.Append("<caption>").Append(WebUtility.HtmlEncode(Title)).Append("</caption>");
        html.Append("<thead><tr>");
        foreach (var c in Columns) html.Append("<th>").Append(WebUtility.HtmlEncode(c)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var row in Rows)
        {
            html.Append("<tr>");
            foreach (var cell in row) html.Append("<td>").Append(WebUtility.HtmlEncode(cell)).Append("</td>");
            html.Append("</tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>The table as aligned plain text (title, header, rows).</summary>
    public override string ToString()
    {
        var widths = Columns.Select((c, i) => Rows.Select(r => r[i].Length).Append(c.Length).Max()).ToArray();
        string Line(IReadOnlyList<string> cells) => string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd();
        var lines = new List<string>();
        if (Title is not null) lines.Add(Title);
        lines.Add(Line(Columns));
        lines.AddRange(Rows.Select(Line));
        return string.Join(Environment.NewLine, lines);
    }
}
