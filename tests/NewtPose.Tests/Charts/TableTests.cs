using NewtPose.Charts;

namespace NewtPose.Tests.Charts;

public class TableTests
{
    private sealed record Row(string Name, double Value, IReadOnlyList<string> Notes, bool Ok);

    private static readonly Row[] Rows = [new("a<b", 1.0 / 3, ["x", "y"], true), new("c", 2e-7, [], false)];

    [Fact]
    public void One_row_per_item_one_column_per_property_in_declaration_order()
    {
        var table = Table.Of(Rows);
        Assert.Equal(["Name", "Value", "Notes", "Ok"], table.Header);
        Assert.Equal(["a<b", "0.333333", "x; y", "True"], table.Rows[0]);
        Assert.Equal(["c", "2E-07", "", "False"], table.Rows[1]);
        var html = table.ToHtml();
        Assert.Contains("<th>Name</th>", html);
        Assert.Contains("<td>a&lt;b</td>", html);
        Assert.DoesNotContain("a<b", html);
    }

    [Fact]
    public void Transposed_has_a_row_per_property_and_aligned_text()
    {
        var table = Table.Of(Rows, transpose: true);
        Assert.Equal(["", "1", "2"], table.Header);
        Assert.Equal(4, table.Rows.Count);
        Assert.Equal(["Value", "0.333333", "2E-07"], table.Rows[1]);
        var lines = table.ToString().Split(Environment.NewLine);
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("Name   a<b", lines[1]);
    }

    [Fact]
    public void Lists_of_lists_show_their_inner_items_joined_by_a_slash()
    {
        var table = Table.Of([new { Pairs = new[] { new[] { "left_eye", "right_eye" }, new[] { "left_hip", "right_hip" } } }]);
        Assert.Equal("left_eye/right_eye; left_hip/right_hip", table.Rows[0][0]);
    }
}
