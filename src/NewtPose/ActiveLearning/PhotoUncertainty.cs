using NewtPose.Evaluation;
using NewtPose.Inference;

namespace NewtPose.ActiveLearning;

/// <summary>How unsure the model is of one keypoint of one photo; each measure is documented in docs/active-learning.md.</summary>
/// <param name="LowConfidence">1 − the head's confidence.</param>
/// <param name="FlipDisagreement">Distance between the flip test's direct and mirrored points, divided by the box size; null without the flip test.</param>
/// <param name="Implausibility">The robust z-score of the pose at this keypoint (<see cref="PosePrior.Implausibility"/>); null when the prior learnt nothing (no labels given).</param>
/// <param name="EnsembleDisagreement">Mean distance of the runs' points from their mean, divided by the box size; null with one run.</param>
public sealed record KeypointUncertainty(double LowConfidence, double? FlipDisagreement, double? Implausibility, double? EnsembleDisagreement);

/// <summary>One photo's uncertainty: per keypoint, and per photo the mean over keypoints (the maximum for implausibility,
/// since one impossible bone makes the pose wrong).</summary>
public sealed record PhotoUncertainty(string Path, IReadOnlyList<KeypointUncertainty> Keypoints,
    double LowConfidence, double? FlipDisagreement, double? Implausibility, double? EnsembleDisagreement)
{
    /// <summary>
    /// Scores the prediction of one photo. <paramref name="others"/> are the same photo predicted by other runs
    /// (checkpoints or ensemble members, same keypoints); none for a single run.
    /// </summary>
    public static PhotoUncertainty Of(PhotoPrediction prediction, PosePrior prior, IReadOnlyList<PhotoPrediction>? others = null)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(prior);
        var k = prediction.Keypoints.Count;
        if (k != prior.Skeleton.Count) throw new ArgumentException($"{prediction.Path}: {k} predicted keypoints, the labels' skeleton has {prior.Skeleton.Count}.", nameof(prediction));
        others ??= [];
        foreach (var o in others)
            if (o.Keypoints.Count != k) throw new ArgumentException($"{o.Path}: another run predicted {o.Keypoints.Count} keypoints, the first {k}.", nameof(others));
        var size = BoxSize(prediction);
        var implausible = prior.IsEmpty ? null : prior.Implausibility(prediction.Keypoints.Select(p => (p.X, p.Y)).ToArray());
        var keypoints = new KeypointUncertainty[k];
        for (var j = 0; j < k; j++)
        {
            double? flip = prediction.Flip is { } f ? Distance(f.Direct[j], f.Mirrored[j]) / size : null;
            double? ensemble = null;
            if (others.Count > 0)
            {
                var members = others.Select(o => o.Keypoints[j]).Prepend(prediction.Keypoints[j]).ToArray();
                var (mx, my) = (members.Average(m => m.X), members.Average(m => m.Y));
                ensemble = members.Average(m => Math.Sqrt((m.X - mx) * (m.X - mx) + (m.Y - my) * (m.Y - my))) / size;
            }
            keypoints[j] = new KeypointUncertainty(1 - prediction.Keypoints[j].Confidence, flip, implausible?[j], ensemble);
        }
        return new PhotoUncertainty(prediction.Path, keypoints,
            keypoints.Average(x => x.LowConfidence),
            prediction.Flip is null ? null : keypoints.Average(x => x.FlipDisagreement!.Value),
            implausible?.Max(),
            others.Count == 0 ? null : keypoints.Average(x => x.EnsembleDisagreement!.Value));
    }

    /// <summary>The box size the pixel distances are divided by: √(width × height) of the found box, at least 1 px.</summary>
    public static double BoxSize(PhotoPrediction prediction) => Math.Max(1, Math.Sqrt(prediction.Box.Width * prediction.Box.Height));

    private static double Distance(PredictedKeypoint a, PredictedKeypoint b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));
}
