using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;

namespace NewtPose.Charts;

/// <summary>
/// A plain table of text cells: how notebooks show summaries, conversion reports, comparisons and metrics. Shows as an
/// HTML table in a notebook (both kernels, like the charts — the kernel's own rendering of a list of records is a tree of
/// expandable rows, hard to read as a table) and as aligned text elsewhere (<see cref="ToString"/>).
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

    /// <summary>Column names.</summary>
    public IReadOnlyList<string> Columns { get; }
    /// <summary>Cell texts, row by row.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows { get; }
    public string? Title { get; }

    /// <summary>
    /// One row per item, one column per public property of <typeparamref name="T"/> in declaration order (a record's
    /// parameters). Transposed: a row per property, a column per item (for one or two wide summaries). Cells as <see cref="Cell"/>.
    /// </summary>
    public static Table Of<T>(IEnumerable<T> items, string? title = null, bool transpose = false)
    {
        var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0).OrderBy(p => p.MetadataToken).ToArray();
        var list = items.ToList();
        var cells = list.Select(item => (IReadOnlyList<string>)properties.Select(p => Cell(p.GetValue(item))).ToArray()).ToArray();
        if (!transpose) return new Table(properties.Select(p => p.Name).ToArray(), cells, title);
        var header = new[] { "" }.Concat(list.Select((_, i) => (i + 1).ToString(CultureInfo.InvariantCulture))).ToArray();
        var rows = properties.Select((p, c) => (IReadOnlyList<string>)new[] { p.Name }.Concat(cells.Select(r => r[c])).ToArray()).ToArray();
        return new Table(header, rows, title);
    }

    /// <summary>
    /// How a value is written in a cell: numbers in the invariant culture with at most 6 significant digits, null and
    /// non-finite numbers as "–", lists as their items joined by ", " (lists of lists as "a/b, c/d").
    /// </summary>
    public static string Cell(object? value) => value switch
    {
        null => "–",
        string s => s,
        double d => double.IsFinite(d) ? d.ToString("G6", CultureInfo.InvariantCulture) : "–",
        float f => float.IsFinite(f) ? f.ToString("G6", CultureInfo.InvariantCulture) : "–",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable e => string.Join(", ", e.Cast<object?>().Select(x => x is IEnumerable inner and not string
            ? string.Join("/", inner.Cast<object?>().Select(Cell))
            : Cell(x))),
        _ => value.ToString() ?? "",
    };

    /// <summary>The table as an HTML fragment.</summary>
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

    /// <summary>The table as aligned plain text (title, header, rows), columns separated by two spaces.</summary>
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
