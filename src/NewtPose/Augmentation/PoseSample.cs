using NewtPose.Data;

namespace NewtPose.Augmentation;

/// <summary>
/// One network-ready sample: a crop of a photo around the animal, augmented and letterboxed to the input size.
/// <paramref name="Chw"/> holds planar RGB in [0, 1] (3 × Height × Width); keypoints are in the sample's pixels and a
/// point that left the frame is <see cref="Visibility.NotLabeled"/>. <paramref name="ToSource"/> maps sample pixels back
/// to the source photo's pixels (for evaluation in original pixels).
/// </summary>
public sealed record PoseSample(float[] Chw, int Width, int Height, Keypoint[] Keypoints, AffineTransform ToSource);

/// <summary>A 2-D affine map x' = A·x + B·y + C, y' = D·x + E·y + F.</summary>
public readonly record struct AffineTransform(double A, double B, double C, double D, double E, double F)
{
    public static readonly AffineTransform Identity = new(1, 0, 0, 0, 1, 0);

    public (double X, double Y) Apply(double x, double y) => (A * x + B * y + C, D * x + E * y + F);

    /// <summary>First this, then <paramref name="next"/>.</summary>
    public AffineTransform Then(AffineTransform next) => new(
        next.A * A + next.B * D, next.A * B + next.B * E, next.A * C + next.B * F + next.C,
        next.D * A + next.E * D, next.D * B + next.E * E, next.D * C + next.E * F + next.F);

    public AffineTransform Inverse()
    {
        var det = A * E - B * D;
        if (Math.Abs(det) < 1e-12) throw new InvalidOperationException("The affine transform is singular.");
        return new(E / det, -B / det, (B * F - C * E) / det, -D / det, A / det, (C * D - A * F) / det);
    }
}

/// <summary>
/// Turns one labelled instance of a dataset image into a network-ready sample (crop, augment, letterbox). The sampler
/// owns pixel access, so it can decode each photo once at the resolution the crop needs (<see cref="PoseSampler"/> uses
/// an <see cref="NewtPose.Imaging.ImageCache"/>) instead of the trainer decoding a 4000 px photo every step.
/// </summary>
public interface IPoseSampler
{
    /// <param name="image">The dataset image (its path is relative to the dataset root the sampler was built for).</param>
    /// <param name="instance">The animal to crop around, in the photo's full-resolution pixels.</param>
    /// <param name="random">Seeded source of randomness owned by the caller (one per worker, for determinism).</param>
    /// <param name="augment">False for validation/inference: deterministic crop and letterbox only.</param>
    PoseSample Sample(LabeledImage image, PoseInstance instance, Random random, bool augment);

    /// <summary>
    /// The same, where the animal is seen in <paramref name="area"/> of the photo only (one view of a multi-view rig): a
    /// sampler that draws whole-photo samples draws that area instead. By default the area is not used.
    /// </summary>
    PoseSample Sample(LabeledImage image, PoseInstance instance, BoundingBox? area, Random random, bool augment) => Sample(image, instance, random, augment);
}
