namespace NewtPose.Augmentation;

/// <summary>
/// How samples are cropped and augmented. Every transform has a probability (0 switches it off) and a range; switch one
/// off with e.g. <c>AugmentationOptions.Default with { BlurProbability = 0 }</c>. The crop settings apply to validation
/// and inference too; everything else only when augmenting.
/// </summary>
public sealed record AugmentationOptions
{
    /// <summary>How the photo is cropped around the animal (saved in the model card: inference crops the same way).</summary>
    public CropPolicy Crop { get; init; } = CropPolicy.Default;

    /// <summary>
    /// Probability that a training sample shows the whole letterboxed photo instead of the crop around the animal (the
    /// rest of the augmentation still applies). This is what teaches the network to find the animal in a photo nobody
    /// labelled: the inference engine's first pass runs on the whole photo (see NewtPose.Inference.PoseEngine).
    /// </summary>
    public double WholePhotoProbability { get; init; }

    public double RotationProbability { get; init; }
    /// <summary>Angles are uniform in ±this; 180 gives the full circle.</summary>
    public double MaxRotationDegrees { get; init; } = 180;

    public double ScaleProbability { get; init; }
    /// <summary>Zoom factors, uniform on a log scale between these (1.25 = the animal looks 25 % larger).</summary>
    public double MinScale { get; init; } = 0.75;
    public double MaxScale { get; init; } = 1.25;

    public double TranslateProbability { get; init; }
    /// <summary>Shift of the crop centre, uniform in ± this fraction of the sample size on each axis (crop jitter).</summary>
    public double MaxTranslate { get; init; } = 0.1;

    public double ShearProbability { get; init; }
    public double MaxShearDegrees { get; init; } = 10;

    /// <summary>Mirror left/right; left/right keypoints are swapped by the skeleton's swap pairs.</summary>
    public double HorizontalFlipProbability { get; init; }
    /// <summary>Mirror top/bottom; this too swaps left/right keypoints (it is a horizontal flip plus a 180° turn).</summary>
    public double VerticalFlipProbability { get; init; }

    /// <summary>Probability of the colour jitter below (all of its parts are drawn together).</summary>
    public double ColorProbability { get; init; }
    /// <summary>Added to every channel, uniform in ± this (values are in [0, 1]).</summary>
    public double MaxBrightness { get; init; } = 0.15;
    /// <summary>Contrast factor uniform in 1 ± this, around the sample's mean grey.</summary>
    public double MaxContrast { get; init; } = 0.25;
    /// <summary>Gamma uniform on a log scale in [1/(1+this), 1+this].</summary>
    public double MaxGamma { get; init; } = 0.25;
    public double MaxHueDegrees { get; init; } = 10;
    /// <summary>Saturation factor uniform in 1 ± this.</summary>
    public double MaxSaturation { get; init; } = 0.3;

    public double BlurProbability { get; init; }
    /// <summary>Gaussian blur sigma uniform in (0, this] sample pixels.</summary>
    public double MaxBlurSigma { get; init; } = 1.5;

    public double NoiseProbability { get; init; }
    /// <summary>Gaussian pixel noise, standard deviation uniform in (0, this].</summary>
    public double MaxNoiseStd { get; init; } = 0.04;

    public double JpegProbability { get; init; }
    /// <summary>JPEG quality uniform in [this, 95].</summary>
    public int MinJpegQuality { get; init; } = 30;

    public double OcclusionProbability { get; init; }
    /// <summary>Up to this many grey/noise patches; keypoints under a patch keep their label (the network learns to infer them).</summary>
    public int MaxOcclusions { get; init; } = 2;
    /// <summary>Patch side uniform in [0.05, this] of the sample's side.</summary>
    public double MaxOcclusionSize { get; init; } = 0.25;

    /// <summary>Crop and letterbox only (no whole-photo samples either: such a model finds the animal poorly).</summary>
    public static AugmentationOptions None { get; } = new();

    /// <summary>Small changes: ±30° rotation, mild scale and colour.</summary>
    public static AugmentationOptions Light { get; } = new()
    {
        RotationProbability = 0.8, MaxRotationDegrees = 30,
        ScaleProbability = 0.8, MinScale = 0.9, MaxScale = 1.1,
        TranslateProbability = 0.5, MaxTranslate = 0.05,
        HorizontalFlipProbability = 0.5,
        ColorProbability = 0.5, MaxBrightness = 0.1, MaxContrast = 0.15, MaxGamma = 0.15, MaxHueDegrees = 5, MaxSaturation = 0.15,
        WholePhotoProbability = 0.25,
    };

    /// <summary>
    /// For a fixed camera rig (video frames of an arena, mirror views): <see cref="Light"/> without flips. Such a camera
    /// never sees its scene mirrored, and a flip would swap the views of a mirror rig; with no flips the flip test is off.
    /// </summary>
    public static AugmentationOptions Rig { get; } = Light with { HorizontalFlipProbability = 0 };

