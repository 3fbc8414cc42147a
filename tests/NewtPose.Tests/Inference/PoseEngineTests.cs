using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Imaging;
using NewtPose.Inference;
using NewtPose.Tests.Imaging;

namespace NewtPose.Tests.Inference;

public sealed class PoseEngineTests : IDisposable
{
    private readonly string folder = TestImages.TempFolder();

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData(400, 300, 200, 150)]  // the animal in the middle
    [InlineData(640, 480, 90, 400)]   // small, near a corner: most of the whole-photo pass is background
    [InlineData(300, 600, 150, 120)]  // portrait: the letterbox border is left and right
    public void The_animal_is_found_without_labels_and_its_points_come_back_in_the_photos_pixels(int width, int height, double x, double y)
    {
        var truth = EnginePhotos.Animal(x, y, 12);
        var path = EnginePhotos.WritePng(folder, "photo.png", EnginePhotos.Draw(width, height, truth, 5));
        using var engine = EnginePhotos.Engine();

        var prediction = engine.Predict(path);

        Assert.Equal((width, height), (prediction.Width, prediction.Height));
        Assert.True(EnginePhotos.WorstError(prediction.Keypoints, truth) < 0.5, $"worst error {EnginePhotos.WorstError(prediction.Keypoints, truth):F2} px");
        Assert.True(prediction.Score > 0.85, $"score {prediction.Score}");
        // The found box is the box around the points, not the photo.
        Assert.InRange(prediction.Box.Width, 35, 37);
        Assert.InRange(prediction.Box.Height, 59, 61);
        Assert.Null(prediction.Flip);
    }

    [Fact]
    public void An_engine_opened_on_a_run_predicts_with_the_flip_test_the_run_scored_with_unless_told()
    {
        var run = EnginePhotos.SaveUntrainedModel(Path.Combine(folder, "run"));
        var other = EnginePhotos.SaveUntrainedModel(Path.Combine(folder, "other"), seed: 2);
        bool FlipOf(EngineOptions? options, params string[] runs)
        {
            using var engine = runs.Length == 1 ? PoseEngine.Open(runs[0], options) : PoseEngine.Open(runs, options);
            return engine.FlipTest;
        }
        // No options.json: the run does not say, so off (as the evaluator reads it).
        Assert.False(FlipOf(null, run));
        new NewtPose.Training.TrainingOptions { FlipTest = true }.Save(Path.Combine(run, "options.json"));
        Assert.True(FlipOf(null, run));
        Assert.True(FlipOf(new EngineOptions { BatchSize = 2 }, run));
        Assert.False(FlipOf(new EngineOptions { FlipTest = false }, run));
        // An ensemble follows its first member, as its evaluation does.
        Assert.True(FlipOf(null, run, other));
        Assert.False(FlipOf(null, other, run));
        // A bare backend has no record of how it was scored.
        using var bare = EnginePhotos.Engine();
        Assert.Equal((false, false), (bare.FlipTest, bare.Options.FlipTest));
    }

    [Fact]
    public void Each_refine_pass_is_one_more_network_call()
    {
        var truth = EnginePhotos.Animal(200, 150, 12);
        var path = EnginePhotos.WritePng(folder, "photo.png", EnginePhotos.Draw(400, 300, truth, 5));
        foreach (var passes in new[] { 0, 1, 3 })
        {
            var backend = new TestOnlyDotBackend(TestOnlyDotBackend.SpecFor());
            using var engine = new PoseEngine(backend, EnginePhotos.Card(), new EngineOptions { RefinePasses = passes });
            var prediction = engine.Predict(path);
            Assert.Equal(1 + passes, backend.Calls);
            // The whole-photo pass alone sees the animal at a quarter of the detail; still within a few pixels.
            Assert.True(EnginePhotos.WorstError(prediction.Keypoints, truth) < (passes == 0 ? 3 : 0.5));
        }
    }

    [Theory]
    [InlineData(PixelConvention.Continuous)]
    [InlineData(PixelConvention.LegacyCellCentres)]
    public void With_and_without_the_flip_test_a_point_lands_at_the_same_place(PixelConvention convention)
    {
        // The pixel convention, end to end: sampler → mirror → head output → unflip → decode. A mirror that is half a
        // pixel off (x → W − 1 − x against the sampler's x → W − x) would put the mirrored branch one input pixel away.
        var truth = EnginePhotos.Animal(203.3, 151.7, 12);
        var path = EnginePhotos.WritePng(folder, "photo.png", EnginePhotos.Draw(400, 300, truth, 5));
        using var plain = EnginePhotos.Engine(convention: convention);
        using var flipped = EnginePhotos.Engine(new EngineOptions { FlipTest = true }, convention: convention);

        var without = plain.Predict(path);
        var with = flipped.Predict(path);

        // One input pixel of the final crop in photo pixels: crop side / input size.
        var inputPixel = Math.Max(without.Box.Width, without.Box.Height) * (1 + 2 * CropPolicy.Default.Margin) / 64;
        Assert.NotNull(with.Flip);
        for (var k = 0; k < truth.Length; k++)
        {
            foreach (var p in new[] { with.Keypoints[k], with.Flip!.Direct[k], with.Flip.Mirrored[k] })
            {
                Assert.True(Math.Abs(p.X - without.Keypoints[k].X) < 0.1 * inputPixel, $"{TestOnlyDotBackend.Names[k]}: x {p.X:F3} vs {without.Keypoints[k].X:F3}");
                Assert.True(Math.Abs(p.Y - without.Keypoints[k].Y) < 0.1 * inputPixel, $"{TestOnlyDotBackend.Names[k]}: y {p.Y:F3} vs {without.Keypoints[k].Y:F3}");
            }
        }
        Assert.True(EnginePhotos.WorstError(without.Keypoints, truth) < 0.5);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void With_quarter_turns_a_point_lands_at_the_same_place_and_the_final_pass_runs_every_turn(bool flipTest)
    {
        // Turned crop → head output → turned back → decode: a turn a pixel off would move the points by input pixels.
        var truth = EnginePhotos.Animal(203.3, 151.7, 12);
        var path = EnginePhotos.WritePng(folder, "photo.png", EnginePhotos.Draw(400, 300, truth, 5));
        using var plain = EnginePhotos.Engine(new EngineOptions { FlipTest = flipTest });
        var backend = new TestOnlyDotBackend(TestOnlyDotBackend.SpecFor());
        using var turned = new PoseEngine(backend, EnginePhotos.Card(), new EngineOptions { FlipTest = flipTest, QuarterTurns = true });

        var without = plain.Predict(path);
        var with = turned.Predict(path);

        // The whole-photo pass and the first refine pass run once; the final one runs 4 turns, each mirrored with the flip test.
        Assert.Equal(2 + (flipTest ? 8 : 4), backend.Calls);
        Assert.Equal(flipTest, with.Flip is not null);
        var inputPixel = Math.Max(without.Box.Width, without.Box.Height) * (1 + 2 * CropPolicy.Default.Margin) / 64;
        // The dots' stand-in network tells the eyes apart by their side of the snout, which a turn changes (EnginePhotos.Card):
        // the snout and the tail are compared.
        foreach (var k in new[] { 0, 3 })
        {
            Assert.True(Math.Abs(with.Keypoints[k].X - without.Keypoints[k].X) < 0.1 * inputPixel, $"{TestOnlyDotBackend.Names[k]}: x {with.Keypoints[k].X:F3} vs {without.Keypoints[k].X:F3}");
            Assert.True(Math.Abs(with.Keypoints[k].Y - without.Keypoints[k].Y) < 0.1 * inputPixel, $"{TestOnlyDotBackend.Names[k]}: y {with.Keypoints[k].Y:F3} vs {without.Keypoints[k].Y:F3}");
        }
    }

    [Fact]
    public void Quarter_turns_are_on_by_default_only_for_a_square_model_trained_with_quarter_turns_or_more()
    {
        var spec = TestOnlyDotBackend.SpecFor();
        var skeleton = EnginePhotos.Card().Skeleton();
        var flat = ModelCard.Describe(spec, skeleton, AugmentationOptions.Default);
        var rig = ModelCard.Describe(spec, skeleton, AugmentationOptions.Rig);
        var unrotated = ModelCard.Describe(spec, skeleton, AugmentationOptions.Default with { RotationProbability = 0 });
        Assert.Equal(180, flat.TrainedRotationDegrees);
        Assert.Equal(30, rig.TrainedRotationDegrees);
        Assert.Equal(0, unrotated.TrainedRotationDegrees);
        Assert.Null(ModelCard.Describe(spec, skeleton).TrainedRotationDegrees);
        Assert.Equal(180, ModelCard.Parse(flat.ToJson(), "model.json").TrainedRotationDegrees);
        Assert.Null(ModelCard.Parse(EnginePhotos.Card().ToJson(), "model.json").TrainedRotationDegrees);

        bool On(ModelCard card, bool? asked = null)
        {
            using var engine = new PoseEngine(new TestOnlyDotBackend(card.Spec), card, new EngineOptions { QuarterTurns = asked });
            return engine.QuarterTurns;
        }
        Assert.True(On(flat));
        Assert.False(On(flat, false));
        Assert.False(On(rig));
        Assert.False(On(unrotated));
        Assert.False(On(EnginePhotos.Card()));
        Assert.True(On(EnginePhotos.Card(), true));
        Assert.False(On(flat with { PixelConvention = PixelConvention.LegacyCellCentres }));
        var e = Assert.Throws<InvalidOperationException>(() => On(rig, true));
        Assert.Contains("at most 30 degrees", e.Message);
    }

    [Fact]
    public void Quarter_turns_are_refused_for_a_model_whose_input_is_not_square()
    {
        var spec = NewtPose.Models.PoseModels.Spec("resnet18", TestOnlyDotBackend.Names, 64, 32, swapPairs: [[1, 2]]);
        var card = ModelCard.Describe(spec, EnginePhotos.Card().Skeleton(), AugmentationOptions.Default);
        Assert.False(card.LearntQuarterTurns);
        var e = Assert.Throws<InvalidOperationException>(() =>
            new PoseEngine(new TestOnlyDotBackend(spec), card, new EngineOptions { QuarterTurns = true }));
        Assert.Contains("64x32", e.Message);
        using var auto = new PoseEngine(new TestOnlyDotBackend(spec), card);
        Assert.False(auto.QuarterTurns);
    }

    [Fact]
    public void The_flip_test_is_refused_for_a_model_trained_without_flips()
    {
        var card = EnginePhotos.Card(augmentation: AugmentationOptions.Rig);
        Assert.False(card.TrainedWithFlips);
        var e = Assert.Throws<InvalidOperationException>(() =>
            new PoseEngine(new TestOnlyDotBackend(TestOnlyDotBackend.SpecFor()), card, new EngineOptions { FlipTest = true }));
        Assert.Contains("trained without flips", e.Message);
        using var allowed = new PoseEngine(new TestOnlyDotBackend(TestOnlyDotBackend.SpecFor()), card, new EngineOptions { FlipTest = false });
    }

    [Fact]
    public void A_given_box_is_cropped_with_the_crop_policy_in_one_pass()
    {
        var truth = EnginePhotos.Animal(200, 150, 12);
        var path = EnginePhotos.WritePng(folder, "photo.png", EnginePhotos.Draw(400, 300, truth, 5));
        var backend = new TestOnlyDotBackend(TestOnlyDotBackend.SpecFor());
        using var engine = new PoseEngine(backend, EnginePhotos.Card());

        var prediction = engine.PredictInBox(path, BoundingBox.AroundLabeled(truth.Select(t => new Keypoint(t.X, t.Y, Visibility.Visible)).ToArray())!.Value);

        Assert.Equal(1, backend.Calls);
        Assert.True(EnginePhotos.WorstError(prediction.Keypoints, truth) < 0.5);
    }

    [Fact]
    public void A_photo_stored_sideways_with_an_orientation_tag_gives_the_points_of_its_upright_copy()
    {
        var truth = EnginePhotos.Animal(150, 110, 12);
        var upright = EnginePhotos.Draw(320, 240, truth, 5);
        var uprightPath = Path.Combine(folder, "upright.jpg");
        var sidewaysPath = Path.Combine(folder, "sideways.jpg");
        TestImages.WriteJpeg(uprightPath, upright);
        // EXIF 6: a viewer turns the stored pixels 90° clockwise, so they are stored turned 90° counter-clockwise.
        TestImages.WriteJpeg(sidewaysPath, RotateCounterClockwise(upright), exifOrientation: 6);
        using var engine = EnginePhotos.Engine();

        var a = engine.Predict(uprightPath);
        var b = engine.Predict(sidewaysPath);

        Assert.Equal((320, 240), (b.Width, b.Height));
        Assert.True(EnginePhotos.WorstError(a.Keypoints, truth) < 0.6);
        Assert.True(EnginePhotos.WorstError(b.Keypoints, a.Keypoints.Select(p => (p.X, p.Y)).ToArray()) < 0.3,
            $"sideways vs upright: {EnginePhotos.WorstError(b.Keypoints, a.Keypoints.Select(p => (p.X, p.Y)).ToArray()):F2} px");
    }

    [Fact]
    public void Unreadable_photos_are_named_and_skipped_while_the_rest_are_predicted_in_order()
    {
        var truth = EnginePhotos.Animal(200, 150, 12);
        var image = EnginePhotos.Draw(400, 300, truth, 5);
        var good = EnginePhotos.WritePng(folder, "good.png", image);
        var jpeg = Path.Combine(folder, "whole.jpg");
        TestImages.WriteJpeg(jpeg, image);
        var truncated = Path.Combine(folder, "truncated.jpg");
        File.WriteAllBytes(truncated, File.ReadAllBytes(jpeg)[..(int)(new FileInfo(jpeg).Length / 2)]);
        var empty = Path.Combine(folder, "empty.jpg");
        File.WriteAllBytes(empty, []);
        var text = Path.Combine(folder, "notes.jpg");
        File.WriteAllText(text, "not an image");
        var missing = Path.Combine(folder, "missing.png");
        using var engine = EnginePhotos.Engine(new EngineOptions { BatchSize = 2 });

        var results = engine.PredictMany([good, truncated, empty, text, missing, jpeg]).ToArray();

        Assert.Equal([good, truncated, empty, text, missing, jpeg], results.Select(r => r.Path));
        foreach (var r in results.Where(r => r.Path == good || r.Path == jpeg))
        {
            Assert.Null(r.Error);
            Assert.True(EnginePhotos.WorstError(r.Prediction!.Keypoints, truth) < 0.6);
        }
        foreach (var r in results.Where(r => r.Path != good && r.Path != jpeg))
        {
            Assert.Null(r.Prediction);
            Assert.Contains(Path.GetFileName(r.Path), r.Error);
        }
        Assert.Contains("truncated", results[1].Error);
        // One photo alone throws the same error.
        Assert.Throws<InvalidDataException>(() => engine.Predict(empty));
    }

    [Fact]
    public void Many_photos_stream_one_batch_at_a_time()
    {
        var path = EnginePhotos.WritePng(folder, "photo.png", EnginePhotos.Draw(200, 150, EnginePhotos.Animal(100, 75, 6), 3));
        var backend = new TestOnlyDotBackend(TestOnlyDotBackend.SpecFor());
        using var engine = new PoseEngine(backend, EnginePhotos.Card(), new EngineOptions { BatchSize = 3 });
        var asked = 0;
        IEnumerable<string> Paths() { for (var i = 0; i < 7; i++) { asked++; yield return path; } }

        using var results = engine.PredictMany(Paths()).GetEnumerator();
        Assert.True(results.MoveNext());
        // The first result comes after the first batch of 3 (and the look-ahead that closed it), not after all 7.
        Assert.Equal(3, asked);
        Assert.Equal(1 + EngineOptions.DefaultRefinePasses, backend.Calls);
        var count = 1;
        while (results.MoveNext()) count++;
        Assert.Equal(7, count);
        Assert.Equal(3 * (1 + EngineOptions.DefaultRefinePasses), backend.Calls); // 3 batches × (whole photo + refine passes)
    }

    private static RgbImage RotateCounterClockwise(RgbImage image)
    {
        int w = image.Width, h = image.Height;
        var pixels = new byte[w * h * 3];
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            // Upright (x, y) → stored (y, w − 1 − x) in an h × w image.
            int from = (y * w + x) * 3, to = ((w - 1 - x) * h + y) * 3;
            pixels[to] = image.Pixels[from]; pixels[to + 1] = image.Pixels[from + 1]; pixels[to + 2] = image.Pixels[from + 2];
        }
        return new RgbImage(h, w, pixels);
    }
}
