using NewtPose.Data;
using NewtPose.Evaluation;

namespace NewtPose.Tests.Evaluation;

/// <summary>OKS, COCO AP/AR and the sigmas, each against a hand computation following pycocotools' COCOeval.</summary>
public class OksMetricsTests
{
    private static Keypoint At(double x, double y) => new(x, y, Visibility.Visible);

    [Fact]
    public void Oks_is_cocos_mean_similarity_over_the_labelled_points()
    {
        // d = 5 px, area 10×10 = 100, σ = 0.1: e = 25 / (2σ)² / 100 / 2 = 3.125. The unlabelled point does not count.
        var oks = KeypointMetrics.Oks([At(0, 0), Keypoint.Missing], [new(3, 4, 1), new(90, 90, 1)], 100, [0.1, 0.1]);
        Assert.Equal(Math.Exp(-3.125), oks!.Value, 12);
        Assert.Equal(1.0, KeypointMetrics.Oks([At(1, 1)], [new(1, 1, 1)], 100, [0.1])!.Value, 12);
        Assert.Null(KeypointMetrics.Oks([Keypoint.Missing], [new(1, 1, 1)], 100, [0.1]));
    }

    [Fact]
    public void The_area_is_the_labelled_box_else_the_box_around_the_labelled_points()
    {
        Assert.Equal(200, KeypointMetrics.Area([At(0, 0)], new BoundingBox(5, 5, 10, 20)));
        Assert.Equal(12, KeypointMetrics.Area([At(1, 1), At(4, 5), new(100, 100, Visibility.NotLabeled)], null));
        Assert.Equal(0, KeypointMetrics.Area([At(1, 1)], null));
    }

    [Fact]
    public void The_thresholds_are_cocos()
    {
        Assert.Equal(10, CocoAveragePrecision.OksThresholds.Count);
        Assert.Equal(0.5, CocoAveragePrecision.OksThresholds[0]);
        Assert.Equal(0.95, CocoAveragePrecision.OksThresholds[^1]);
        Assert.Equal(0.75, CocoAveragePrecision.OksThresholds[5], 12);
        Assert.Equal(101, CocoAveragePrecision.RecallThresholds.Count);
    }

    [Fact]
    public void Ap_integrates_precision_over_101_recall_points_with_scores_ranking_photos()
    {
        // OKS 0.92 and 0.62: both true positives at t = .50, .55, .60 (AP 1, recall 1); only the 0.92 one at
        // .65 … .90 (six thresholds: recall 0.5); none at .95.
        var (ap, ar) = CocoAveragePrecision.Compute([new(0.8, 0.92), new(0.3, 0.62)], groundTruths: 2);
        // Ranked best first: precision 1 up to recall 0.5 → the 51 recall points 0 … 0.50 read 1, the rest 0.
        Assert.Equal((3 + 6 * 51.0 / 101) / 10, ap!.Value, 12);
        Assert.Equal((3 * 1 + 6 * 0.5) / 10, ar!.Value, 12);

        // The same predictions with the scores swapped: the miss comes first, precision at recall ≤ 0.5 is 0.5.
        var (swapped, swappedRecall) = CocoAveragePrecision.Compute([new(0.3, 0.92), new(0.8, 0.62)], groundTruths: 2);
        Assert.Equal((3 + 6 * 25.5 / 101) / 10, swapped!.Value, 12);
        Assert.Equal(ar.Value, swappedRecall!.Value, 12);
    }

    [Fact]
    public void A_missed_animal_lowers_recall_and_no_ground_truth_gives_null()
    {
        // One perfect prediction, three animals: recall 1/3 at every threshold; precision 1 on the 34 recall points 0 … 0.33.
        var (ap, ar) = CocoAveragePrecision.Compute([new(0.9, 1.0)], groundTruths: 3);
        Assert.Equal(34.0 / 101, ap!.Value, 12);
        Assert.Equal(1.0 / 3, ar!.Value, 12);
        Assert.Equal((null, null), CocoAveragePrecision.Compute([], groundTruths: 0));
        Assert.Equal((0.0, 0.0), CocoAveragePrecision.Compute([], groundTruths: 2));
    }

