using NewtPose.Data;
using NewtPose.Evaluation;
using NewtPose.Imaging;

namespace NewtPose.Charts;

/// <summary>One image of an image grid with the keypoints to draw on it, in the image's pixels.</summary>
/// <param name="Image">The upright image.</param>
/// <param name="Labels">Labelled keypoints in skeleton order (dots joined by the skeleton; occluded ones hollow; v = 0 ones
/// skipped). Several animals: their keypoints one after the other (a multiple of the skeleton's count).</param>
/// <param name="Title">Shown above the image (e.g. its file name).</param>
/// <param name="Predictions">Predicted keypoints in skeleton order, drawn as crosses, when comparing with a model.</param>
/// <param name="Boxes">Boxes drawn as dashed outlines (e.g. where the model found the animal), in the image's pixels.</param>
public sealed record ImagePanel(RgbImage Image, IReadOnlyList<Keypoint> Labels, string? Title = null, IReadOnlyList<Keypoint>? Predictions = null,
    IReadOnlyList<BoundingBox>? Boxes = null)
{
    /// <summary>A panel for every instance of a labelled image loaded from disk (several animals are all drawn).</summary>
    public static ImagePanel FromDataset(PoseDataset dataset, LabeledImage image)
    {
        var rgb = ImageLoader.Load(dataset.FullPath(image));
        return new ImagePanel(rgb, image.Instances.SelectMany(i => i.Keypoints).ToArray(), image.Path);
    }

}

/// <summary>How an image grid is laid out and drawn.</summary>
/// <param name="Columns">Images per row.</param>
/// <param name="MaxSide">Longest side, in pixels, each image is shrunk to before it is embedded (keeps the notebook small).</param>
/// <param name="JpegQuality">JPEG quality (1–100) of the embedded thumbnails.</param>
/// <param name="Title">The grid's title.</param>
public sealed record ImageGridOptions(int Columns = 4, int MaxSide = 384, int JpegQuality = 85, string Title = "Images")
{
    public void Validate()
    {
        if (Columns < 1) throw new ArgumentException($"Columns must be at least 1 (got {Columns}).");
        if (MaxSide < 16) throw new ArgumentException($"MaxSide must be at least 16 pixels (got {MaxSide}).");
        if (JpegQuality is < 1 or > 100) throw new ArgumentException($"JpegQuality must be within 1..100 (got {JpegQuality}).");
    }
}
