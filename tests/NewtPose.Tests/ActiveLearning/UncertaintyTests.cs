using NewtPose.ActiveLearning;
using NewtPose.Data;
using NewtPose.Evaluation;
using NewtPose.Inference;

namespace NewtPose.Tests.ActiveLearning;

/// <summary>Hand-made poses of a belly view, head up: the animal's left on the image's right.</summary>
public sealed class UncertaintyTests
{
    private static readonly Skeleton Body = new(
        ["snout", "left_eye", "right_eye", "left_hand", "right_hand", "chest", "tail"],
        [new Edge(0, 1), new Edge(0, 2), new Edge(5, 3), new Edge(5, 4), new Edge(0, 5), new Edge(5, 6)],
        [new SwapPair(1, 2), new SwapPair(3, 4)]);

    private static readonly (double X, double Y)[] Base = [(0, -50), (10, -40), (-10, -40), (20, -10), (-20, -10), (0, -10), (0, 60)];

    /// <summary>Another pose of the same body: the hands forward, the bones as long.</summary>
    private static readonly (double X, double Y)[] Raised = [(0, -50), (10, -40), (-10, -40), (16, -22), (-16, -22), (0, -10), (0, 60)];

    /// <summary>The base pose turned by <paramref name="angle"/>, scaled and moved.</summary>
    private static (double X, double Y)[] Place((double X, double Y)[] pose, double angle, double scale, double dx, double dy) =>
        pose.Select(p => (scale * (p.X * Math.Cos(angle) - p.Y * Math.Sin(angle)) + dx, scale * (p.X * Math.Sin(angle) + p.Y * Math.Cos(angle)) + dy)).ToArray();

    private static PosePrior Prior()
    {
        var random = new Random(3);
        var instances = Enumerable.Range(0, 30).Select(_ =>
        {
            var jittered = Base.Select(p => (p.X + random.NextDouble() * 2 - 1, p.Y + random.NextDouble() * 2 - 1)).ToArray();
            var placed = Place(jittered, random.NextDouble() * 0.6 - 0.3, 1 + random.NextDouble(), 200 + random.Next(100), 200);
            return new PoseInstance(placed.Select(p => new Keypoint(p.Item1, p.Item2, Visibility.Visible)).ToArray());
        }).ToArray();
        return PosePrior.FromLabels(new PoseDataset(Body, instances.Select((n, i) => new LabeledImage($"{i}.png", 600, 400, [n])).ToArray(), "."));
    }

    private static PhotoPrediction Prediction(string path, (double X, double Y)[] points, double confidence = 0.9, FlipBranches? flip = null) =>
        new(path, 600, 400, points.Select(p => new PredictedKeypoint(p.X, p.Y, confidence)).ToArray(), new BoundingBox(0, 0, 100, 100), confidence) { Flip = flip };

    private static (double X, double Y)[] Swapped((double X, double Y)[] pose) => [pose[0], pose[2], pose[1], pose[4], pose[3], pose[5], pose[6]];

    [Fact]
    public void A_pose_with_left_and_right_swapped_scores_implausible_and_the_true_pose_does_not()
    {
        var prior = Prior();
        var pose = Place(Base, 0.2, 1.5, 300, 200);

        var good = prior.Implausibility(pose);
        var swapped = prior.Implausibility(Swapped(pose));

        Assert.Equal([1, 1], prior.Sides);
        Assert.True(good.Max() < 4, $"a labelled-like pose scored {good.Max():F2}");
        Assert.All([1, 2, 3, 4], k => Assert.Equal(PosePrior.CrossedPairScore, swapped[k]));
        Assert.True(swapped[6] < 4); // the tail is where it belongs
    }

    [Fact]
    public void A_bone_far_longer_than_in_the_labels_scores_high_at_its_ends()
    {
        var prior = Prior();
        var pose = Place(Base, 0, 1.5, 300, 200);
        pose[6] = (pose[6].X, pose[6].Y + 150); // a tail twice as long

        var scores = prior.Implausibility(pose);

        Assert.True(scores[6] > 10, $"tail z = {scores[6]:F2}");
        Assert.Equal(scores[6], scores.Max());
    }

