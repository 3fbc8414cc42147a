namespace NewtPose.Data;

/// <summary>An axis-aligned box in image pixels (COCO's x, y, width, height).</summary>
public readonly record struct BoundingBox(double X, double Y, double Width, double Height)
{
    public double Right => X + Width;
    public double Bottom => Y + Height;

    /// <summary>The tightest box around the labelled keypoints, or null when none is labelled.</summary>
    public static BoundingBox? AroundLabeled(IReadOnlyList<Keypoint> keypoints)
    {
        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        var any = false;
        foreach (var k in keypoints)
        {
            if (!k.IsLabeled) continue;
            any = true;
            minX = Math.Min(minX, k.X); minY = Math.Min(minY, k.Y); maxX = Math.Max(maxX, k.X); maxY = Math.Max(maxY, k.Y);
        }
        return any ? new BoundingBox(minX, minY, maxX - minX, maxY - minY) : null;
    }
}

/// <summary>One animal in one image: a keypoint per skeleton keypoint, in skeleton order.</summary>
public sealed record PoseInstance
{
    public PoseInstance(IReadOnlyList<Keypoint> keypoints, BoundingBox? box = null, string? individual = null,
        IReadOnlyDictionary<string, string>? attributes = null)
    {
        Keypoints = keypoints.ToArray();
        Box = box;
        Individual = individual;
        Attributes = attributes ?? new Dictionary<string, string>();
    }

    public IReadOnlyList<Keypoint> Keypoints { get; }
    /// <summary>The labelled box, when the source format has one.</summary>
    public BoundingBox? Box { get; init; }
    /// <summary>Which animal this is (photos of one individual must stay on one side of a split).</summary>
    public string? Individual { get; init; }
    /// <summary>Extra annotation fields kept from the source (for grouping keys and round trips).</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; }

    public int LabeledCount => Keypoints.Count(k => k.IsLabeled);

    /// <summary>
    /// The <c>source</c> attribute of a label a model made for training on unlabelled photos (<c>newtpose suggest
    /// --pseudo-labels</c>): such a photo is trained on, never validated or tested on (a model's guesses cannot score a model).
    /// </summary>
    public const string PseudoLabelSource = "newtpose-pseudo";

    /// <summary>Whether this label is a pseudo-label (<see cref="PseudoLabelSource"/>).</summary>
    public bool IsPseudoLabel => Attributes.GetValueOrDefault("source") == PseudoLabelSource;
}

/// <summary>An image of the dataset and the animals labelled in it.</summary>
/// <param name="Path">Path relative to the dataset root, with '/' separators.</param>
/// <param name="Width">Upright width in pixels (0 when the file could not be read).</param>
/// <param name="Height">Upright height in pixels (0 when the file could not be read).</param>
/// <param name="Instances">The animals labelled in the image (several per image are kept).</param>
public sealed record LabeledImage(string Path, int Width, int Height, IReadOnlyList<PoseInstance> Instances)
{
    /// <summary>Extra image fields kept from the source (COCO image fields beyond id, file_name, width, height), e.g. the
    /// review state that <c>newtpose label</c> writes.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    public bool IsLabeled => Instances.Any(i => i.LabeledCount > 0);

    /// <summary>Whether any animal of the photo carries a pseudo-label (<see cref="PoseInstance.IsPseudoLabel"/>): the photo belongs on the train side only.</summary>
    public bool IsPseudoLabelled => Instances.Any(i => i.IsPseudoLabel);
}
