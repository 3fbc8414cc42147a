using System.Text.RegularExpressions;

namespace NewtPose.Data.Splits;

/// <summary>
/// Seeded train/val/test splits of the labelled images, whole groups (animals) to one side. Pseudo-labelled photos
/// (<see cref="LabeledImage.IsPseudoLabelled"/>) all go to train: the fractions and groups are drawn from the labelled
/// photos alone, so adding pseudo-labels never moves a labelled photo to another side.
/// </summary>
public static class DatasetSplitter
{
    public static DatasetSplit Split(PoseDataset dataset, SplitOptions options)
    {
        options.Validate();
        var images = dataset.Images.Where(i => i.IsLabeled && !i.IsPseudoLabelled).ToArray();
        var pseudo = dataset.Images.Where(i => i.IsLabeled && i.IsPseudoLabelled).Select(i => i.Path);
        var groups = Group(images, options.GroupBy);
        var random = new Random(options.EffectiveSeed);
        var order = groups.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Value).ToArray();
        random.Shuffle(order);
        var testTarget = (int)Math.Round(options.TestFraction * images.Length);
        var valTarget = (int)Math.Round(options.ValFraction * images.Length);
        // Keep at least one image on a side that was asked for, when there are enough groups.
        if (options.TestFraction > 0 && testTarget == 0) testTarget = 1;
        if (options.ValFraction > 0 && valTarget == 0) valTarget = 1;
        List<string> train = [], val = [], test = [];
        foreach (var group in order)
        {
            var side = test.Count < testTarget && order.Length > 2 ? test : val.Count < valTarget && order.Length > 1 ? val : train;
            side.AddRange(group);
        }
        return new DatasetSplit
        {
            Seed = options.Seed, Shuffle = options.Shuffle, ValFraction = options.ValFraction, TestFraction = options.TestFraction,
            GroupBy = options.GroupBy, Groups = groups.Count, Train = Sorted([.. train, .. pseudo]), Val = Sorted(val), Test = Sorted(test),
        };
    }

    private static string[] Sorted(List<string> paths) => paths.OrderBy(p => p, StringComparer.Ordinal).ToArray();

    /// <summary>Image paths per group; images that share any key end in the same group (an image with two animals joins both).</summary>
    private static Dictionary<string, List<string>> Group(IReadOnlyList<LabeledImage> images, string? groupBy)
    {
        Regex? regex = null;
        if (groupBy is not null && groupBy.Contains('('))
        {
            try { regex = new Regex(groupBy); }
            catch (ArgumentException e) { throw new ArgumentException($"Group regex '{groupBy}' is not a valid regex: {e.Message}"); }
            if (regex.GetGroupNumbers().Length != 2) throw new ArgumentException($"Group regex '{groupBy}' must have exactly one capture group.");
        }
        var keys = images.Select(i => Keys(i, groupBy, regex)).ToArray();
        var missing = images.Where((_, n) => keys[n].Count == 0).Select(i => i.Path).ToArray();
        if (missing.Length > 0)
            throw new ArgumentException($"{missing.Length} labelled images have no group key for '{groupBy}' (first: {string.Join(", ", missing.Take(3))}); " +
                "every image needs one so an animal cannot fall on both sides.");
        var parent = new Dictionary<string, string>();
        string Find(string k) { while (parent[k] != k) k = parent[k] = parent[parent[k]]; return k; }
        foreach (var set in keys)
        {
            foreach (var k in set) parent.TryAdd(k, k);
            foreach (var k in set.Skip(1)) { var a = Find(set[0]); var b = Find(k); if (a != b) parent[b] = a; }
        }
        var groups = new Dictionary<string, List<string>>();
        for (var n = 0; n < images.Count; n++)
        {
            var root = Find(keys[n][0]);
            if (!groups.TryGetValue(root, out var list)) groups[root] = list = [];
            list.Add(images[n].Path);
        }
        return groups;
    }

    private static List<string> Keys(LabeledImage image, string? groupBy, Regex? regex)
    {
        if (groupBy is null) return [image.Path];
        if (regex is not null)
        {
            var m = regex.Match(image.Path);
            return m.Success && m.Groups[1].Value.Length > 0 ? ["re:" + m.Groups[1].Value] : [];
        }
        return image.Instances
            .Select(i => groupBy == "individual" ? i.Individual ?? i.Attributes.GetValueOrDefault("individual") : i.Attributes.GetValueOrDefault(groupBy))
            .Where(k => !string.IsNullOrEmpty(k)).Select(k => "attr:" + k).Distinct().ToList()!;
    }
}
