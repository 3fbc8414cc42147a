using System.Globalization;

namespace NewtPose.Data.Formats.Dlc;

/// <summary>One parsed CollectedData CSV: its bodyparts (unique bodyparts appended) and one row per image.</summary>
internal sealed class DlcTable
{
    public required string File { get; init; }
    public required IReadOnlyList<string> Keypoints { get; init; }
    public required IReadOnlyList<Row> Rows { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }

    public sealed record Row(int Line, string Path, IReadOnlyList<PoseInstance> Instances);

    private sealed record Column(int Index, string Individual, string Bodypart, string Coord);

    public static DlcTable Parse(string file) => Parse(file, System.IO.File.ReadAllLines(file));

    /// <summary>Parses CSV lines; the H5 reader hands over the same table as lines, so both share every check.</summary>
    public static DlcTable Parse(string file, string[] lines)
    {
        DatasetFormatException Error(int line, string problem) => new(file, $"line {line}", problem);
        if (lines.Length == 0 || !DlcCsv.Split(lines[0])[0].Trim().Equals("scorer", StringComparison.OrdinalIgnoreCase))
            throw new DatasetFormatException(file, "line 1", "expected the DeepLabCut header row starting with 'scorer'.");
        var coordsLine = Array.FindIndex(lines, 0, Math.Min(lines.Length, 5), l => DlcCsv.Split(l)[0].Trim() == "coords");
        if (coordsLine < 0) throw Error(Math.Min(lines.Length, 4), "no 'coords' header row in the first lines (expected scorer, [individuals], bodyparts, coords).");
        var header = lines[..(coordsLine + 1)].Select(DlcCsv.Split).ToArray();
        var width = header[0].Length;
        for (var h = 1; h < header.Length; h++)
            if (header[h].Length != width) throw Error(h + 1, $"header row has {header[h].Length} cells, the scorer row has {width}.");
        var rowNames = header.Select(r => r[0].Trim()).ToArray();
        var bodypartsRow = Array.IndexOf(rowNames, "bodyparts");
        if (bodypartsRow < 0) throw Error(2, "no 'bodyparts' header row.");
        var individualsRow = Array.IndexOf(rowNames, "individuals");
        var coords = header[coordsLine];
        var indexColumns = Array.FindIndex(coords, 1, c => c.Trim() is "x" or "y" or "likelihood");
        if (indexColumns < 0) throw Error(coordsLine + 1, "the coords row names no x/y columns.");

        var columns = new List<Column>();
        for (var c = indexColumns; c < width; c++)
        {
            var coord = coords[c].Trim();
            if (coord is not ("x" or "y" or "likelihood"))
                throw Error(coordsLine + 1, $"column {c + 1}: coords is '{coord}', expected x, y or likelihood.");
            var part = header[bodypartsRow][c].Trim();
            if (part.Length == 0) throw Error(bodypartsRow + 1, $"column {c + 1}: empty bodypart name.");
            columns.Add(new Column(c, individualsRow >= 0 ? header[individualsRow][c].Trim() : "", part, coord));
        }
        // Each (individual, bodypart) needs exactly one x and one y.
        foreach (var g in columns.GroupBy(c => (c.Individual, c.Bodypart)))
        {
            var xs = g.Count(c => c.Coord == "x");
            var ys = g.Count(c => c.Coord == "y");
            if (xs != 1 || ys != 1)
                throw Error(coordsLine + 1, $"bodypart '{g.Key.Bodypart}'{(g.Key.Individual.Length > 0 ? $" of '{g.Key.Individual}'" : "")} has {xs} x and {ys} y columns, expected one of each.");
        }
        var individuals = columns.Select(c => c.Individual).Distinct().ToArray();
        var animals = individuals.Where(i => i != "single").ToArray();
        var shared = columns.Where(c => c.Individual != "single" && c.Coord == "x").Select(c => c.Bodypart).Distinct().ToList();
        foreach (var animal in animals)
        {
            var parts = columns.Where(c => c.Individual == animal && c.Coord == "x").Select(c => c.Bodypart).ToArray();
            if (!parts.SequenceEqual(shared))
                throw Error(bodypartsRow + 1, $"individual '{animal}' has bodyparts ({string.Join(", ", parts)}) different from the others ({string.Join(", ", shared)}).");
        }
        var unique = columns.Where(c => c.Individual == "single" && c.Coord == "x").Select(c => c.Bodypart).ToArray();
        var names = shared.Concat(unique).ToArray();
        var clash = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null) throw Error(bodypartsRow + 1, $"bodypart '{clash.Key}' is both a unique bodypart and an animal's bodypart.");

