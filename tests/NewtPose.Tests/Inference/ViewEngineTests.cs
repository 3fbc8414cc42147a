using NewtPose.Data;
using NewtPose.Inference;
using NewtPose.Tests.Data;

namespace NewtPose.Tests.Inference;

/// <summary>
/// A model with views (a multi-view rig) searches each view's region for that view's keypoints. The 400×800 dot photo has
/// the head (snout and eyes) in the top half and the tail in the bottom half, plus a second red dot in the bottom half
/// that a model of the whole photo takes for part of the snout.
/// </summary>
public sealed class ViewEngineTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private static readonly ViewRegion[] Views =
    [
        new("top", ["snout", "left_eye", "right_eye"], [0, 0, 1, 0.5]),
        new("bottom", ["tail"], [0, 0.5, 1, 0.5]),
    ];

    private static readonly (double X, double Y)[] Truth = [(200, 150), (218, 165), (182, 165), (200, 600)];

    private string Photo()
    {
        var image = EnginePhotos.Draw(400, 800, Truth, 5);
        // The decoy: a red disc like the snout's, in the bottom half (beyond the top view's square crop with its margin, inside the box around all the points).
        const double decoyX = 90, decoyY = 560;
        for (var y = 550; y < 570; y++)
            for (var x = 80; x < 100; x++)
                if ((x + 0.5 - decoyX) * (x + 0.5 - decoyX) + (y + 0.5 - decoyY) * (y + 0.5 - decoyY) <= 25)
                    (image.Pixels[(y * image.Width + x) * 3], image.Pixels[(y * image.Width + x) * 3 + 1], image.Pixels[(y * image.Width + x) * 3 + 2]) = ((byte)255, (byte)0, (byte)0);
        return EnginePhotos.WritePng(temp.Path, "rig.png", image);
    }

    private static PoseEngine Engine(IReadOnlyList<ViewRegion>? views, bool flipTest = false, TestOnlyDotBackend? backend = null) =>
        new(backend ?? new TestOnlyDotBackend(TestOnlyDotBackend.SpecFor()), EnginePhotos.Card() with { Views = views }, new EngineOptions { FlipTest = flipTest });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Each_view_finds_its_own_keypoints_where_a_model_of_the_whole_photo_is_misled(bool flipTest)
    {
        var path = Photo();
        using var whole = Engine(null, flipTest);
        var misled = whole.Predict(path);
        Assert.True(EnginePhotos.WorstError(misled.Keypoints, Truth) > 20, $"the whole-photo model should be pulled by the decoy; worst error {EnginePhotos.WorstError(misled.Keypoints, Truth):F1} px");

        using var views = Engine(Views, flipTest);
        var found = views.Predict(path);

        Assert.True(EnginePhotos.WorstError(found.Keypoints, Truth) < 0.5, $"worst error {EnginePhotos.WorstError(found.Keypoints, Truth):F2} px");
        Assert.Equal((400, 800), (found.Width, found.Height));
        // The box spans both views' boxes: from the snout down to the tail.
        Assert.InRange(found.Box.Y, 145, 151);
        Assert.InRange(found.Box.Y + found.Box.Height, 599, 601);
        Assert.Equal(flipTest, found.Flip is not null);
        if (found.Flip is { } flip)
        {
            Assert.True(EnginePhotos.WorstError(flip.Direct, Truth) < 0.5);
            Assert.True(EnginePhotos.WorstError(flip.Mirrored, Truth) < 0.5);
        }
    }

    [Fact]
    public void Every_view_is_one_crop_of_each_network_call_and_many_photos_keep_their_order()
    {
        var path = Photo();
        var other = EnginePhotos.WritePng(temp.Path, "plain.png", EnginePhotos.Draw(400, 800, Truth, 5));
        var backend = new TestOnlyDotBackend(TestOnlyDotBackend.SpecFor());
        using var engine = Engine(Views, backend: backend);

        var results = engine.PredictMany([path, Path.Combine(temp.Path, "missing.png"), other]).ToArray();

        Assert.Equal([path, Path.Combine(temp.Path, "missing.png"), other], results.Select(r => r.Path));
        Assert.NotNull(results[1].Error);
        Assert.Null(results[1].Prediction);
        Assert.True(EnginePhotos.WorstError(results[0].Prediction!.Keypoints, Truth) < 0.5);
        Assert.True(EnginePhotos.WorstError(results[2].Prediction!.Keypoints, Truth) < 0.5);
        // Three passes (the region, two refinements), each one call for both views of both readable photos.
        Assert.Equal(1 + EngineOptions.DefaultRefinePasses, backend.Calls);
        Assert.Equal(2 * 2 * (1 + EngineOptions.DefaultRefinePasses), backend.Items);
    }

    [Fact]
    public void Label_crops_frame_each_view_around_its_own_labels_in_one_pass()
    {
        var path = Photo();
        var backend = new TestOnlyDotBackend(TestOnlyDotBackend.SpecFor());
        using var engine = Engine(Views, backend: backend);
        var animal = new PoseInstance(Truth.Select(t => new Keypoint(t.X, t.Y, Visibility.Visible)).ToArray());

        var prediction = engine.PredictAroundLabels(path, animal);

        Assert.Equal(1, backend.Calls);
        Assert.Equal(2, backend.Items);
        Assert.True(EnginePhotos.WorstError(prediction.Keypoints, Truth) < 0.5);
        Assert.Throws<InvalidOperationException>(() => engine.PredictInBox(path, new BoundingBox(0, 0, 400, 800)));
    }

    [Fact]
    public void A_card_with_views_round_trips_and_bad_views_are_refused_by_name()
    {
        var card = EnginePhotos.Card() with { Views = Views };
        var read = ModelCard.Parse(card.ToJson(), "model.json");
        Assert.Equal(["top", "bottom"], read.Views!.Select(v => v.Name));
        Assert.Equal(Views[1].Region, read.Views![1].Region);
        Assert.DoesNotContain("\"views\"", EnginePhotos.Card().ToJson());

        var skeleton = card.Skeleton();
        Assert.Contains("tail are in no view", Assert.Throws<ArgumentException>(() => ViewRegions.Owners([Views[0]], skeleton)).Message);
        Assert.Contains("in view 'top' and in view 'again'", Assert.Throws<ArgumentException>(() =>
            ViewRegions.Owners([.. Views, new ViewRegion("again", ["snout"], [0, 0, 1, 1])], skeleton)).Message);
        Assert.Contains("spans views", Assert.Throws<ArgumentException>(() =>
            ViewRegions.Owners([new("a", ["snout", "left_eye"], [0, 0, 1, 0.5]), new("b", ["right_eye", "tail"], [0, 0.5, 1, 0.5])], skeleton)).Message);
        Assert.Contains("'nose'", Assert.Throws<ArgumentException>(() =>
            ViewRegions.Owners([new("a", ["nose"], [0, 0, 1, 1])], skeleton)).Message);
        Assert.Contains("inside the frame", Assert.Throws<ArgumentException>(() => new ViewRegion("a", ["snout"], [0.5, 0, 0.6, 1]).Validate()).Message);
        Assert.Throws<InvalidDataException>(() => ModelCard.Parse((card with { Views = [Views[0]] }).ToJson(), "model.json"));
    }
}
