using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Imaging;
using NewtPose.Training;

namespace NewtPose.Tests.Training;

public class BatchPipelineTests
{
    private static readonly ToyPoseData Toy = new(count: 10);

    private static PipelineSettings Settings(int workers, IPoseSampler? sampler = null) => new(sampler ?? new NoisySampler(),
        NewtPose.Training.Trainer.SpecFor(new TrainingOptions { InputWidth = 32, InputHeight = 32 }, Toy.Dataset.Skeleton), BatchSize: 3, workers, Seed: 5, Augment: true);

    private static IReadOnlyList<TrainingItem> Items() =>
        Toy.Dataset.Images.Select(i => new TrainingItem(i, i.Instances[0])).ToArray();

    [Fact]
    public void Batches_come_in_order_and_are_the_same_whatever_the_number_of_workers()
    {
        var order = new[] { 9, 2, 4, 0, 1, 3, 5, 6, 8, 7 };
        var inline = BatchPipeline.Run(Items(), order, epoch: 3, Settings(0), CancellationToken.None).ToArray();
        var threaded = BatchPipeline.Run(Items(), order, epoch: 3, Settings(3), CancellationToken.None).ToArray();

        Assert.Equal([0, 1, 2, 3], threaded.Select(b => b.Index));
        Assert.Equal([3, 3, 3, 1], threaded.Select(b => b.Samples.Length));
        Assert.Equal(order.Select(i => Items()[i].Image.Path), threaded.SelectMany(b => b.Items).Select(i => i.Image.Path));
        Assert.Equal(inline.SelectMany(b => b.Keypoints), threaded.SelectMany(b => b.Keypoints));
        Assert.Equal(inline.SelectMany(b => b.Pixels), threaded.SelectMany(b => b.Pixels));
        var otherEpoch = BatchPipeline.Run(Items(), order, epoch: 4, Settings(3), CancellationToken.None).ToArray();
        Assert.NotEqual(inline.SelectMany(b => b.Keypoints), otherEpoch.SelectMany(b => b.Keypoints));
    }

    [Fact]
    public void Unlabelled_points_and_points_outside_the_sample_get_weight_zero()
    {
        var batch = BatchPipeline.Run(Items(), [0], epoch: 1, Settings(0, new FixedSampler()), CancellationToken.None).Single();
        Assert.Equal([1f, 0f], batch.Weights);
        Assert.Equal([5f, 6f], batch.Keypoints[..2]);

        var missing = BatchPipeline.Run(Items(), [0], epoch: 1, Settings(0, new FixedSampler(outside: true)), CancellationToken.None).Single();
        Assert.Equal([0f, 0f], missing.Weights);
    }

    [Fact]
    public void A_worker_failure_surfaces_as_its_own_exception()
    {
        var items = Items().Append(new TrainingItem(Items()[0].Image with { Path = "gone.png" }, Items()[0].Instance)).ToArray();
        var e = Assert.Throws<FileNotFoundException>(() =>
            BatchPipeline.Run(items, Enumerable.Range(0, items.Length).ToArray(), 1, Settings(2), CancellationToken.None).ToArray());
        Assert.Contains("gone.png", e.Message);
    }

    /// <summary>TEST-ONLY: a crop whose keypoints are jittered by the caller's Random, so the seeding shows.</summary>
    private sealed class NoisySampler : IPoseSampler
    {
        private readonly TestOnlyCropSampler crop = Toy.Sampler(32);

        public PoseSample Sample(LabeledImage image, PoseInstance instance, Random random, bool augment)
        {
            var s = crop.Sample(image, instance, random, augment);
            return s with { Keypoints = s.Keypoints.Select(k => k with { X = k.X + random.NextDouble() }).ToArray() };
        }
    }

    /// <summary>TEST-ONLY: keypoint 0 at (5, 6) visible (or at x = 40, outside the 32 px sample), keypoint 1 not labelled.</summary>
    private sealed class FixedSampler(bool outside = false) : IPoseSampler
    {
        public PoseSample Sample(LabeledImage image, PoseInstance instance, Random random, bool augment) =>
            new(new float[3 * 32 * 32], 32, 32, [new Keypoint(outside ? 40 : 5, 6, Visibility.Visible), new Keypoint(7, 8, Visibility.NotLabeled)], AffineTransform.Identity);
    }
}