        // Column of x for (individual, keypoint index); y sits in the matching y column.
        var slots = (individuals.Length == 0 ? [""] : individuals).Select(ind => (Individual: ind, X: new int[names.Length], Y: new int[names.Length])).ToArray();
        foreach (var slot in slots)
        {
            Array.Fill(slot.X, -1); Array.Fill(slot.Y, -1);
            foreach (var c in columns.Where(c => c.Individual == slot.Individual && c.Coord != "likelihood"))
                (c.Coord == "x" ? slot.X : slot.Y)[Array.IndexOf(names, c.Bodypart)] = c.Index;
        }

        var rows = new List<Row>();
        var warnings = new List<string>();
        int shortRows = 0, firstShort = 0;
        for (var l = coordsLine + 1; l < lines.Length; l++)
        {
            if (lines[l].Trim().Length == 0) continue;
            var line = l + 1;
            var cells = DlcCsv.Split(lines[l]);
            if (cells.Length > width) throw Error(line, $"ragged row: {cells.Length} cells, the header has {width}.");
            if (cells.Length < indexColumns) throw Error(line, $"ragged row: {cells.Length} cells, not even the {indexColumns} index columns.");
            if (cells.Length < width) { shortRows++; if (firstShort == 0) firstShort = line; Array.Resize(ref cells, width); }
            var raw = indexColumns == 1 ? cells[0] : string.Join('/', cells[..indexColumns].Where(c => !string.IsNullOrWhiteSpace(c)));
            var path = DatasetPaths.CheckRelative(raw.Trim(), file, $"line {line}");
            var instances = new List<PoseInstance>();
            foreach (var slot in slots)
            {
                var keypoints = new Keypoint[names.Length];
                var any = false;
                for (var k = 0; k < names.Length; k++)
                {
                    if (slot.X[k] < 0) { keypoints[k] = Keypoint.Missing; continue; }
                    var where = $"line {line}, bodypart '{names[k]}'";
                    var x = Cell(cells[slot.X[k]], file, where + " x");
                    var y = Cell(cells[slot.Y[k]], file, where + " y");
                    if (x is null != y is null) throw new DatasetFormatException(file, where, "x and y must both be labelled or both be empty.");
                    keypoints[k] = x is null ? Keypoint.Missing : new Keypoint(x.Value, y!.Value, Visibility.Visible);
                    any |= x is not null;
                }
                if (any) instances.Add(new PoseInstance(keypoints, individual: slot.Individual.Length > 0 ? slot.Individual : null));
            }
            rows.Add(new Row(line, path, instances));
        }
        if (shortRows > 0)
            warnings.Add($"{file}: {shortRows} rows have fewer cells than the header (first at line {firstShort}); the missing cells were read as not labelled.");
        return new DlcTable { File = file, Keypoints = names, Rows = rows, Warnings = warnings };
    }

    private static double? Cell(string? cell, string file, string where)
    {
        var s = cell?.Trim() ?? "";
        if (s.Length == 0 || s.Equals("nan", StringComparison.OrdinalIgnoreCase)) return null;
        if (s.TrimStart('+', '-').ToLowerInvariant() is "inf" or "infinity")
            throw new DatasetFormatException(file, where, $"coordinate is not a finite number ({s}).");
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            throw new DatasetFormatException(file, where, $"'{s}' is not a number.");
        if (!double.IsFinite(v)) throw new DatasetFormatException(file, where, $"coordinate is not a finite number ({s}).");
        return v;
    }
}
