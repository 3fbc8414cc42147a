namespace NewtPose.Data;

/// <summary>COCO visibility semantics, kept exactly as labelled: never merged, never dropped.</summary>
public enum Visibility : byte
{
    /// <summary>v = 0: the point was not labelled (its coordinates mean nothing).</summary>
    NotLabeled = 0,
    /// <summary>v = 1: labelled, but occluded in the photo.</summary>
    Occluded = 1,
    /// <summary>v = 2: labelled and visible.</summary>
    Visible = 2,
}

/// <summary>One keypoint in the pixels of the upright image (EXIF orientation applied), origin at the top-left corner.</summary>
public readonly record struct Keypoint(double X, double Y, Visibility Visibility)
{
    public static readonly Keypoint Missing = new(0, 0, Visibility.NotLabeled);

    /// <summary>True for v = 1 and v = 2: the position carries information.</summary>
    public bool IsLabeled => Visibility != Visibility.NotLabeled;
}
