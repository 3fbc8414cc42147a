using System.Text.Json;
using NewtPose.Data;
using NewtPose.IO;

namespace NewtPose.Training;

/// <summary>
/// Which images train, validate and test: paths as the dataset names them (<see cref="LabeledImage.Path"/>, relative to
/// the dataset root). Written to the run folder as split.json so a run records exactly what it saw.
/// </summary>
public sealed record TrainingSplit(IReadOnlyList<string> Train, IReadOnlyList<string> Validation)
{
    /// <summary>Held-out images for the final figures in metrics.json (optional).</summary>
    public IReadOnlyList<string> Test { get; init; } = [];

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, TrainingOptions.Json) + "\n");

    public static TrainingSplit Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: split file not found.", path);
        try
        {
            return JsonSerializer.Deserialize<TrainingSplit>(File.ReadAllText(path), TrainingOptions.Json)
                   ?? throw new DatasetFormatException(path, null, "the file holds JSON null, not a split.");
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException(path, e.Path is null ? null : $"line {e.LineNumber + 1}, field {e.Path}", e.Message, e);
        }
    }

    /// <summary>The labelled animals of the listed images; throws when a path is not in the dataset or an image is listed twice.</summary>
    internal static IReadOnlyList<TrainingItem> Items(PoseDataset dataset, IReadOnlyList<string> paths, string role)
    {
        var byPath = new Dictionary<string, LabeledImage>(StringComparer.Ordinal);
        foreach (var image in dataset.Images) byPath.TryAdd(image.Path, image);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var items = new List<TrainingItem>();
        foreach (var path in paths)
        {
            if (!byPath.TryGetValue(path, out var image))
                throw new ArgumentException($"The {role} split lists '{path}', which is not an image of the dataset at {dataset.Root}.");
            if (!seen.Add(path)) throw new ArgumentException($"The {role} split lists '{path}' twice.");
            // An instance with no labelled point carries nothing to learn or score; it is counted, not hidden (see the log).
            items.AddRange(image.Instances.Where(i => i.LabeledCount > 0).Select(i => new TrainingItem(dataset.FullPath(image), i)));
        }
        return items;
    }

    internal void CheckDisjoint()
    {
        var train = Train.ToHashSet(StringComparer.Ordinal);
        var overlap = Validation.Concat(Test).FirstOrDefault(train.Contains) ?? Validation.Intersect(Test, StringComparer.Ordinal).FirstOrDefault();
        if (overlap is not null) throw new ArgumentException($"'{overlap}' appears in more than one part of the split; train, validation and test must not share images.");
    }
}

/// <summary>One labelled animal and the full path of its photo.</summary>
public sealed record TrainingItem(string ImagePath, PoseInstance Instance);
