namespace NewtPose.Data;

/// <summary>What a writer did, and everything the target format could not hold (reported, never silently changed).</summary>
/// <param name="OutputPath">The label file or folder written.</param>
/// <param name="Format">The format written.</param>
/// <param name="Images">Images written to the label file(s).</param>
/// <param name="Instances">Instances written.</param>
/// <param name="LabeledPoints">Labelled keypoints written.</param>
/// <param name="CopiedImages">Image files copied next to the labels so the output is a self-contained dataset.</param>
/// <param name="Losses">One line per kind of information the target could not hold, with counts.</param>
public sealed record ConversionReport(string OutputPath, LabelFormat Format, int Images, int Instances, int LabeledPoints,
    int CopiedImages, IReadOnlyList<string> Losses)
{
    /// <summary>How the writer decided what the source did not say (e.g. YOLO's train/val split), one line each.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public bool IsLossless => Losses.Count == 0;
}
