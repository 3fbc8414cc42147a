using System.Globalization;
using System.Text;
using PureHDF;

namespace NewtPose.Data.Formats.Dlc;

/// <summary>
/// DeepLabCut's <c>CollectedData_*.h5</c>: a pandas DataFrame in HDF5 under one key (<c>df_with_missing</c> or
/// <c>keypoints</c>). In pandas "fixed" storage (<c>pandas_type = frame</c>, DeepLabCut's default) the column
/// MultiIndex is <c>axis0_level{i}</c> (values) + <c>axis0_label{i}</c> (codes), the row index is <c>axis1</c> or
/// <c>axis1_level{i}</c>/<c>axis1_label{i}</c>, and the numbers are <c>block0_values</c> (rows × columns, in the order
/// of <c>block0_items_*</c>); NaN is "not labelled". In "table" storage (<c>frame_table</c>, older DeepLabCut) the rows
/// are one compound <c>table</c> dataset and the column names a text pickle in an attribute (see <see cref="TableLines"/>).
/// The table is turned into CSV lines and parsed by <see cref="DlcTable"/>, so a
/// problem in row r is reported at "line r + header rows", as in the equivalent CSV.
/// </summary>
internal static class DlcH5
{
    public static DlcTable Parse(string file)
    {
        PureHDF.VOL.Native.NativeFile h5;
        try { h5 = H5File.OpenRead(file); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new DatasetFormatException(file, null, $"not a readable HDF5 file ({e.Message}).");
        }
        using (h5)
        {
            var group = h5.Children().OfType<IH5Group>().FirstOrDefault()
                ?? throw new DatasetFormatException(file, null, "no pandas DataFrame group in the file.");
            var where = "/" + group.Name;
            var type = group.AttributeExists("pandas_type") ? group.Attribute("pandas_type").Read<string>() : null;
            if (type == "frame_table") return DlcTable.Parse(file, TableLines(group, file));
            if (type != "frame")
                throw new DatasetFormatException(file, where, $"pandas_type is '{type}', expected a DataFrame ('frame').");
            if (group.AttributeExists("nblocks") && Convert.ToInt64(group.Attribute("nblocks").Read<long>()) != 1)
                throw new DatasetFormatException(file, where, "the DataFrame holds several blocks (mixed column types); DeepLabCut labels are all numbers.");

            var (columnNames, columns) = Index(group, "block0_items", file);
            var rows = RowIndex(group, file);
            var values = group.Dataset("block0_values");
            var dims = values.Space.Dimensions;
            if (dims.Length != 2 || (int)dims[0] != rows.Length || (int)dims[1] != columns.Length)
                throw new DatasetFormatException(file, $"{where}/block0_values", $"shape [{string.Join(", ", dims)}] does not match {rows.Length} rows x {columns.Length} columns.");
            return DlcTable.Parse(file, Lines(columnNames, columns, rows, values.Read<double[]>()));
        }
    }

    /// <summary>
    /// pandas "table" storage: one compound <c>table</c> dataset (an <c>index</c> field and a <c>values_block_0</c> array per
    /// row) whose column tuples are a protocol-0 pickle in its <c>values_block_0_kind</c> attribute. DeepLabCut's level
    /// names follow from the tuple length (scorer, [individuals,] bodyparts, coords).
    /// </summary>
    private static string[] TableLines(IH5Group group, string file)
    {
        var where = $"/{group.Name}/table";
        var table = group.Dataset("table");
        string[][] columns;
        try
        {
            var kind = PickleText.Load(table.Attribute("values_block_0_kind").Read<string>()) as List<object?>
                ?? throw new FormatException("not a list.");
            columns = kind.Select(c => c is object?[] t ? t.Select(x => x?.ToString() ?? "").ToArray() : throw new FormatException("a column name is not a tuple.")).ToArray();
        }
        catch (Exception e) when (e is FormatException or KeyNotFoundException or InvalidCastException)
        {
            throw new DatasetFormatException(file, $"{where}.values_block_0_kind", $"cannot read the column names: {e.Message}");
        }
        string[] names = columns.FirstOrDefault()?.Length switch
        {
            3 => ["scorer", "bodyparts", "coords"],
            4 => ["scorer", "individuals", "bodyparts", "coords"],
            var n => throw new DatasetFormatException(file, $"{where}.values_block_0_kind", $"column tuples have {n} levels, expected 3 or 4 (scorer, [individuals,] bodyparts, coords)."),
        };
        var records = table.Read<Dictionary<string, object>[]>();
        var rows = new string[records.Length][];
        var numbers = new double[records.Length * columns.Length];
        for (var r = 0; r < records.Length; r++)
        {
            var record = records[r];
            if (!record.TryGetValue("index", out var index) || !record.TryGetValue("values_block_0", out var block) || block is not double[] values)
                throw new DatasetFormatException(file, $"{where}[{r}]", "expected the fields 'index' and 'values_block_0' (numbers); several value blocks or a multi-level row index are not read.");
            if (values.Length != columns.Length)
                throw new DatasetFormatException(file, $"{where}[{r}]", $"{values.Length} values for {columns.Length} columns.");
            rows[r] = [index?.ToString() ?? ""];
            values.CopyTo(numbers, r * columns.Length);
        }
        return Lines(names, columns, rows, numbers);
    }

