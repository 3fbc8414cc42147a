using NewtPose.Data.Formats.Dlc;

namespace NewtPose.Tests.Data;

public class PickleTextTests
{
    [Fact]
    public void Reads_the_protocol_0_column_list_pytables_writes()
    {
        // pickle.dumps([('me', 'snout', 'x'), ('me', 'snout', 'y')], 0) as PyTables stores it.
        var value = PickleText.Load("(lp0\n(Vme\np1\nVsnout\np2\nVx\np3\ntp4\na(g1\ng2\nVy\np5\ntp6\na.");
        var list = Assert.IsType<List<object?>>(value);
        Assert.Equal(new object?[] { "me", "snout", "x" }, (object?[])list[0]!);
        Assert.Equal(new object?[] { "me", "snout", "y" }, (object?[])list[1]!);
        Assert.Equal("caf\u00e9", PickleText.Load("Vcaf\\u00e9\np0\n."));
    }

    [Fact]
    public void Refuses_opcodes_that_would_build_objects()
    {
        var e = Assert.Throws<FormatException>(() => PickleText.Load("cos\nsystem\n(Vls\ntR."));
        Assert.Contains("opcode 'c' is not supported", e.Message);
    }
}
