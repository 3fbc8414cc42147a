using System.Reflection;
using NewtPose.Charts;

namespace NewtPose.Tests.Charts;

public class TableTests
{
    private sealed record Row(string Name, double? Value, int Count, float[] Mean);

    [Fact]
    public void A_table_of_records_has_a_column_per_property_in_order_with_invariant_numbers()
    {
        var table = Table.Of([new Row("a<b", 1.5, 3, [0.5f, 0.25f]), new Row("c", null, 0, [])], "Results");

        Assert.Equal(["Name", "Value", "Count", "Mean"], table.Columns);
        Assert.Equal(["a<b", "1.5", "3", "0.5, 0.25"], table.Rows[0]);
        Assert.Equal(["c", "–", "0", ""], table.Rows[1]);
        var html = table.ToHtml();
        Assert.Contains("<caption>Results</caption>", html);
        Assert.Contains("<th>Name</th><th>Value</th><th>Count</th><th>Mean</th>", html);
        Assert.Contains("<td>a&lt;b</td><td>1.5</td>", html);
        Assert.Equal(string.Join(Environment.NewLine, "Results", "Name  Value  Count  Mean", "a<b   1.5    3      0.5, 0.25", "c     –      0"), table.ToString());
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_cells_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new Table(["a", "b"], [["1", "2"], ["3"]]));
        Assert.Contains("row 2 has 1 cells for 2 columns", e.Message);
    }

    [Fact]
    public void A_table_renders_as_html_through_the_kernel_convention()
    {
        var attribute = typeof(Table).GetCustomAttributes().Single(a => a.GetType().Name == "TypeFormatterSourceAttribute");
        var sourceType = (Type)attribute.GetType().GetProperty("FormatterSourceType")!.GetValue(attribute)!;
        var formatters = (IEnumerable<object>)sourceType.GetMethod("CreateTypeFormatters")!.Invoke(Activator.CreateInstance(sourceType, nonPublic: true), null)!;
        var formatter = formatters.Single(f => (Type)f.GetType().GetProperty("Type")!.GetValue(f)! == typeof(Table));
        var writer = new StringWriter();
        formatter.GetType().GetMethod("Format")!.Invoke(formatter, [new Table(["x"], [["1"]]), writer]);
        Assert.Equal("<table class=\"newtpose-table\"><thead><tr><th>x</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>", writer.ToString());
    }

    [Fact]
    public void Transposed_has_a_row_per_property_and_a_column_per_item()
    {
        var table = Table.Of([new Row("a", 1.0 / 3, 1, []), new Row("b", 2e-7, 2, [1f])], transpose: true);
        Assert.Equal(["", "1", "2"], table.Columns);
        Assert.Equal(4, table.Rows.Count);
        Assert.Equal(["Value", "0.333333", "2E-07"], table.Rows[1]);
        var lines = table.ToString().Split(Environment.NewLine);
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("Name   a", lines[1]);
    }

    [Fact]
    public void Lists_of_lists_show_their_inner_items_joined_by_a_slash()
    {
        var table = Table.Of([new { Pairs = new[] { new[] { "left_eye", "right_eye" }, new[] { "left_hip", "right_hip" } } }]);
        Assert.Equal("left_eye/right_eye, left_hip/right_hip", table.Rows[0][0]);
    }
}