    private static string[] Lines(string[] columnNames, string[][] columns, string[][] rows, double[] numbers)
    {
        var lines = new List<string>();
        var indexColumns = rows.Length > 0 ? rows[0].Length : 1;
        foreach (var level in new[] { "scorer", "individuals", "bodyparts", "coords" })
        {
            var i = Array.IndexOf(columnNames, level);
            if (i >= 0) lines.Add(level + new string(',', indexColumns) + string.Join(',', columns.Select(c => DlcCsv.Quote(c[i]))));
        }
        if (!columnNames.Contains("scorer")) lines.Insert(0, "scorer" + new string(',', indexColumns) + string.Join(',', columns.Select(_ => "")));
        for (var r = 0; r < rows.Length; r++)
        {
            var line = new StringBuilder(string.Join(',', rows[r].Select(DlcCsv.Quote)));
            for (var c = 0; c < columns.Length; c++)
            {
                var v = numbers[r * columns.Length + c];
                line.Append(',').Append(double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture));
            }
            lines.Add(line.ToString());
        }
        return lines.ToArray();
    }

    /// <summary>A pandas MultiIndex stored as {prefix}_level{i} and {prefix}_label{i}: level names and one tuple per entry.</summary>
    private static (string[] Names, string[][] Tuples) Index(IH5Group group, string prefix, string file)
    {
        var nlevels = group.AttributeExists($"{prefix}_nlevels") ? (int)group.Attribute($"{prefix}_nlevels").Read<long>() : 0;
        if (nlevels == 0) throw new DatasetFormatException(file, $"/{group.Name}/{prefix}", "expected a column MultiIndex (scorer, bodyparts, coords).");
        var names = new string[nlevels];
        string[][]? tuples = null;
        for (var i = 0; i < nlevels; i++)
        {
            var level = group.Dataset($"{prefix}_level{i}");
            names[i] = level.AttributeExists("name") ? (level.Attribute("name").Read<string>() ?? "") : "";
            var values = level.Read<string[]>();
            var codes = Codes(group.Dataset($"{prefix}_label{i}"));
            tuples ??= codes.Select(_ => new string[nlevels]).ToArray();
            for (var j = 0; j < codes.Length; j++)
                tuples[j][i] = codes[j] >= 0 && codes[j] < values.Length ? values[codes[j]]
                    : throw new DatasetFormatException(file, $"/{group.Name}/{prefix}_label{i}", $"code {codes[j]} outside the {values.Length} level values.");
        }
        return (names, tuples!);
    }

    private static string[][] RowIndex(IH5Group group, string file)
    {
        var variety = group.AttributeExists("axis1_variety") ? group.Attribute("axis1_variety").Read<string>() : "regular";
        if (variety == "multi") return Index(group, "axis1", file).Tuples;
        return group.Dataset("axis1").Read<string[]>().Select(s => new[] { s }).ToArray();
    }

    private static long[] Codes(IH5Dataset dataset) => dataset.Type.Size switch
    {
        1 => dataset.Read<sbyte[]>().Select(v => (long)v).ToArray(),
        2 => dataset.Read<short[]>().Select(v => (long)v).ToArray(),
        4 => dataset.Read<int[]>().Select(v => (long)v).ToArray(),
        _ => dataset.Read<long[]>(),
    };
}