    [Fact]
    public void The_report_carries_ap_overall_and_per_keypoint_with_missed_animals_counted()
    {
        // Animal 1: a exact, b 5 px off (area 100, σ 0.1: similarity e^-3.125); animal 2: missed (no prediction).
        var options = new MetricsOptions { Sigmas = new OksSigmas([0.1, 0.1], "test") };
        var report = KeypointMetrics.Evaluate(["a", "b"],
        [
            new EvaluationCase([At(0, 0), At(10, 10)], [new(0, 0, 1), new(13, 14, 1)]) { Score = 0.9 },
            new EvaluationCase([At(50, 50), Keypoint.Missing], null),
        ], options);
        var oks = (1 + Math.Exp(-3.125)) / 2; // 0.52: a true positive at t = .50 only
        Assert.Equal((2, 1), (report.Instances, report.MissedInstances));
        Assert.Equal((2, 1, 2), (report.Overall.Count, report.Overall.Missed, report.Overall.OksCount));
        Assert.True(oks is > 0.5 and < 0.55);
        Assert.Equal(0.1 * 51.0 / 101, report.Overall.OksAp!.Value, 12); // t = .50: precision 1 up to recall 0.5
        Assert.Equal(0.1 * 0.5, report.Overall.OksAr!.Value, 12);
        var a = report.PerKeypoint[0].Statistics;
        Assert.Equal((1, 1, 2), (a.Count, a.Missed, a.OksCount));
        Assert.Equal(51.0 / 101, a.OksAp!.Value, 12); // exact at every threshold, one of two animals
        var b = report.PerKeypoint[1].Statistics;
        Assert.Equal((1, 0, 1), (b.Count, b.Missed, b.OksCount));
        Assert.Equal(0.0, b.OksAp!.Value, 12); // similarity 0.044 is below every threshold
        Assert.Equal(oks, report.Cases[0].Oks!.Value, 12);
        Assert.Null(report.Cases[1].Oks);
    }

    [Fact]
    public void Sigmas_are_estimated_from_repeated_labels_and_default_otherwise()
    {
        // Five photos, each with the same newt labelled twice: keypoint a 2 px apart (box 10×10, area 100) → Σ‖p − p̄‖²/area
        // = 0.02 per photo with 1 degree of freedom: σ_a = √(5 · 0.02 / 5). Keypoint b is labelled twice in one photo only.
        var images = Enumerable.Range(0, 5).Select(i => new LabeledImage($"p{i}.png", 100, 100,
        [
            new PoseInstance([At(0, 0), i == 0 ? At(5, 5) : Keypoint.Missing], new BoundingBox(0, 0, 10, 10), "n1"),
            new PoseInstance([At(2, 0), i == 0 ? At(5, 6) : Keypoint.Missing], new BoundingBox(0, 0, 10, 10), "n1"),
        ])).ToArray();
        var dataset = new PoseDataset(new Skeleton(["a", "b"]), images, "/tmp");
        var sigmas = OksSigmas.For(dataset);
        Assert.Equal(Math.Sqrt(0.02), sigmas.Values[0], 12);
        Assert.Equal(OksSigmas.DefaultSigma, sigmas.Values[1]);
        Assert.Contains("1 of 2 keypoints", sigmas.Source);

        var single = dataset with { Images = images.Select(i => i with { Instances = [i.Instances[0]] }).ToArray() };
        var fallback = OksSigmas.For(single);
        Assert.Equal([OksSigmas.DefaultSigma, OksSigmas.DefaultSigma], fallback.Values);
        Assert.Contains("default", fallback.Source);
        Assert.NotEqual(1.0 / 2, fallback.Values[0]);
    }

    [Fact]
    public void Sigmas_must_be_positive_and_one_per_keypoint()
    {
        Assert.Throws<ArgumentException>(() => new OksSigmas([0.1, 0], "x").Validate());
        Assert.Throws<ArgumentException>(() => KeypointMetrics.Evaluate(["a", "b"], [], new MetricsOptions { Sigmas = new OksSigmas([0.1], "x") }));
    }
}

public class PhotoMatchingTests
{
    private static Keypoint At(double x, double y) => new(x, y, Visibility.Visible);

    [Fact]
    public void One_prediction_goes_to_the_animal_it_fits_best_and_the_others_are_missed()
    {
        var left = new PoseInstance([At(10, 10), At(20, 20)], new BoundingBox(0, 0, 30, 30));
        var empty = new PoseInstance([Keypoint.Missing, Keypoint.Missing]);
        var right = new PoseInstance([At(110, 10), At(120, 20)], new BoundingBox(100, 0, 30, 30));
        var match = PhotoCases.Match([left, empty, right], [new(111, 11, 1), new(119, 21, 1)], 0.7, [0.072, 0.072]);
        Assert.Equal(2, match.Matched);
        Assert.Equal(2, match.Cases.Count); // the unlabelled animal is not a case
        Assert.Null(match.Cases[0].Prediction);
        Assert.NotNull(match.Cases[1].Prediction);
        Assert.Equal(0.7, match.Cases[1].Score);

        var report = KeypointMetrics.Evaluate(["a", "b"], match.Cases);
        Assert.Equal((2, 1, 2, 2), (report.Instances, report.MissedInstances, report.Overall.Count, report.Overall.Missed));
        Assert.Equal(Math.Sqrt(2), report.Overall.MeanPxError!.Value, 12);

        var none = PhotoCases.Match([left, right], null, null, [0.072, 0.072]);
        Assert.Equal(-1, none.Matched);
        Assert.All(none.Cases, c => Assert.Null(c.Prediction));
    }
}
