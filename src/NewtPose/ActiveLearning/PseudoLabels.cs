using System.Globalization;
using System.Text.Json.Nodes;
using NewtPose.Data;
using NewtPose.Inference;
using NewtPose.Models;

namespace NewtPose.ActiveLearning;

/// <summary>Which predicted points of an unlabelled pool become pseudo-labels (<see cref="PseudoLabels.From"/>).</summary>
public sealed record PseudoLabelOptions
{
    /// <summary>
    /// A point is kept when it lies in the photo and each agreement measured stays at or below this, as a fraction of the found box's size
    /// (<see cref="PhotoUncertainty.BoxSize"/>): the flip test's two branches, and with several runs their spread
    /// (<see cref="KeypointUncertainty.FlipDisagreement"/>, <see cref="KeypointUncertainty.EnsembleDisagreement"/>).
    /// </summary>
    public double MaxDisagreement { get; init; } = 0.01;

    /// <summary>A photo is taken when at least this fraction of its keypoints is kept; the others are written as not labelled (v = 0).</summary>
    public double MinKeptFraction { get; init; } = 0.5;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad setting.</summary>
    public PseudoLabelOptions Validate()
    {
        if (!(MaxDisagreement > 0 && double.IsFinite(MaxDisagreement))) throw new ArgumentException($"max disagreement {MaxDisagreement} must be a positive fraction of the box size.", nameof(MaxDisagreement));
        if (!(MinKeptFraction is > 0 and <= 1)) throw new ArgumentException($"min kept fraction {MinKeptFraction} must be in (0, 1].", nameof(MinKeptFraction));
        return this;
    }
}

/// <summary>One photo's pseudo-label: the first run's prediction and, per keypoint, whether it is kept.</summary>
public sealed record PseudoLabel(PhotoPrediction Prediction, PhotoUncertainty Uncertainty, IReadOnlyList<bool> Kept)
{
    public int KeptCount => Kept.Count(k => k);
}

/// <summary>What <see cref="PseudoLabels.From"/> made of a pool: the photos taken and every other photo with the reason.</summary>
public sealed record PseudoLabelSet(IReadOnlyList<PseudoLabel> Taken, IReadOnlyList<NotTaken> NotTaken, PseudoLabelOptions Options)
{
    /// <summary>Kept points over all taken photos.</summary>
    public int PointsKept => Taken.Sum(t => t.KeptCount);
}

/// <summary>
/// Semi-supervised training's first step: the points a model is sure of on photos nobody labelled, kept where the flip
/// test's two branches (and, with several runs, the runs) agree, written as COCO labels marked
/// <c>"source": "newtpose-pseudo"</c> (<see cref="PoseInstance.PseudoLabelSource"/>). Merged into the labels
/// (<see cref="LabelMerge"/>), they are trained on and never scored: the default split puts every pseudo-labelled photo on
/// the train side, and a split that validates or tests on one is refused. The pool is scored by <see cref="PoolScoring"/>,
/// the same predictions and measures `newtpose suggest` ranks by.
/// </summary>
public static class PseudoLabels
{
    /// <summary>Keeps the agreed points of every readable photo of <paramref name="scores"/>; a photo without enough is not taken, with the reason.</summary>
    public static PseudoLabelSet From(PoolScores scores, PseudoLabelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scores);
        options = (options ?? new PseudoLabelOptions()).Validate();
        var byPath = scores.Results.Where(r => r.Prediction is not null).ToDictionary(r => r.Path, r => r.Prediction!, StringComparer.Ordinal);
        var taken = new List<PseudoLabel>();
        var notTaken = scores.Results.Where(r => r.Prediction is null).Select(r => new NotTaken(r.Path, $"could not be read: {r.Error}")).ToList();
        foreach (var ranked in scores.Ranked)
        {
            var u = ranked.Uncertainty;
            if (u.FlipDisagreement is null && u.EnsembleDisagreement is null)
                throw new ArgumentException("Pseudo-labels need a measure of agreement: a model trained with horizontal flips (the flip test) or a second run (--run twice).");
            var prediction = byPath[u.Path];
            // A point off the photo is no label, however well the branches agree: merge would refuse it.
            var onPhoto = prediction.Keypoints.Select(p => LabelMerge.LiesOnPhoto(p.X, p.Y, prediction.Width, prediction.Height)).ToArray();
            var kept = u.Keypoints.Select((k, j) => onPhoto[j] && (k.FlipDisagreement ?? 0) <= options.MaxDisagreement && (k.EnsembleDisagreement ?? 0) <= options.MaxDisagreement).ToArray();
            var label = new PseudoLabel(prediction, u, kept);
            var offPhoto = onPhoto.Count(on => !on);
            var onPhotoClause = offPhoto > 0 ? $" and lie in the photo ({offPhoto} off it; " : " (";
            if (label.KeptCount >= options.MinKeptFraction * kept.Length) taken.Add(label);
            else notTaken.Add(new NotTaken(u.Path, string.Create(CultureInfo.InvariantCulture,
                $"only {label.KeptCount} of {kept.Length} keypoints agree within {options.MaxDisagreement:G4} of the box size{onPhotoClause}at least {options.MinKeptFraction:P0} needed)")));
        }
        return new PseudoLabelSet(taken, notTaken, options);
    }

    /// <summary>
    /// The taken photos as COCO labels (image names relative to <paramref name="imagesRoot"/>, written atomically): kept
    /// points v = 2, the others not labelled (0, 0, 0), each annotation marked with the pseudo-label source, the model's
    /// scores and the agreement threshold it passed.
    /// </summary>
    public static void WriteCoco(PseudoLabelSet set, ModelCard model, string imagesRoot, string path, string scorer)
    {
        var results = set.Taken.Select(t => new PhotoResult(t.Prediction.Path, t.Prediction, null)).ToArray();
        var extras = set.Taken.Select(t => (CocoExtraFields?)new CocoExtraFields(
            Annotation: new JsonObject
            {
                ["source"] = PoseInstance.PseudoLabelSource,
                ["pseudo_label"] = new JsonObject
                {
                    ["max_disagreement"] = set.Options.MaxDisagreement, ["kept"] = t.KeptCount,
                    ["flip_disagreement"] = SuggestionFiles.Round(t.Uncertainty.FlipDisagreement), ["ensemble_disagreement"] = SuggestionFiles.Round(t.Uncertainty.EnsembleDisagreement),
                },
            },
            Kept: t.Kept)).ToArray();
        PredictionFiles.Write(results, model, imagesRoot, path, PredictionFormat.Coco, scorer, extras);
    }
}
