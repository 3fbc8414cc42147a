using System.Text.Json;
using System.Text.Json.Serialization;
using NewtPose.IO;

namespace NewtPose.Data.Splits;

/// <summary>How to split: seeded, fractions of labelled images, optional grouping so one animal never sits on two sides.</summary>
/// <param name="Seed">Base seed; the same seed, shuffle and dataset give the same split.</param>
/// <param name="ValFraction">Share of labelled images for validation.</param>
/// <param name="TestFraction">Share of labelled images for the test side.</param>
/// <param name="GroupBy">
/// null: every image is its own group. A string containing '(' is a regex over the image path with one capture group
/// (e.g. <c>^([A-Z]+\d+)_</c> for "N12_belly.jpg"); anything else is an annotation attribute key (<c>individual</c>
/// reads the instance's individual).
/// </param>
/// <param name="Shuffle">DeepLabCut-style shuffle index: each index gives a different, repeatable split.</param>
public sealed record SplitOptions(int Seed, double ValFraction = 0.2, double TestFraction = 0, string? GroupBy = null, int Shuffle = 0)
{
    public void Validate()
    {
        if (ValFraction < 0 || TestFraction < 0 || ValFraction + TestFraction >= 1)
            throw new ArgumentException($"Fractions must be >= 0 and leave some training images (val {ValFraction} + test {TestFraction} >= 1).");
        if (Shuffle < 0) throw new ArgumentException($"Shuffle index must be >= 0, got {Shuffle}.");
    }

    /// <summary>The seed actually used: a different one per shuffle index, repeatable.</summary>
    public int EffectiveSeed => unchecked(Seed * 1_000_003 + Shuffle * 7_919);
}

/// <summary>A saved split: image paths (relative to the dataset root) per side, plus how it was made, so it can be repeated.</summary>
public sealed record DatasetSplit
{
    [JsonPropertyName("seed")] public required int Seed { get; init; }
    [JsonPropertyName("shuffle")] public required int Shuffle { get; init; }
    [JsonPropertyName("val_fraction")] public required double ValFraction { get; init; }
    [JsonPropertyName("test_fraction")] public required double TestFraction { get; init; }
    [JsonPropertyName("group_by")] public string? GroupBy { get; init; }
    [JsonPropertyName("groups")] public required int Groups { get; init; }
    [JsonPropertyName("train")] public required IReadOnlyList<string> Train { get; init; }
    [JsonPropertyName("val")] public required IReadOnlyList<string> Val { get; init; }
    [JsonPropertyName("test")] public required IReadOnlyList<string> Test { get; init; }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>
    /// A split from explicit lists (hand-picked images, or lists made by another tool). It records seed 0, no grouping,
    /// one group per image and the fractions the lists give, so the saved file still describes itself.
    /// </summary>
    public static DatasetSplit FromLists(IReadOnlyList<string> train, IReadOnlyList<string> val, IReadOnlyList<string>? test = null)
    {
        test ??= [];
        var total = Math.Max(1, train.Count + val.Count + test.Count);
        return new DatasetSplit
        {
            Seed = 0, Shuffle = 0, ValFraction = val.Count / (double)total, TestFraction = test.Count / (double)total,
            Groups = train.Count + val.Count + test.Count, Train = train.ToArray(), Val = val.ToArray(), Test = test.ToArray(),
        };
    }

    /// <summary>The JSON <see cref="Save"/> writes (what `newtpose split` writes and `--split FILE` reads).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    public static DatasetSplit Load(string path)
    {
        if (!File.Exists(path)) throw new DatasetFormatException(path, null, "file not found.");
        try
        {
            var split = JsonSerializer.Deserialize<DatasetSplit>(File.ReadAllText(path))
                ?? throw new DatasetFormatException(path, null, "the file holds JSON null, not a split.");
            var twice = split.Train.Concat(split.Val).Concat(split.Test).GroupBy(p => p).FirstOrDefault(g => g.Count() > 1);
            if (twice is not null) throw new DatasetFormatException(path, null, $"image '{twice.Key}' is on more than one side.");
            return split;
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException(path, JsonErrors.Location(e) ?? JsonErrors.Field(e), $"not a split file: {JsonErrors.Problem(e)}");
        }
    }

    /// <summary>The part of <paramref name="dataset"/> on one side; throws when the split names images the dataset lacks.</summary>
    public PoseDataset Select(PoseDataset dataset, IReadOnlyList<string> side)
    {
        var byPath = dataset.Images.ToDictionary(i => i.Path);
        var missing = side.Where(p => !byPath.ContainsKey(p)).ToArray();
        if (missing.Length > 0)
            throw new ArgumentException($"The split names {missing.Length} images that are not in the dataset (first: {string.Join(", ", missing.Take(3))}).");
        return dataset with { Images = side.Select(p => byPath[p]).ToArray() };
    }
}
