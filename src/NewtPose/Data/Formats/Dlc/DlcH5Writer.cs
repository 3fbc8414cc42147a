using System.Text;
using PureHDF;

namespace NewtPose.Data.Formats.Dlc;

/// <summary>
/// Writes DeepLabCut's <c>CollectedData_&lt;scorer&gt;.h5</c> as pandas' "fixed" storage of a DataFrame under the key
/// <c>df_with_missing</c>, so that <c>pandas.read_hdf(path)</c> (and DeepLabCut) read it: the group carries
/// <c>pandas_type = frame</c>, <c>pandas_version</c>, <c>encoding</c>, <c>ndim</c>, <c>nblocks</c>; the columns
/// (<c>axis0</c>, and again <c>block0_items</c>) and the rows (<c>axis1</c>, the three-level labeled-data/video/image
/// index DeepLabCut ≥ 2.3 writes) are MultiIndexes stored as <c>{key}_level{i}</c> (sorted level values, with
/// <c>kind = string</c> and the level's <c>name</c>) and <c>{key}_label{i}</c> (codes); the numbers are
/// <c>block0_values</c>, rows × columns, NaN for "not labelled". Every array has <c>transposed = 1</c>, as pandas writes it.
/// </summary>
internal static class DlcH5Writer
{
    /// <summary>One DataFrame: column tuples with their level names, row tuples (no level names), row-major values.</summary>
    public sealed record Frame(IReadOnlyList<string> ColumnLevels, IReadOnlyList<string[]> Columns, IReadOnlyList<string[]> Rows, double[] Values);

    public static void Write(string path, Frame frame)
    {
        var group = new H5Group();
        var attributes = new Dictionary<string, object>
        {
            ["pandas_type"] = "frame", ["pandas_version"] = "0.15.2", ["encoding"] = "UTF-8", ["errors"] = "strict",
            ["ndim"] = 2L, ["nblocks"] = 1L,
        };
        var columnNames = frame.ColumnLevels.ToArray<string?>();
        MultiIndex(group, attributes, "axis0", columnNames, frame.Columns);
        MultiIndex(group, attributes, "block0_items", columnNames, frame.Columns);
        MultiIndex(group, attributes, "axis1", new string?[frame.Rows[0].Length], frame.Rows);
        group["block0_values"] = new H5Dataset(frame.Values, fileDims: [(ulong)frame.Rows.Count, (ulong)frame.Columns.Count])
        {
            Attributes = new() { ["transposed"] = (byte)1 },
        };
        group.Attributes = attributes;
        var file = new H5File { ["df_with_missing"] = group };

        // PureHDF writes strings either variable-length (which PyTables cannot read here) or fixed-length at one width
        // for the whole file. Datasets may be wider than their values (numpy drops the padding), but PyTables hands
        // UTF-8 attributes back with their padding ('frame\0\0…' is not pandas' 'frame'): write every string at the
        // widest width, then shrink each string attribute's declared width to its value.
        var width = Strings(frame).Concat(attributes.Values.OfType<string>()).Max(s => Encoding.UTF8.GetByteCount(s));
        using var memory = new MemoryStream();
        file.Write(memory, new H5WriteOptions(DefaultStringLength: Math.Max(1, width)));
        var bytes = memory.ToArray();
        var expected = CountStringAttributes(group);
        var shrunk = H5StringAttributes.ShrinkToValues(bytes);
        if (shrunk != expected)
            throw new InvalidOperationException($"Writing {path}: {shrunk} of {expected} string attributes could be fitted to their values; the HDF5 layout PureHDF wrote is not the expected one, so the file was not written.");
        IO.AtomicFile.WriteAllBytes(path, bytes);
    }

    private static void MultiIndex(H5Group group, Dictionary<string, object> attributes, string key, string?[] names, IReadOnlyList<string[]> tuples)
    {
        attributes[$"{key}_nlevels"] = (long)names.Length;
        attributes[$"{key}_variety"] = "multi";
        for (var i = 0; i < names.Length; i++)
        {
            var levels = tuples.Select(t => t[i]).Distinct().OrderBy(s => s, StringComparer.Ordinal).ToArray();
            var codes = tuples.Select(t => Array.BinarySearch(levels, t[i], StringComparer.Ordinal)).ToArray();
            var levelAttributes = new Dictionary<string, object> { ["kind"] = "string", ["transposed"] = (byte)1 };
            // pandas reads a missing 'name' as None (PyTables would store None pickled, which it only unpickles from byte strings).
            if (names[i] is { } name) { levelAttributes["name"] = name; levelAttributes[$"{key}_name{name}"] = name; }
            group[$"{key}_level{i}"] = new H5Dataset(levels) { Attributes = levelAttributes };
            group[$"{key}_label{i}"] = new H5Dataset(codes) { Attributes = new() { ["transposed"] = (byte)1 } };
        }
    }

    private static IEnumerable<string> Strings(Frame frame) =>
        frame.ColumnLevels.Concat(frame.Columns.SelectMany(c => c)).Concat(frame.Rows.SelectMany(r => r));

    private static int CountStringAttributes(H5Group group) =>
        group.Attributes.Values.Count(v => v is string)
        + group.Values.OfType<H5Dataset>().Sum(d => d.Attributes.Values.Count(v => v is string));
}