    /// <summary>Recommended for belly photos: any angle, both flips, scale 0.75–1.25, colour jitter, blur/noise sometimes, no whole-photo samples.</summary>
    public static AugmentationOptions Default { get; } = new()
    {
        RotationProbability = 1, MaxRotationDegrees = 180,
        ScaleProbability = 1, MinScale = 0.75, MaxScale = 1.25,
        TranslateProbability = 0.8, MaxTranslate = 0.1,
        ShearProbability = 0.3, MaxShearDegrees = 8,
        HorizontalFlipProbability = 0.5, VerticalFlipProbability = 0.5,
        ColorProbability = 0.8,
        BlurProbability = 0.2, MaxBlurSigma = 1.2,
        NoiseProbability = 0.2, MaxNoiseStd = 0.03,
        JpegProbability = 0.1, MinJpegQuality = 40,
        OcclusionProbability = 0.1, MaxOcclusions = 1, MaxOcclusionSize = 0.2,
        // No whole-photo samples: on belly photos, where the animal fills much of the frame, the whole-photo pass finds it
        // without them and they cost accuracy (docs/inference.md has the measured comparison).
        WholePhotoProbability = 0,
    };

    /// <summary>Everything, often and strongly: for very small data sets.</summary>
    public static AugmentationOptions Heavy { get; } = Default with
    {
        MinScale = 0.6, MaxScale = 1.5, MaxTranslate = 0.15,
        ShearProbability = 0.5, MaxShearDegrees = 15,
        ColorProbability = 1, MaxBrightness = 0.25, MaxContrast = 0.4, MaxGamma = 0.4, MaxHueDegrees = 20, MaxSaturation = 0.5,
        BlurProbability = 0.3, MaxBlurSigma = 2,
        NoiseProbability = 0.3, MaxNoiseStd = 0.06,
        JpegProbability = 0.3, MinJpegQuality = 20,
        OcclusionProbability = 0.4, MaxOcclusions = 3, MaxOcclusionSize = 0.3,
    };

    /// <summary>The preset names <see cref="Preset"/> knows, as recorded in TrainingOptions.Augmentation.</summary>
    public static IReadOnlyList<string> PresetNames { get; } = ["none", "light", "rig", "default", "heavy"];

    /// <summary>The preset called <paramref name="name"/> (none, light, rig, default, heavy; case-insensitive).</summary>
    public static AugmentationOptions Preset(string name) => name.ToLowerInvariant() switch
    {
        "none" => None,
        "light" => Light,
        "rig" => Rig,
        "default" => Default,
        "heavy" => Heavy,
        _ => throw new ArgumentException($"Unknown augmentation preset '{name}'. Known: {string.Join(", ", PresetNames)}."),
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public AugmentationOptions Validate()
    {
        foreach (var (name, p) in new[]
        {
            (nameof(RotationProbability), RotationProbability), (nameof(ScaleProbability), ScaleProbability),
            (nameof(TranslateProbability), TranslateProbability), (nameof(ShearProbability), ShearProbability),
            (nameof(HorizontalFlipProbability), HorizontalFlipProbability), (nameof(VerticalFlipProbability), VerticalFlipProbability),
            (nameof(ColorProbability), ColorProbability), (nameof(BlurProbability), BlurProbability),
            (nameof(NoiseProbability), NoiseProbability), (nameof(JpegProbability), JpegProbability),
            (nameof(OcclusionProbability), OcclusionProbability), (nameof(WholePhotoProbability), WholePhotoProbability),
        })
            Check(p is >= 0 and <= 1, name, p, "must be a probability in [0, 1]");
        (Crop ?? throw new ArgumentException("AugmentationOptions.Crop is null.", nameof(Crop))).Validate();
        Check(MaxRotationDegrees is >= 0 and <= 180, nameof(MaxRotationDegrees), MaxRotationDegrees, "must be in [0, 180]");
        Check(MinScale > 0 && MinScale <= MaxScale && MaxScale <= 10, nameof(MinScale), MinScale, $"and MaxScale ({MaxScale}) must satisfy 0 < MinScale ≤ MaxScale ≤ 10");
        Check(MaxTranslate is >= 0 and <= 1, nameof(MaxTranslate), MaxTranslate, "must be in [0, 1]");
        Check(MaxShearDegrees is >= 0 and < 60, nameof(MaxShearDegrees), MaxShearDegrees, "must be in [0, 60)");
        Check(MaxBrightness is >= 0 and <= 1, nameof(MaxBrightness), MaxBrightness, "must be in [0, 1]");
        Check(MaxContrast is >= 0 and < 1, nameof(MaxContrast), MaxContrast, "must be in [0, 1)");
        Check(MaxGamma is >= 0 and <= 4, nameof(MaxGamma), MaxGamma, "must be in [0, 4]");
        Check(MaxHueDegrees is >= 0 and <= 180, nameof(MaxHueDegrees), MaxHueDegrees, "must be in [0, 180]");
        Check(MaxSaturation is >= 0 and <= 1, nameof(MaxSaturation), MaxSaturation, "must be in [0, 1]");
        Check(MaxBlurSigma is > 0 and <= 10, nameof(MaxBlurSigma), MaxBlurSigma, "must be in (0, 10]");
        Check(MaxNoiseStd is >= 0 and <= 1, nameof(MaxNoiseStd), MaxNoiseStd, "must be in [0, 1]");
        Check(MinJpegQuality is >= 1 and <= 95, nameof(MinJpegQuality), MinJpegQuality, "must be in [1, 95]");
        Check(MaxOcclusions >= 0, nameof(MaxOcclusions), MaxOcclusions, "must not be negative");
        Check(MaxOcclusionSize is >= 0.05 and <= 1, nameof(MaxOcclusionSize), MaxOcclusionSize, "must be in [0.05, 1]");
        return this;
    }

    private static void Check(bool ok, string name, double value, string rule)
    {
        if (!ok) throw new ArgumentException($"AugmentationOptions.{name} = {value} {rule}.", name);
    }
}
