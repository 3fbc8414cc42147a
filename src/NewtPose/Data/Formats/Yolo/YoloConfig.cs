using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NewtPose.Data.Formats.Yolo;

/// <summary>The parts of an Ultralytics data.yaml a pose dataset needs.</summary>
internal sealed class YoloConfig
{
    public required string File { get; init; }
    public required string Root { get; init; }
    public required Skeleton Skeleton { get; init; }
    public required int Dims { get; init; }
    public required IReadOnlyList<string> ClassNames { get; init; }
    public required IReadOnlyList<string> Splits { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }

    public static YoloConfig Parse(string file)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(file);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new DatasetFormatException(file, $"line {e.Start.Line}, column {e.Start.Column}", $"invalid YAML: {e.Message}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this, without a position, for some unterminated flow collections.
            throw new DatasetFormatException(file, EndOfValidYaml(file), "invalid YAML: a [ or { is not closed before this point.");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode map)
            throw new DatasetFormatException(file, null, "expected a YAML mapping (train, val, kpt_shape, ...).");
        string? Scalar(string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var n) && n is YamlScalarNode s ? s.Value : null;
        YamlNode? Node(string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var n) ? n : null;

        var kptShape = Integers(Node("kpt_shape"), file, "kpt_shape");
        if (kptShape is null || kptShape.Count != 2 || kptShape[0] < 1 || kptShape[1] is not (2 or 3))
            throw new DatasetFormatException(file, "kpt_shape", "missing or not [K, 2] or [K, 3]; this is not a YOLO pose dataset.");
        var k = kptShape[0];
        var classNames = Names(Node("names"));
        var names = KeypointNames(Node("kpt_names")) ?? Enumerable.Range(0, k).Select(i => $"kp{i}").ToList();
        if (names.Count != k) throw new DatasetFormatException(file, "kpt_names", $"{names.Count} names for kpt_shape K = {k}.");
        var duplicate = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new DatasetFormatException(file, "kpt_names", $"keypoint name '{duplicate.Key}' appears twice.");
        var warnings = new List<string>();
        var edges = new List<Edge>();
        if (Node("skeleton") is YamlSequenceNode sk)
            foreach (var e in sk.Children)
            {
                var pair = Integers(e, file, "skeleton");
                if (pair is null || pair.Count != 2 || pair.Any(i => i < 0 || i >= k))
                    throw new DatasetFormatException(file, "skeleton", $"expected pairs of 0-based keypoint indices in 0..{k - 1}.");
                edges.Add(new Edge(pair[0], pair[1]));
            }
        IReadOnlyList<SwapPair> pairs = [];
        var flip = Integers(Node("flip_idx"), file, "flip_idx");
        if (flip is not null)
        {
            pairs = SwapPairs.FromFlipIndex(flip, names, file, warnings);
            var fromNames = SwapPairs.InferFromNames(names);
            if (pairs.Count == 0 && fromNames.Count > 0)
                warnings.Add($"{file}: flip_idx is the identity but the names suggest left/right pairs ({string.Join(", ", fromNames.Select(p => $"{names[p.Left]}/{names[p.Right]}"))}); the flip_idx was kept.");
        }

        var yamlDir = Path.GetDirectoryName(Path.GetFullPath(file))!;
        var root = yamlDir;
        if (Scalar("path") is { Length: > 0 } p)
        {
            var candidate = Path.GetFullPath(Path.Combine(yamlDir, p));
            if (Directory.Exists(candidate)) root = candidate;
            else warnings.Add($"{file}: path '{p}' does not exist here; image folders were taken relative to the YAML's folder.");
        }
        var splits = new List<string>();
        foreach (var key in new[] { "train", "val", "test" })
            switch (Node(key))
            {
                case YamlScalarNode { Value: { Length: > 0 } v }: splits.Add(v); break;
                case YamlSequenceNode seq: splits.AddRange(seq.Children.OfType<YamlScalarNode>().Select(s => s.Value!).Where(s => s.Length > 0)); break;
            }
        if (splits.Count == 0) throw new DatasetFormatException(file, "train", "no train/val/test image folders are given.");
        return new YoloConfig
        {
            File = file, Root = root, Skeleton = new Skeleton(names, edges, pairs), Dims = kptShape[1],
            ClassNames = classNames, Splits = splits.Distinct().ToArray(), Warnings = warnings,
        };
    }

    /// <summary>Image paths relative to the root, from every split folder or list file, in a stable order.</summary>
    public IEnumerable<string> ImagePaths()
    {
        foreach (var split in Splits)
        {
            var relative = split.Replace('\\', '/');
            // Roboflow exports say "../train/images" beside data.yaml; Ultralytics falls back the same way.
            if (!Exists(relative) && relative.StartsWith("../", StringComparison.Ordinal) && Exists(relative[3..])) relative = relative[3..];
            relative = DatasetPaths.CheckRelative(relative, File, $"split '{split}'");
            var full = Path.Combine(Root, relative);
            if (Directory.Exists(full))
            {
                foreach (var f in Directory.GetFiles(full, "*", SearchOption.AllDirectories).Where(YoloFormat.IsImage).OrderBy(f => f, StringComparer.Ordinal))
                    yield return Path.GetRelativePath(Root, f).Replace('\\', '/');
            }
            else if (System.IO.File.Exists(full) && full.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
            {
                var lines = System.IO.File.ReadAllLines(full);
                for (var l = 0; l < lines.Length; l++)
                    if (lines[l].Trim().Length > 0)
                        yield return DatasetPaths.CheckRelative(lines[l].Trim(), full, $"line {l + 1}");
            }
            else throw new DatasetFormatException(File, $"split '{split}'", $"folder or list {full} not found.");
        }
    }

    private bool Exists(string relative) => Directory.Exists(Path.Combine(Root, relative)) || System.IO.File.Exists(Path.Combine(Root, relative));

    /// <summary>Where the scanner stopped understanding the file: the end of the last token it read ("line L, column C", 1-based).</summary>
    private static string? EndOfValidYaml(string file)
    {
        using var reader = new StreamReader(file);
        var scanner = new Scanner(reader);
        Mark? end = null;
        try
        {
            while (scanner.MoveNext()) end = scanner.Current?.End;
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
        }
        return end is { } m ? $"line {m.Line}, column {m.Column}" : null;
    }

    private static List<int>? Integers(YamlNode? node, string file, string key)
    {
        if (node is null) return null;
        if (node is not YamlSequenceNode seq) throw new DatasetFormatException(file, key, "expected a list of integers.");
        return seq.Children.Select(c => c is YamlScalarNode s && int.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i
            : throw new DatasetFormatException(file, key, $"'{c}' is not an integer.")).ToList();
    }

    private static List<string> Names(YamlNode? node) => node switch
    {
        YamlSequenceNode seq => seq.Children.Select(c => c.ToString()).ToList(),
        YamlMappingNode m => m.Children.OrderBy(c => int.TryParse(c.Key.ToString(), out var i) ? i : int.MaxValue).Select(c => c.Value.ToString()).ToList(),
        _ => [],
    };

    // kpt_names is a map class → list in Ultralytics; a plain list is accepted too. The first class's names are used.
    private static List<string>? KeypointNames(YamlNode? node) => node switch
    {
        YamlSequenceNode seq => seq.Children.Select(c => c.ToString()).ToList(),
        YamlMappingNode m when m.Children.Count > 0 && m.Children.First().Value is YamlSequenceNode s => s.Children.Select(c => c.ToString()).ToList(),
        _ => null,
    };
}
