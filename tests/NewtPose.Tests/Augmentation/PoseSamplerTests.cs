using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Imaging;
using NewtPose.Tests.Imaging;

namespace NewtPose.Tests.Augmentation;

public class PoseSamplerTests
{
    internal static readonly Skeleton Newt = new(
        ["head", "tail", "left_front", "right_front", "left_hind", "right_hind"],
        [new Edge(0, 1), new Edge(0, 2), new Edge(0, 3), new Edge(1, 4), new Edge(1, 5)],
        [new SwapPair(2, 3), new SwapPair(4, 5)]);

    internal static readonly (double X, double Y)[] Points = [(160, 50), (160, 200), (110, 90), (210, 90), (115, 165), (205, 165)];
    internal static readonly (byte R, byte G, byte B)[] Colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0), (255, 0, 255), (0, 255, 255)];
    internal static readonly PoseInstance Animal = new(Points.Select(p => new Keypoint(p.X, p.Y, Visibility.Visible)).ToArray());
    internal static RgbImage Photo() => TestImages.Dots(320, 240, Points, Colours, 7);

    private static readonly AugmentationOptions Geometric = AugmentationOptions.None with
    {
        RotationProbability = 1, MaxRotationDegrees = 180,
        ScaleProbability = 1, MinScale = 0.75, MaxScale = 1.25,
        TranslateProbability = 1, MaxTranslate = 0.1,
        ShearProbability = 0.5, MaxShearDegrees = 12,
        HorizontalFlipProbability = 0.5, VerticalFlipProbability = 0.5,
    };

    [Fact]
    public void Painted_dots_land_where_the_transformed_keypoints_say()
    {
        var sampler = new PoseSampler(Newt, 128, 128, Geometric);
        var photo = Photo();
        var checkedDots = 0;
        for (var seed = 0; seed < 40; seed++)
            checkedDots += AssertDotsMatchKeypoints(sampler.Sample(photo, Animal, new Random(seed), augment: true), $"seed {seed}");
        Assert.True(checkedDots > 150, $"Only {checkedDots} dots were far enough inside to check.");
    }

    [Fact]
    public void Dots_match_keypoints_when_sampling_from_a_reduced_decode()
    {
        var sampler = new PoseSampler(Newt, 96, 96, Geometric);
        var half = new ScaledImage(ImageLoader.Resize(Photo(), 160, 120), new AffineTransform(0.5, 0, 0, 0, 0.5, 0));
        for (var seed = 0; seed < 20; seed++)
            AssertDotsMatchKeypoints(sampler.Sample(half, Animal, new Random(seed), augment: true), $"seed {seed}");
    }

    [Fact]
    public void Dataset_samples_go_through_the_cache_at_reduced_resolution_and_stay_exact()
    {
        var dir = TestImages.TempFolder();
        // A large photo (animal ~150 px in 1280×960): the cache decodes it at a fraction of full size.
        var big = Points.Select(p => (p.X * 2 + 300, p.Y * 2 + 300)).ToArray();
        var path = Path.Combine(dir, "newt.jpg");
        TestImages.WriteJpeg(path, TestImages.Dots(1280, 960, big, Colours, 14));
        // JPEG's colour subsampling moves colour centroids by a pixel or so: label where the full decode shows the dots.
        var decoded = ImageLoader.Load(path);
        var instance = new PoseInstance(Colours.Select(c => TestImages.Centroid(decoded, c)!.Value).Select(p => new Keypoint(p.X, p.Y, Visibility.Visible)).ToArray());
        var image = new LabeledImage("newt.jpg", 1280, 960, [instance]);
        var dataset = new PoseDataset(Newt, [image], dir);
        var sampler = new PoseSampler(dataset, 128, 128, Geometric);

        for (var seed = 0; seed < 10; seed++)
            AssertDotsMatchKeypoints(sampler.Sample(image, instance, new Random(seed), augment: true), $"seed {seed}");

        Assert.Equal(1, sampler.Cache.Count);
        Assert.True(sampler.Cache.Bytes < 1280 * 960 * 3 / 2, $"The cache holds {sampler.Cache.Bytes} bytes: the photo was not decoded at reduced size.");
    }

    [Fact]
    public void Flips_keep_left_keypoints_on_the_animals_left()
    {
        var sampler = new PoseSampler(Newt, 128, 128, Geometric);
        var mirrored = 0;
        var photo = Photo();
        for (var seed = 0; seed < 40; seed++)
        {
            var sample = sampler.Sample(photo, Animal, new Random(seed), augment: true);
            var t = sample.ToSource;
            if (t.A * t.E - t.B * t.D < 0) mirrored++;
            var k = sample.Keypoints;
            // The animal's left: negative cross product of (head − tail) and (point − tail), preserved by rotation.
            foreach (var (index, name) in new[] { (2, "left_front"), (4, "left_hind") })
            {
                var cross = (k[0].X - k[1].X) * (k[index].Y - k[1].Y) - (k[0].Y - k[1].Y) * (k[index].X - k[1].X);
                Assert.True(cross < 0, $"seed {seed}: {name} is on the animal's right.");
            }
        }
        Assert.InRange(mirrored, 8, 32);
    }

    [Fact]
    public void Points_leaving_the_frame_become_not_labelled()
    {
        var sampler = new PoseSampler(Newt, 64, 64, AugmentationOptions.None);
        // The box covers only the head region: the tail and hind legs fall outside the crop.
        var instance = Animal with { Box = new BoundingBox(120, 40, 80, 60) };

        var sample = sampler.Sample(Photo(), instance, new Random(1), augment: false);

        Assert.Equal(Visibility.Visible, sample.Keypoints[0].Visibility);
        Assert.Equal(Visibility.NotLabeled, sample.Keypoints[1].Visibility);
        Assert.True(sample.Keypoints[1].Y >= 64, "The tail's transformed position is kept for inspection.");
        Assert.Equal(Visibility.NotLabeled, sample.Keypoints[4].Visibility);

        var augmenting = new PoseSampler(Newt, 64, 64, AugmentationOptions.Heavy with { MinScale = 1.5, MaxScale = 3 });
        var left = 0;
        for (var seed = 0; seed < 30; seed++)
            foreach (var k in augmenting.Sample(Photo(), Animal, new Random(seed), augment: true).Keypoints)
            {
                var inside = k.X >= 0 && k.Y >= 0 && k.X < 64 && k.Y < 64;
                Assert.Equal(inside, k.IsLabeled);
                if (!inside) left++;
            }
        Assert.True(left > 0, "Strong zoom should push some points out of the frame.");
    }

    [Fact]
    public void Unlabelled_points_stay_unlabelled_and_are_not_moved_into_view()
    {
        var keypoints = Animal.Keypoints.ToArray();
        keypoints[3] = Keypoint.Missing;
        var sample = new PoseSampler(Newt, 64, 64, Geometric).Sample(Photo(), new PoseInstance(keypoints), new Random(3), augment: true);
        // Exactly one point is the unlabelled one (a point that left the frame keeps its transformed position instead).
        Assert.Single(sample.Keypoints, k => k == Keypoint.Missing);
    }

    [Fact]
    public void Same_seed_gives_the_same_sample_and_another_seed_a_different_one()
    {
        var sampler = new PoseSampler(Newt, 64, 64, AugmentationOptions.Heavy);
        var a = sampler.Sample(Photo(), Animal, new Random(42), augment: true);
        var b = sampler.Sample(Photo(), Animal, new Random(42), augment: true);
        var c = sampler.Sample(Photo(), Animal, new Random(43), augment: true);

        Assert.Equal(a.Chw, b.Chw);
        Assert.Equal(a.Keypoints, b.Keypoints);
        Assert.Equal(a.ToSource, b.ToSource);
        Assert.NotEqual(a.Chw, c.Chw);
    }

    [Fact]
    public void ToSource_maps_sample_keypoints_back_to_the_photo()
    {
        var sampler = new PoseSampler(Newt, 128, 96, AugmentationOptions.Heavy);
        var photo = Photo();
        for (var seed = 0; seed < 25; seed++)
        {
            var sample = sampler.Sample(photo, Animal, new Random(seed), augment: true);
            var t = sample.ToSource;
            var swapped = t.A * t.E - t.B * t.D < 0;
            for (var i = 0; i < Points.Length; i++)
            {
                var source = swapped ? Newt.FlipIndex()[i] : i;
                var (x, y) = t.Apply(sample.Keypoints[i].X, sample.Keypoints[i].Y);
                Assert.Equal(Points[source].X, x, 1e-6);
                Assert.Equal(Points[source].Y, y, 1e-6);
            }
        }
    }

    [Fact]
    public void Samples_are_planar_rgb_in_the_unit_range()
    {
        var sample = new PoseSampler(Newt, 80, 60, AugmentationOptions.Heavy).Sample(Photo(), Animal, new Random(5), augment: true);
        Assert.Equal(3 * 80 * 60, sample.Chw.Length);
        Assert.Equal((80, 60), (sample.Width, sample.Height));
        Assert.All(sample.Chw, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Validation_crop_is_deterministic_and_letterboxed_around_the_animal()
    {
        var sampler = new PoseSampler(Newt, 100, 100, AugmentationOptions.Default);
        var a = sampler.Sample(Photo(), Animal, new Random(1), augment: false);
        var b = sampler.Sample(Photo(), Animal, new Random(2), augment: false);
        Assert.Equal(a.Chw, b.Chw);
        // Box 100×150 around the points, margin 15 % of 150 on each side: a square of side 195 centred on (160, 125).
        Assert.Equal(100 / 195.0, a.ToSource.Inverse().A, 9);
        var (cx, cy) = a.ToSource.Apply(50, 50);
        Assert.Equal(160, cx, 6);
        Assert.Equal(125, cy, 6);
        AssertDotsMatchKeypoints(a, "validation");
    }

    [Fact]
    public void Inference_crop_of_the_whole_photo_letterboxes_it_with_grey()
    {
        var sampler = new PoseSampler(Newt, 64, 64, AugmentationOptions.Default);
        var sample = sampler.Crop(Photo(), box: null);

        Assert.Empty(sample.Keypoints);
        // 320×240 → 64×48 in the middle; rows 0–7 and 56–63 are padding.
        Assert.Equal(0.5f, sample.Chw[3 * 64 + 10]);
        Assert.Equal(0f, sample.Chw[20 * 64 + 2]);
        var (x, y) = sample.ToSource.Apply(32, 32);
        Assert.Equal((160.0, 120.0), (Math.Round(x, 9), Math.Round(y, 9)));
        var (x0, y0) = sample.ToSource.Apply(0, 8);
        Assert.Equal((0.0, 0.0), (Math.Round(x0, 9), Math.Round(y0, 9)));
    }

    [Fact]
    public void Inference_crop_of_a_box_is_the_validation_sample_without_keypoints()
    {
        var sampler = new PoseSampler(Newt, 96, 96, AugmentationOptions.Heavy);
        var box = BoundingBox.AroundLabeled(Animal.Keypoints);
        var crop = sampler.Crop(Photo(), box);
        var validation = sampler.Sample(Photo(), Animal, new Random(9), augment: false);

        Assert.Empty(crop.Keypoints);
        Assert.Equal(validation.Chw, crop.Chw);
        Assert.Equal(validation.ToSource, crop.ToSource);
        // A prediction at a sample keypoint maps back to the labelled photo position.
        var (x, y) = crop.ToSource.Apply(validation.Keypoints[2].X, validation.Keypoints[2].Y);
        Assert.Equal(Points[2].X, x, 1e-9);
        Assert.Equal(Points[2].Y, y, 1e-9);
    }

    [Fact]
    public void Inference_crop_from_a_file_decodes_at_reduced_size_with_the_same_map()
    {
        var path = Path.Combine(TestImages.TempFolder(), "photo.jpg");
        var big = Points.Select(p => (p.X * 4, p.Y * 4)).ToArray();
        TestImages.WriteJpeg(path, TestImages.Dots(1280, 960, big, Colours, 28));
        var sampler = new PoseSampler(Newt, 64, 64, AugmentationOptions.None);

        var fromFile = sampler.Crop(path, box: null);
        var fromFull = sampler.Crop(ImageLoader.Load(path), box: null);

        Assert.Equal(fromFull.ToSource, fromFile.ToSource);
        var meanDifference = fromFile.Chw.Zip(fromFull.Chw, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(meanDifference < 0.01, $"Reduced decode differs from the full one by {meanDifference} on average.");
    }

    [Fact]
    public void Rotation_and_zoom_stay_within_their_ranges_and_use_them()
    {
        var options = AugmentationOptions.None with { RotationProbability = 1, MaxRotationDegrees = 30, ScaleProbability = 1, MinScale = 0.8, MaxScale = 1.2 };
        var sampler = new PoseSampler(Newt, 100, 100, options);
        var fit = 100 / 195.0; // the validation crop's scale (see the letterbox test)
        double maxAngle = 0, minZoom = 10, maxZoom = 0;
        for (var seed = 0; seed < 60; seed++)
        {
            var m = sampler.Sample(Photo(), Animal, new Random(seed), augment: true).ToSource.Inverse();
            var angle = Math.Abs(Math.Atan2(m.D, m.A) * 180 / Math.PI);
            var zoom = Math.Sqrt(m.A * m.E - m.B * m.D) / fit;
            Assert.InRange(angle, 0, 30 + 1e-9);
            Assert.InRange(zoom, 0.8 - 1e-9, 1.2 + 1e-9);
            maxAngle = Math.Max(maxAngle, angle); minZoom = Math.Min(minZoom, zoom); maxZoom = Math.Max(maxZoom, zoom);
        }
        Assert.True(maxAngle > 20 && minZoom < 0.85 && maxZoom > 1.15, $"Ranges barely explored: angle ≤ {maxAngle:F1}°, zoom {minZoom:F2}–{maxZoom:F2}.");
    }

    [Fact]
    public void Sampling_from_many_threads_gives_the_sequential_results()
    {
        var sampler = new PoseSampler(Newt, 64, 64, AugmentationOptions.Heavy);
        var photo = Photo();
        var sequential = Enumerable.Range(0, 16).Select(i => sampler.Sample(photo, Animal, new Random(i), true)).ToArray();
        var parallel = new PoseSample[16];
        Parallel.For(0, 16, i => parallel[i] = sampler.Sample(photo, Animal, new Random(i), true));
        for (var i = 0; i < 16; i++)
        {
            Assert.Equal(sequential[i].Chw, parallel[i].Chw);
            Assert.Equal(sequential[i].Keypoints, parallel[i].Keypoints);
        }
    }

    [Fact]
    public void An_instance_that_does_not_fit_the_skeleton_is_rejected()
    {
        var sampler = new PoseSampler(Newt, 64, 64, AugmentationOptions.None);
        var ex = Assert.Throws<ArgumentException>(() => sampler.Sample(Photo(), new PoseInstance([new Keypoint(1, 1, Visibility.Visible)]), new Random(0), false));
        Assert.Contains("1 keypoints but the skeleton has 6", ex.Message);
    }

    [Fact]
    public void Flips_are_refused_for_left_right_keypoints_without_swap_pairs()
    {
        var unpaired = Newt.WithSwapPairs([new SwapPair(2, 3)]);

        var ex = Assert.Throws<ArgumentException>(() => new PoseSampler(unpaired, 64, 64, AugmentationOptions.Default));
        Assert.Contains("'left_hind', 'right_hind'", ex.Message);
        // Without flips the same skeleton is fine.
        _ = new PoseSampler(unpaired, 64, 64, AugmentationOptions.Default with { HorizontalFlipProbability = 0, VerticalFlipProbability = 0 });
    }

    /// <summary>
    /// Finds each source dot in the sample and checks that the keypoint that should hold it (its own index, or its
    /// mirror partner when the map is a reflection) sits on it within 1 px. Returns how many dots were checked.
    /// </summary>
    internal static int AssertDotsMatchKeypoints(PoseSample sample, string context)
    {
        var image = AugmentationPreview.ToImage(sample);
        var t = sample.ToSource;
        var mirrored = t.A * t.E - t.B * t.D < 0;
        var margin = 7 * Math.Sqrt(Math.Abs(1 / (t.A * t.E - t.B * t.D))) + 2;
        var checkedDots = 0;
        for (var source = 0; source < Points.Length; source++)
        {
            var index = mirrored ? Newt.FlipIndex()[source] : source;
            var k = sample.Keypoints[index];
            if (k.X < margin || k.Y < margin || k.X > sample.Width - margin || k.Y > sample.Height - margin) continue;
            var found = TestImages.Centroid(image, Colours[source]);
            Assert.True(found is not null, $"{context}: dot {source} not found near ({k.X:F1}, {k.Y:F1}).");
            var d = Math.Sqrt(Math.Pow(found.Value.X - k.X, 2) + Math.Pow(found.Value.Y - k.Y, 2));
            Assert.True(d <= 1, $"{context}: dot {source} found at ({found.Value.X:F2}, {found.Value.Y:F2}), keypoint {index} says ({k.X:F2}, {k.Y:F2}).");
            checkedDots++;
        }
        return checkedDots;
    }
}
