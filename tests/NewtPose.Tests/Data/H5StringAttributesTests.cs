using NewtPose.Data.Formats.Dlc;
using PureHDF;

namespace NewtPose.Tests.Data;

/// <summary>The part of the DeepLabCut .h5 writer that makes PyTables read its attributes; checked without Python.</summary>
public class H5StringAttributesTests
{
    [Fact]
    public void Lookup3_matches_bob_jenkins_test_vectors()
    {
        Assert.Equal(0xdeadbeefu, H5StringAttributes.Lookup3([]));
        Assert.Equal(0x17770551u, H5StringAttributes.Lookup3("Four score and seven years ago"u8));
    }

    [Fact]
    public void Every_string_attribute_is_as_wide_as_its_value_and_the_headers_still_verify()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "CollectedData_me.h5");
        var frame = new DlcH5Writer.Frame(["scorer", "bodyparts", "coords"], [["me", "left_forelimb_tip", "x"], ["me", "left_forelimb_tip", "y"]],
            [["labeled-data", "session-with-a-long-name", "img0001.png"]], [1.5, double.NaN]);
        DlcH5Writer.Write(path, frame);

        var bytes = File.ReadAllBytes(path);
        // Shrinking again finds every header by its valid checksum and has nothing left to change in width.
        var again = (byte[])bytes.Clone();
        // 7 on the group; kind, name and {key}_name{name} on each of 6 column levels; kind on each of 3 row levels.
        Assert.Equal(28, H5StringAttributes.ShrinkToValues(again));
        Assert.Equal(bytes, again);

        using var h5 = H5File.OpenRead(path);
        var group = h5.Group("df_with_missing");
        Assert.Equal(5, (int)group.Attribute("pandas_type").Type.Size);
        Assert.Equal("frame", group.Attribute("pandas_type").Read<string>());
        Assert.Equal("UTF-8", group.Attribute("encoding").Read<string>());
        Assert.Equal(9, (int)group.Dataset("axis0_level1").Attribute("name").Type.Size);
        Assert.Equal(["left_forelimb_tip"], group.Dataset("axis0_level1").Read<string[]>());
        Assert.Equal(["session-with-a-long-name"], group.Dataset("axis1_level1").Read<string[]>());
    }
}
