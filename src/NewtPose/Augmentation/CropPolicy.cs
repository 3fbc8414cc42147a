using NewtPose.Data;

namespace NewtPose.Augmentation;

/// <summary>
/// How a photo is cropped around an animal before it is letterboxed to the network's input: the same policy for
/// training samples, validation and the inference engine (it is saved in the model card), so a model always sees crops
/// framed the way it was trained on.
/// </summary>
public sealed record CropPolicy
{
    /// <summary>Added on every side of the animal's box, as a fraction of the box's longer side.</summary>
    public double Margin { get; init; } = 0.15;

    /// <summary>Smallest crop side, as a fraction of the photo's longer side (for a box around one or two points).</summary>
    public double MinCropFraction { get; init; } = 0.05;

    /// <summary>Square crops (the box's longer side on both axes), so the animal's aspect never changes with its pose.</summary>
    public bool Square { get; init; } = true;

    /// <summary>Margin 0.15, minimum 0.05 of the photo, square: what every model before the model card was trained with.</summary>
    public static CropPolicy Default { get; } = new();

    /// <summary>
    /// The crop around <paramref name="box"/> in a photo of <paramref name="photo"/> pixels, with the margin and the minimum
    /// size applied, centred on the box; or, for a null box, the whole photo (square: its longer side, centred, so the
    /// shorter axis is letterboxed). The whole photo needs no margin: there is nothing beyond it.
    /// </summary>
    public BoundingBox CropFor((double Width, double Height) photo, BoundingBox? box)
    {
        var b = box ?? new BoundingBox(0, 0, photo.Width, photo.Height);
        var margin = box is null ? 0 : Margin;
        var minimum = MinCropFraction * Math.Max(photo.Width, photo.Height);
        double width, height;
        if (Square)
        {
            width = height = Math.Max(Math.Max(b.Width, b.Height) * (1 + 2 * margin), minimum);
        }
        else
        {
            var pad = 2 * margin * Math.Max(b.Width, b.Height);
            (width, height) = (Math.Max(b.Width + pad, minimum), Math.Max(b.Height + pad, minimum));
        }
        (width, height) = (Math.Max(width, 1e-3), Math.Max(height, 1e-3));
        return new BoundingBox(b.X + b.Width / 2 - width / 2, b.Y + b.Height / 2 - height / 2, width, height);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public CropPolicy Validate()
    {
        if (Margin is not (>= 0 and <= 2)) throw new ArgumentException($"CropPolicy.Margin = {Margin} must be in [0, 2].", nameof(Margin));
        if (MinCropFraction is not (> 0 and <= 1)) throw new ArgumentException($"CropPolicy.MinCropFraction = {MinCropFraction} must be in (0, 1].", nameof(MinCropFraction));
        return this;
    }
}
