using System.Text.Json;
using NewtPose.Data;

namespace NewtPose.Tests.Data;

public class DlcH5WriterTests
{
    // Prints what pandas reads: the column and row tuples, the level names and every value (NaN as null).
    private const string ReadWithPandas = """
        import json, math, sys
        import pandas as pd
        df = pd.read_hdf(sys.argv[1] if len(sys.argv) > 1 else PATH)
        print(json.dumps({
            "column_names": list(df.columns.names),
            "columns": [list(c) for c in df.columns],
            "rows": [list(r) if isinstance(r, tuple) else [r] for r in df.index],
            "values": [[None if math.isnan(v) else v for v in row] for row in df.to_numpy().tolist()],
        }))
        """;

    [Fact]
    public void Convert_to_dlc_writes_the_h5_beside_the_csv_and_newtpose_reads_it_back()
    {
        using var folder = new TempFolder();
        var original = TestData.Newts(folder);
        PoseData.Save(original, Path.Combine(folder.Path, "dlc"), LabelFormat.Dlc);
        foreach (var video in new[] { "photos_day0", "photos_day1" })
        {
            var stem = Path.Combine(folder.Path, "dlc", "labeled-data", video, "CollectedData_newtpose");
            var fromCsv = PoseData.Load(stem + ".csv");
            var fromH5 = PoseData.Load(stem + ".h5");
            Assert.Equal(fromCsv.Skeleton.Keypoints, fromH5.Skeleton.Keypoints);
            Assert.Equal(fromCsv.Images.Select(i => i.Path), fromH5.Images.Select(i => i.Path));
            TestData.AssertSameLabels(fromCsv, fromH5, keepsOccluded: false);
            Assert.Equal(fromCsv.Instances.Select(i => i.Individual), fromH5.Instances.Select(i => i.Individual));
        }
    }

    [PandasFact]
    public void Pandas_reads_the_single_animal_h5_with_deeplabcuts_columns_and_index()
    {
        using var folder = new TempFolder();
        var original = TestData.Newts(folder);
        // One animal per image: the single-animal layout (scorer, bodyparts, coords).
        var single = original with { Images = original.Images.Select(i => i with { Instances = i.Instances.Take(1).ToArray() }).ToArray() };
        PoseData.Save(single, Path.Combine(folder.Path, "dlc"), LabelFormat.Dlc);
        var h5 = Path.Combine(folder.Path, "dlc", "labeled-data", "photos_day1", "CollectedData_newtpose.h5");
        var read = Pandas(h5);

        Assert.Equal(["scorer", "bodyparts", "coords"], read.ColumnNames);
        Assert.Equal(TestData.Names.SelectMany(n => new[] { new[] { "newtpose", n, "x" }, ["newtpose", n, "y"] }), read.Columns);
        var images = single.Images.Where(i => i.Path.StartsWith("photos/day1/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(images.Select(i => new[] { "labeled-data", "photos_day1", Path.GetFileName(i.Path) }), read.Rows);
        AssertValues(images, read, animals: 1);
    }

    [PandasFact]
    public void Pandas_reads_the_multi_animal_h5_with_individuals()
    {
        using var folder = new TempFolder();
        var original = TestData.Newts(folder);
        PoseData.Save(original, Path.Combine(folder.Path, "dlc"), LabelFormat.Dlc);
        var h5 = Path.Combine(folder.Path, "dlc", "labeled-data", "photos_day1", "CollectedData_newtpose.h5");
        var read = Pandas(h5);

        Assert.Equal(["scorer", "individuals", "bodyparts", "coords"], read.ColumnNames);
        Assert.Equal(["newtpose", "animal2", "left_eye", "x"], read.Columns[2 * TestData.Names.Length]);
        var images = original.Images.Where(i => i.Path.StartsWith("photos/day1/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(images.Select(i => Path.GetFileName(i.Path)), read.Rows.Select(r => r[2]));
        AssertValues(images, read, animals: 2);
    }

    private static void AssertValues(LabeledImage[] images, PandasFrame read, int animals)
    {
        var k = TestData.Names.Length;
        Assert.Equal(images.Length, read.Values.Length);
        for (var r = 0; r < images.Length; r++)
        {
            Assert.Equal(animals * k * 2, read.Values[r].Length);
            for (var a = 0; a < animals; a++)
                for (var p = 0; p < k; p++)
                {
                    var point = a < images[r].Instances.Count ? images[r].Instances[a].Keypoints[p] : Keypoint.Missing;
                    var (x, y) = (read.Values[r][(a * k + p) * 2], read.Values[r][(a * k + p) * 2 + 1]);
                    if (!point.IsLabeled) { Assert.Null(x); Assert.Null(y); continue; }
                    Assert.Equal(point.X, x!.Value, 12);
                    Assert.Equal(point.Y, y!.Value, 12);
                }
        }
    }

    private sealed record PandasFrame(string[] ColumnNames, string[][] Columns, string[][] Rows, double?[][] Values);

    private static PandasFrame Pandas(string h5)
    {
        var (code, output, error) = PythonPandas.Run($"PATH = {JsonSerializer.Serialize(h5)}\n{ReadWithPandas}");
        Assert.True(code == 0, $"pandas.read_hdf failed on {h5}:\n{error}");
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        string[][] Tuples(string name) => root.GetProperty(name).EnumerateArray().Select(t => t.EnumerateArray().Select(s => s.GetString()!).ToArray()).ToArray();
        return new PandasFrame(
            root.GetProperty("column_names").EnumerateArray().Select(s => s.GetString()!).ToArray(), Tuples("columns"), Tuples("rows"),
            root.GetProperty("values").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? (double?)null : v.GetDouble()).ToArray()).ToArray());
    }
}