    [Fact]
    public void Flip_and_ensemble_disagreement_are_pixel_distances_divided_by_the_box_size()
    {
        var prior = Prior();
        var pose = Place(Base, 0, 1.5, 300, 200);
        var mirrored = pose.ToArray();
        mirrored[3] = (mirrored[3].X + 6, mirrored[3].Y + 8); // 10 px apart
        var flip = new FlipBranches(Prediction("a", pose).Keypoints, Prediction("a", mirrored).Keypoints);
        var other = pose.ToArray();
        other[0] = (other[0].X + 20, other[0].Y); // each run 10 px from their mean

        var u = PhotoUncertainty.Of(Prediction("a", pose, 0.8, flip), prior, [Prediction("a", other)]);
        var single = PhotoUncertainty.Of(Prediction("a", pose, 0.8), prior);

        Assert.Equal(0.1, u.Keypoints[3].FlipDisagreement!.Value, 9);
        Assert.Equal(0, u.Keypoints[2].FlipDisagreement!.Value, 9);
        Assert.Equal(0.1 / 7, u.FlipDisagreement!.Value, 9);
        Assert.Equal(0.1, u.Keypoints[0].EnsembleDisagreement!.Value, 9);
        Assert.Equal(0.2, u.LowConfidence, 9);
        Assert.Null(single.FlipDisagreement);
        Assert.Null(single.EnsembleDisagreement);
    }

    [Fact]
    public void The_normalised_pose_ignores_position_scale_and_turn_but_not_a_swap()
    {
        var a = PoseShape.Normalised(Place(Base, 0, 1, 0, 0), Body)!;
        var b = PoseShape.Normalised(Place(Base, 1.1, 2.5, 400, -30), Body)!;
        var swapped = PoseShape.Normalised(Swapped(Place(Base, 0, 1, 0, 0)), Body)!;

        Assert.True(PoseShape.Distance(a, b) < 1e-9);
        Assert.True(PoseShape.Distance(a, swapped) > 0.1);
    }

    [Fact]
    public void Identical_photos_are_not_both_chosen_and_the_ranking_follows_the_weights()
    {
        var prior = Prior();
        var bent = Place(Base, 0, 1.5, 300, 200);
        bent[6] = (bent[6].X + 40, bent[6].Y);
        var predictions = new[]
        {
            Prediction("sure.png", Place(Raised, 0, 1.5, 300, 200), 0.95),
            Prediction("twin1.png", Place(Base, 0.4, 1.5, 300, 200), 0.2),
            Prediction("twin2.png", Place(Base, 0.4, 1.5, 350, 210), 0.2), // the same pose moved: a near-duplicate
            Prediction("bent.png", bent, 0.5),
        };
        var pool = predictions.Select(p => PhotoUncertainty.Of(p, prior)).ToArray();

        var ranked = SuggestionRanking.Rank(pool, predictions, Body, new RankingOptions { Count = 3 });
        var confidenceOnly = SuggestionRanking.Rank(pool, predictions, Body, new RankingOptions { Count = 4, ImplausibilityWeight = 0, MinPoseDistance = 0 });

        var chosen = ranked.Where(r => r.Chosen is not null).Select(r => r.Uncertainty.Path).ToArray();
        Assert.Equal(3, chosen.Length);
        Assert.Contains("bent.png", chosen);
        Assert.Contains("sure.png", chosen);
        var twins = ranked.Where(r => r.Uncertainty.Path.StartsWith("twin", StringComparison.Ordinal)).ToArray();
        Assert.Single(twins, t => t.Chosen is not null);
        Assert.Equal(twins.Single(t => t.Chosen is not null).Uncertainty.Path, twins.Single(t => t.Chosen is null).NearDuplicateOf);
        Assert.Equal(["twin1.png", "twin2.png", "bent.png", "sure.png"], confidenceOnly.Select(r => r.Uncertainty.Path));
        Assert.Equal([1, 2, 3, 4], confidenceOnly.Select(r => r.Chosen!.Value));
    }

    [Fact]
    public void Rank_scores_run_from_0_to_1_with_ties_sharing_their_mean()
    {
        Assert.Equal([0.0, 0.5, 0.5, 1.0], SuggestionRanking.RankScores([1, 5, 5, 9]));
        Assert.Equal([1.0, 0.0], SuggestionRanking.RankScores([3, 2]));
    }
}
