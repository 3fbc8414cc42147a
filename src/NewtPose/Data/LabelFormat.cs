namespace NewtPose.Data;

/// <summary>The label file formats NewtPose reads and writes.</summary>
public enum LabelFormat
{
    /// <summary>COCO keypoint JSON (one <c>.json</c> file).</summary>
    Coco,
    /// <summary>DeepLabCut: a project folder, <c>CollectedData_*.csv</c> or <c>.h5</c>.</summary>
    Dlc,
    /// <summary>YOLO pose (Ultralytics): <c>data.yaml</c> plus one <c>.txt</c> per image.</summary>
    Yolo,
    /// <summary>SLEAP labels (<c>.slp</c>, HDF5); read only.</summary>
    Sleap,
    /// <summary>Label Studio: its JSON export (a list of tasks) is read; predictions to import are written.</summary>
    LabelStudio,
}

/// <summary>Parses and names formats the way the CLI and the JSON summary spell them (coco, dlc, yolo).</summary>
public static class LabelFormatNames
{
    public static string Name(this LabelFormat format) => format switch
    {
        LabelFormat.Coco => "coco",
        LabelFormat.Dlc => "dlc",
        LabelFormat.Yolo => "yolo",
        LabelFormat.Sleap => "sleap",
        LabelFormat.LabelStudio => "labelstudio",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static LabelFormat Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "coco" => LabelFormat.Coco,
        "dlc" or "deeplabcut" => LabelFormat.Dlc,
        "yolo" or "ultralytics" => LabelFormat.Yolo,
        "sleap" or "slp" => LabelFormat.Sleap,
        "labelstudio" or "label-studio" or "ls" => LabelFormat.LabelStudio,
        _ => throw new ArgumentException($"Unknown label format '{name}': expected coco, dlc, yolo, sleap or labelstudio."),
    };
}
