using NewtPose.Data;
using NewtPose.Data.Splits;

namespace NewtPose.Training;

/// <summary>One labelled animal of a dataset image.</summary>
public sealed record TrainingItem(LabeledImage Image, PoseInstance Instance)
{
    /// <summary>Where in the photo the animal is seen (a view's region in a multi-view rig), in pixels; null: the whole photo.</summary>
    public BoundingBox? Area { get; init; }
}

/// <summary>The labelled animals of each side of a <see cref="DatasetSplit"/>, checked against the dataset.</summary>
internal sealed record SplitItems(IReadOnlyList<TrainingItem> Train, IReadOnlyList<TrainingItem> Validation, IReadOnlyList<TrainingItem> Test)
{
    /// <summary>
    /// The split's labelled animals; with <paramref name="views"/>, one item per animal and view that has a labelled point
    /// there, restricted to the view's keypoints (<see cref="ViewRegions.Restrict"/>), so each view is cropped, trained and
    /// scored on its own.
    /// </summary>
    public static SplitItems From(PoseDataset dataset, DatasetSplit split, IReadOnlyList<ViewRegion>? views = null)
    {
        var members = views is { Count: > 0 } ? ViewRegions.Members(views, dataset.Skeleton).Select(m => m.ToHashSet()).ToArray() : null;
        IReadOnlyList<TrainingItem> PerView(IReadOnlyList<TrainingItem> items) => members is null ? items
            : items.SelectMany(item => members.Select((m, v) => item with
            {
                Instance = ViewRegions.Restrict(item.Instance, m),
                Area = item.Image.Width > 0 && item.Image.Height > 0 ? views![v].Rect(item.Image.Width, item.Image.Height) : null,
            })).Where(i => i.Instance.LabeledCount > 0).ToArray();
        return new(PerView(Items(dataset, split.Train, "train")), PerView(Items(dataset, split.Val, "validation")), PerView(Items(dataset, split.Test, "test")));
    }

    /// <summary>The labelled animals of the listed images; throws when a path is not in the dataset or an image is listed twice.</summary>
    private static IReadOnlyList<TrainingItem> Items(PoseDataset dataset, IReadOnlyList<string> paths, string role)
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
            if (role != "train" && image.IsPseudoLabelled)
                throw new ArgumentException($"The {role} split lists '{path}', whose label is a pseudo-label (source {PoseInstance.PseudoLabelSource}): " +
                                            "a model's own guesses cannot score a model; keep pseudo-labelled photos on the train side (the default split does).");
            // An instance with no labelled point carries nothing to learn or score; it is counted, not hidden (see the log).
            items.AddRange(image.Instances.Where(i => i.LabeledCount > 0).Select(i => new TrainingItem(image, i)));
        }
        return items;
    }

    /// <summary>Throws naming the first image that sits on two sides.</summary>
    public static void CheckDisjoint(DatasetSplit split)
    {
        var train = split.Train.ToHashSet(StringComparer.Ordinal);
        var overlap = split.Val.Concat(split.Test).FirstOrDefault(train.Contains) ?? split.Val.Intersect(split.Test, StringComparer.Ordinal).FirstOrDefault();
        if (overlap is not null) throw new ArgumentException($"'{overlap}' appears in more than one part of the split; train, validation and test must not share images.");
    }
}
