using NewtPose.Data;
using NewtPose.Evaluation;

namespace NewtPose.Inference;

/// <summary>How the <see cref="PoseEngine"/> runs; how it crops and finds the animal comes from the model card, not from here.</summary>
public sealed record EngineOptions
{
    /// <summary>
    /// Also predict the mirrored crop and average the two (left/right names swapped), on the final pass. Only for models
    /// trained with flips: the engine refuses it for a card that says otherwise. Twice the compute of that pass. Null (the
    /// default): as the model was scored, so a prediction is made the way its metrics were measured: the run's options.json
    /// for <see cref="PoseEngine.Open(string, EngineOptions?)"/> (<see cref="EvaluationSplits.FlipTestOf"/>; the first
    /// member's for an ensemble), the stored options for an exported file (<see cref="OnnxBackend.OpenEngine"/>,
    /// <see cref="Export.OnnxMetadata.ScoredWithFlipTest(IReadOnlyDictionary{string, string}, string)"/>); off for an
    /// engine built over a bare backend, which has no such record. Resolved in <see cref="PoseEngine.FlipTest"/>.
    /// </summary>
    public bool? FlipTest { get; init; }

    /// <summary>
    /// Also predict the final crop turned by a quarter, a half and three quarters of a turn (each mirrored too with
    /// <see cref="FlipTest"/>) and average the raw outputs of all of them, turned back. Null (the default): on where the
    /// model can take it, a square input trained with rotations of at least a quarter turn
    /// (<see cref="ModelCard.TrainedRotationDegrees"/>), which has seen the animal at every angle (flat photos such as the
    /// newts); off for a rig trained with small rotations, a non-square input, or a card that does not say. True asks for
    /// it and is refused where the input is not square or the card says the model never saw such turns. Four times the
    /// compute of the final pass (measured in docs/benchmarks-accuracy.md).
    /// </summary>
    public bool? QuarterTurns { get; init; }

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

    /// <summary>
    /// How a linked pair's disagreement is charged when its two sightings are decoded jointly: 0 charges half the squared
    /// misfit (a Gaussian: a misfit of a few spreads costs more than any confidence can pay, so a confidently placed
    /// sighting is dragged to a faint peak that agrees); ν &gt; 0 charges a Student-t's ½(ν + 1)·log(1 + misfit²/ν), which
    /// grows slowly once the sightings clearly disagree, so the confidences decide between a faint agreeing peak and a
    /// strong one. Smaller ν, heavier tails; 1 by default (measured in docs/benchmarks-accuracy.md).
    /// </summary>
    public double LinkMisfitNu { get; init; } = DefaultLinkMisfitNu;

    /// <summary>
    /// Read a heatmap point (location-refinement heads) as the vote of its peak's 3 × 3 cells: the mean of each cell's
    /// position plus its clamped offset, weighted by the cell's confidence, instead of the peak cell's own offset alone.
    /// Every cell near a keypoint was trained to point at it, so the vote averages out one cell's offset error. On by
    /// default (measured in docs/benchmarks-accuracy.md); no effect on a head without offsets.
    /// </summary>
    public bool OffsetVoting { get; init; } = DefaultOffsetVoting;

    /// <summary>The default of <see cref="RefinePasses"/>.</summary>
    public const int DefaultRefinePasses = 2;

    /// <summary>The default of <see cref="LinkMisfitNu"/>.</summary>
    public const double DefaultLinkMisfitNu = 1;

    /// <summary>The default of <see cref="OffsetVoting"/>, also the ML.NET pipeline's (<see cref="NewtPose.MlNet.PosePipelineOptions"/>).</summary>
    public const bool DefaultOffsetVoting = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public EngineOptions Validate()
    {
        if (BatchSize is < 1 or > 1024) throw new ArgumentException($"EngineOptions.BatchSize = {BatchSize} must be in [1, 1024].", nameof(BatchSize));
        if (RefinePasses is < 0 or > 8) throw new ArgumentException($"EngineOptions.RefinePasses = {RefinePasses} must be in [0, 8].", nameof(RefinePasses));
        if (!(LinkMisfitNu >= 0) || !double.IsFinite(LinkMisfitNu))
            throw new ArgumentException($"EngineOptions.LinkMisfitNu = {LinkMisfitNu} must be 0 (Gaussian) or a positive, finite Student-t ν.", nameof(LinkMisfitNu));
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
