using NewtPose.Data;
using NewtPose.Evaluation;

namespace NewtPose.Inference;

/// <summary>How the <see cref="PoseEngine"/> runs; how it crops and finds the animal comes from the model card, not from here.</summary>
public sealed record EngineOptions
{
    /// <summary>
    /// Also predict the mirrored crop and average the two (left/right names swapped), on the final pass. Only for models
    /// trained with flips: the engine refuses it for a card that says otherwise. Twice the compute of that pass.
    /// </summary>
    public bool FlipTest { get; init; }

    /// <summary>Photos processed together: one network call per pass holds this many crops, and at most this many decoded photos are in memory.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>
    /// Passes after the whole-photo pass, each cropping around the previous pass's points (0: the whole-photo pass alone).
    /// Two by default: the first re-crop is framed by points placed at the whole photo's coarse scale, so a small animal
    /// is often cropped off-centre or too wide; the second is framed by points placed at full detail (measured in
    /// docs/inference.md: small newts in 4000×3000 photos, the bundled newts, lp-mirror-mouse).
    /// </summary>
    public int RefinePasses { get; init; } = DefaultRefinePasses;

    /// <summary>
    /// Decode a rig's linked keypoints (<see cref="ModelCard.ViewLinks"/>: one body point seen in two views) jointly, so
    /// the two sightings agree on the coordinate they share. No effect on a model without links.
    /// </summary>
    public bool LinkViews { get; init; } = true;

    /// <summary>The default of <see cref="RefinePasses"/>.</summary>
    public const int DefaultRefinePasses = 2;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public EngineOptions Validate()
    {
        if (BatchSize is < 1 or > 1024) throw new ArgumentException($"EngineOptions.BatchSize = {BatchSize} must be in [1, 1024].", nameof(BatchSize));
        if (RefinePasses is < 0 or > 8) throw new ArgumentException($"EngineOptions.RefinePasses = {RefinePasses} must be in [0, 8].", nameof(RefinePasses));
        return this;
    }
}

/// <summary>The flip test's two branches, each decoded on its own, in the photo's pixels (how far they disagree says how sure the model is).</summary>
public sealed record FlipBranches(IReadOnlyList<PredictedKeypoint> Direct, IReadOnlyList<PredictedKeypoint> Mirrored);

/// <summary>
/// The animal found in one photo: a point per keypoint (in the model's keypoint order) in the upright photo's pixels
/// (continuous: pixel i covers [i, i + 1)), each with the head's confidence; the box around the confidently placed
/// points (the whole photo when none is); the instance score, the mean of the keypoint confidences.
/// </summary>
/// <param name="Path">The photo file as given.</param>
/// <param name="Width">Upright width in pixels (EXIF orientation applied).</param>
/// <param name="Height">Upright height in pixels.</param>
/// <param name="Keypoints">One point per keypoint of the model, in its order, in the photo's pixels.</param>
/// <param name="Box">The box around the confidently placed points (the whole photo when none is).</param>
/// <param name="Score">The instance score: the mean keypoint confidence.</param>
public sealed record PhotoPrediction(string Path, int Width, int Height, IReadOnlyList<PredictedKeypoint> Keypoints, BoundingBox Box, double Score)
{
    /// <summary>Both branches of the flip test, when it ran.</summary>
    public FlipBranches? Flip { get; init; }
}

/// <summary>One photo of <see cref="PoseEngine.PredictMany"/>: a prediction, or why the photo could not be read.</summary>
public sealed record PhotoResult(string Path, PhotoPrediction? Prediction, string? Error);
