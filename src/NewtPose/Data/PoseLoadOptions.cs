namespace NewtPose.Data;

/// <summary>What to do with a SLEAP file's predicted instances (model output, not labels).</summary>
public enum PredictedInstances
{
    /// <summary>Read the user-labelled instances; the predicted ones are counted in a warning, not read.</summary>
    Skip,
    /// <summary>Read only the predicted instances (with their score as the attribute <c>score</c>), apart from the labels.</summary>
    Only,
}

/// <summary>Choices a label file leaves open, for <see cref="PoseData.Load(string, LabelFormat?, PoseLoadOptions?)"/>.</summary>
/// <param name="Category">COCO: the keypoint category to read (its name or id) when the file's categories have different keypoint lists.</param>
/// <param name="Predictions">SLEAP: whether the predicted instances are skipped (the default) or read instead of the labels.</param>
/// <param name="ImageFolder">Label Studio: the folder holding the photos its export names by upload URL (default: the JSON's folder).</param>
public sealed record PoseLoadOptions(string? Category = null, PredictedInstances Predictions = PredictedInstances.Skip, string? ImageFolder = null)
{
    public static readonly PoseLoadOptions Default = new();

    public void Validate()
    {
        if (Category is { Length: 0 }) throw new ArgumentException("The COCO category to read is empty; give its name or id.");
        if (!Enum.IsDefined(Predictions)) throw new ArgumentException($"Unknown predicted-instances choice {Predictions}.");
        if (ImageFolder is not null && !Directory.Exists(ImageFolder)) throw new ArgumentException($"Image folder not found: {ImageFolder}");
    }
}
