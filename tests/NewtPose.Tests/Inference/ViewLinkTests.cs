using NewtPose.Data;
using NewtPose.Imaging;
using NewtPose.Inference;
using NewtPose.Models;
using NewtPose.Tests.Data;
using SkiaSharp;

namespace NewtPose.Tests.Inference;

/// <summary>
/// A rig's view links: fitted on labels where one body point's two sightings share a coordinate, kept in the model card,
/// and used by the engine to decode the two sightings jointly.
/// </summary>
public sealed class ViewLinkTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private static readonly ViewRegion[] Rig =
    [
        new("top", ["nose_top", "paw_top"], [0, 0, 1, 0.5]),
        new("bot", ["nose_bot", "paw_bot"], [0, 0.5, 1, 0.5]),
    ];

    private static readonly Skeleton RigSkeleton = new(["nose_top", "paw_top", "nose_bot", "paw_bot"], [], []);

    /// <summary>Frames of 400 × 800 where nose_top.x = 1.05 · nose_bot.x − 10 px (± 2 px) and the paws' x are unrelated.</summary>
    private static List<LabeledImage> Frames(int count, int seed = 3)
    {
        var random = new Random(seed);
        var frames = new List<LabeledImage>();
        for (var i = 0; i < count; i++)
        {
            var noseBot = 60 + 280 * random.NextDouble();
            var noseTop = 1.05 * noseBot - 10 + 4 * (random.NextDouble() - 0.5);
            var points = new[]
            {
                new Keypoint(noseTop, 100 + 200 * random.NextDouble(), Visibility.Visible),
                new Keypoint(400 * random.NextDouble(), 100 + 200 * random.NextDouble(), Visibility.Visible),
                new Keypoint(noseBot, 500 + 200 * random.NextDouble(), Visibility.Visible),
                new Keypoint(400 * random.NextDouble(), 500 + 200 * random.NextDouble(), Visibility.Visible),
            };
            frames.Add(new LabeledImage($"frame{i}.png", 400, 800, [new PoseInstance(points)]));
        }
        return frames;
    }

    [Fact]
    public void The_fit_links_a_point_whose_sightings_share_a_coordinate_and_no_other()
    {
        var links = ViewLinkFit.Fit(Rig, RigSkeleton, Frames(40));

        var link = Assert.Single(links);
        Assert.Equal(("nose_top", "nose_bot", "x"), (link.First, link.Second, link.Axis));
        Assert.InRange(link.Slope, 1.03, 1.07);
        Assert.InRange(link.Offset * 400, -13, -7);
        // The ±2 px noise is uniform: a standard deviation of 4/√12 ≈ 1.15 px, as a fraction of the 400 px width.
        Assert.InRange(link.Spread * 400, 0.9, 1.4);
        Assert.Equal(40, link.Pairs);
        Assert.InRange(link.Expected(200 / 400.0) * 400, 198, 202);
    }

    [Fact]
    public void Too_few_frames_with_both_sightings_and_pseudo_labels_fit_no_link()
    {
        Assert.Empty(ViewLinkFit.Fit(Rig, RigSkeleton, Frames(ViewLinkFit.MinPairs - 1)));

        // Frames where nose_bot is not labelled count for nothing; a model's own guesses are not labels.
        var frames = Frames(30);
        var unlabelled = frames.Take(25).Select(f => f with
        {
            Instances = [new PoseInstance(f.Instances[0].Keypoints.Select((k, i) => i == 2 ? Keypoint.Missing : k).ToArray())],
        });
        var pseudo = frames.Skip(25).Select(f => f with
        {
            Instances = [f.Instances[0] with { Attributes = new Dictionary<string, string> { ["source"] = PoseInstance.PseudoLabelSource } }],
        });
        Assert.Empty(ViewLinkFit.Fit(Rig, RigSkeleton, unlabelled.Concat(pseudo).Concat(Frames(ViewLinkFit.MinPairs - 1, seed: 4))));
    }

    [Fact]
    public void Sightings_pair_by_the_views_names_as_suffixes()
    {
        var views = new ViewRegion[] { new("Side", ["paw-side", "tail.side", "ear"], [0, 0, 1, 0.5]), new("under", ["paw-UNDER", "tail_under", "ear_under"], [0, 0.5, 1, 0.5]) };
        var skeleton = new Skeleton(["paw-side", "tail.side", "ear", "paw-UNDER", "tail_under", "ear_under"], [], []);

        Assert.Equal(new[] { (0, 3), (1, 4) }, ViewLinkFit.Pairs(views, skeleton));
        Assert.Empty(ViewLinkFit.Pairs([new ViewRegion("all", skeleton.Keypoints, [0, 0, 1, 1])], skeleton));
    }

    [Fact]
    public void A_card_keeps_its_links_and_refuses_links_it_cannot_use()
    {
        var card = Card();
        var read = ModelCard.Parse(card.ToJson(), "model.json");
        Assert.Equal(card.ViewLinks, read.ViewLinks);
        Assert.DoesNotContain("view_links", (card with { ViewLinks = null }).ToJson());

        Assert.Contains("joins two keypoints of view 'top'", Assert.Throws<InvalidDataException>(() =>
            ModelCard.Parse((card with { ViewLinks = [new ViewLink("nose_top", "paw_top", "x", 1, 0, 0.01, 10)] }).ToJson(), "model.json")).Message);
        Assert.Contains("no views", Assert.Throws<InvalidDataException>(() =>
            ModelCard.Parse((card with { Views = null }).ToJson(), "model.json")).Message);
        Assert.Contains("axis 'z'", Assert.Throws<InvalidDataException>(() =>
            ModelCard.Parse((card with { ViewLinks = [card.ViewLinks![0] with { Axis = "z" }] }).ToJson(), "model.json")).Message);
        Assert.Contains("nose / nose_bot names a keypoint the skeleton does not have", Assert.Throws<InvalidDataException>(() =>
            ModelCard.Parse((card with { ViewLinks = [card.ViewLinks![0] with { First = "nose" }] }).ToJson(), "model.json")).Message);
    }

    /// <summary>
    /// The top view holds the true nose (a small red disc above the blue nose of the bottom view) and a larger red decoy
    /// elsewhere, which the blob "network" scores higher: decoded alone, nose_top lands on the decoy; linked to nose_bot's
    /// x, it lands on the true disc.
    /// </summary>
    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 0)]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    public void Linked_views_choose_the_peak_that_agrees_with_the_other_view(bool flipTest, double nu)
    {
        var path = Photo(decoy: true);
        var truth = new (double X, double Y)[] { (300, 200), (200, 250), (300, 600), (200, 650) };

        using var alone = Engine(linkViews: false, flipTest, nu);
        var misled = alone.Predict(path);
        Assert.InRange(misled.Keypoints[0].X, 95, 105);

        using var linked = Engine(linkViews: true, flipTest, nu);
        var found = linked.Predict(path);
        Assert.True(EnginePhotos.WorstError(found.Keypoints, truth) < 0.5, $"worst error {EnginePhotos.WorstError(found.Keypoints, truth):F2} px");

        using var plain = Engine(linkViews: true, flipTest, nu);
        Assert.True(EnginePhotos.WorstError(plain.Predict(Photo(decoy: false)).Keypoints, truth) < 0.5, "points that already agree stay where their argmax is");
    }

    [Fact]
    public void A_heavy_tailed_misfit_lets_a_confident_sighting_outweigh_a_faint_one_that_agrees()
    {
        Assert.Equal(0.5 * 9, ViewLink.MisfitCost(3, 0), 12);
        Assert.Equal(Math.Log(1 + 9), ViewLink.MisfitCost(3, 1), 12);
        Assert.Equal(0.5 * 9, ViewLink.MisfitCost(3, 1e7), 4);
        Assert.Equal(0, ViewLink.MisfitCost(0, 1));
        Assert.True(ViewLink.MisfitCost(3, 1) < ViewLink.MisfitCost(3, 3) && ViewLink.MisfitCost(3, 3) < ViewLink.MisfitCost(3, 0), "smaller nu, lighter charge for a clear disagreement");

        // A sighting of confidence 0.9 five spreads off its partner, against one of 0.01 that agrees.
        double Strong(double nu) => Math.Log(0.9) - ViewLink.MisfitCost(5, nu);
        var faint = Math.Log(0.01) - ViewLink.MisfitCost(0, 1);
        Assert.True(Strong(0) < faint, "the Gaussian drags the confident sighting to the faint peak");
        Assert.True(Strong(1) > faint, "the Student-t keeps it");

        Assert.Contains("LinkMisfitNu = -1", Assert.Throws<ArgumentException>(() => new EngineOptions { LinkMisfitNu = -1 }.Validate()).Message);
        Assert.Throws<ArgumentException>(() => new EngineOptions { LinkMisfitNu = double.PositiveInfinity }.Validate());
        Assert.Throws<ArgumentException>(() => new EngineOptions { LinkMisfitNu = double.NaN }.Validate());
    }

    /// <summary>
    /// A loose link (spread 0.15 of the frame's width) and a decoy far more confident than the true nose (r 30 against 8
    /// px): the decoy sits about three spreads off nose_bot's x. The Gaussian's ½m² outweighs the confidence gap and takes
    /// the faint agreeing disc; the Student-t's log-cost does not, so with ν = 1 the engine keeps the confident decoy.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_misfit_cost_decides_between_a_confident_outlier_and_a_faint_agreeing_peak(bool flipTest)
    {
        var path = Photo(30f, "loud-decoy.png");
        var card = Card() with { ViewLinks = [new ViewLink("nose_top", "nose_bot", "x", 1, 0, 0.15, 20)] };
        PoseEngine Open(double nu) => new(new TestOnlyBlobBackend(card.Spec), card, new EngineOptions { FlipTest = flipTest, LinkMisfitNu = nu });

        using var gaussian = Open(0);
        Assert.InRange(gaussian.Predict(path).Keypoints[0].X, 297, 303);
        using var studentT = Open(1);
        // On the decoy: its 30 px disc, whose centroid a refine crop that cuts the disc moves by a few pixels.
        Assert.InRange(studentT.Predict(path).Keypoints[0].X, 70, 130);
    }

    private static ModelCard Card()
    {
        var spec = PoseModels.Spec("resnet18", RigSkeleton.Keypoints, 128, 128);
        return ModelCard.Describe(spec, RigSkeleton, NewtPose.Augmentation.AugmentationOptions.Default) with
        {
            Views = Rig,
            ViewLinks = [new ViewLink("nose_top", "nose_bot", "x", 1, 0, 0.01, 20), new ViewLink("paw_top", "paw_bot", "x", 1, 0, 0.01, 20)],
        };
    }

    private static PoseEngine Engine(bool linkViews, bool flipTest, double nu) =>
        new(new TestOnlyBlobBackend(Card().Spec), Card(), new EngineOptions { LinkViews = linkViews, FlipTest = flipTest, LinkMisfitNu = nu });

    /// <summary>A 400 × 800 rig frame: nose_top red, paw_top green, nose_bot blue, paw_bot white; the decoy a larger red disc.</summary>
    private string Photo(bool decoy) => Photo(decoy ? 14f : 0f, decoy ? "decoy.png" : "plain.png");

    /// <summary>The rig frame with a red decoy of <paramref name="decoyRadius"/> px at (100, 200) (none at 0).</summary>
    private string Photo(float decoyRadius, string name)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(400, 800, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Black);
            using var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
            foreach (var (x, y, r, colour) in new[] { (300f, 200f, 8f, SKColors.Red), (200f, 250f, 8f, SKColors.Lime), (300f, 600f, 8f, SKColors.Blue), (200f, 650f, 8f, SKColors.White) })
            {
                paint.Color = colour;
                canvas.DrawCircle(x, y, r, paint);
            }
            if (decoyRadius > 0)
            {
                paint.Color = SKColors.Red;
                canvas.DrawCircle(100, 200, decoyRadius, paint);
            }
        }
        return EnginePhotos.WritePng(temp.Path, name, ImageLoader.ToRgb(bitmap));
    }
}

/// <summary>
/// TEST-ONLY: a "network" that gives every disc of a keypoint's colour its own heatmap peak (red, green, blue, white for
/// keypoints 0–3), the largest disc the highest (probability 0.9 × its area over the largest's), with exact offsets to
/// the disc's centroid: a heatmap with a decoy peak, which only a decoder that weighs several peaks can pass over.
/// </summary>
internal sealed class TestOnlyBlobBackend(PoseModelSpec spec) : IPoseBackend
{
    public PoseModelSpec Spec => spec;
    public string Name => "blobs";

    public RawOutput Run(float[] pixels, int batch)
    {
        int w = spec.InputWidth, h = spec.InputHeight, cw = w / 4, ch = h / 4, k = spec.Keypoints.Count;
        var values = new float[batch * 3 * k * cw * ch];
        for (var b = 0; b < batch; b++)
        {
            var item = pixels.AsSpan(b * 3 * w * h, 3 * w * h).ToArray();
            var output = values.AsSpan(b * 3 * k * cw * ch, 3 * k * cw * ch);
            for (var j = 0; j < k; j++) Encode(output, j, k, cw, ch, Blobs(item, w, h, j));
        }
        return new RawOutput(values, batch, 3 * k, ch, cw);
    }

    /// <summary>Whether a pixel shows keypoint j's colour: red, green or blue alone, or (j = 3) all three.</summary>
    private static double Weight(float[] chw, int plane, int i, int j)
    {
        float r = chw[i], g = chw[plane + i], bl = chw[2 * plane + i];
        return j == 3 ? Math.Min(r, Math.Min(g, bl)) : Math.Clamp(chw[j * plane + i] - Math.Max(j == 0 ? g : r, j == 2 ? g : bl), 0, 1);
    }

    /// <summary>The 4-connected discs of keypoint j's colour: weighted centroid (continuous coordinates) and weight.</summary>
    private static List<(double X, double Y, double Area)> Blobs(float[] chw, int w, int h, int j)
    {
        var plane = w * h;
        var seen = new bool[plane];
        var blobs = new List<(double, double, double)>();
        for (var start = 0; start < plane; start++)
        {
            if (seen[start] || Weight(chw, plane, start, j) < 0.5) continue;
            double sx = 0, sy = 0, sw = 0;
            var stack = new Stack<int>([start]);
            seen[start] = true;
            while (stack.Count > 0)
            {
                var i = stack.Pop();
                var weight = Weight(chw, plane, i, j);
                sx += weight * (i % w + 0.5); sy += weight * (i / w + 0.5); sw += weight;
                foreach (var n in new[] { i - 1, i + 1, i - w, i + w })
                {
                    if (n < 0 || n >= plane || (Math.Abs(n % w - i % w) > 1) || seen[n] || Weight(chw, plane, n, j) <= 0.05) continue;
                    seen[n] = true;
                    stack.Push(n);
                }
            }
            blobs.Add((sx / sw, sy / sw, sw));
        }
        return blobs;
    }

    private static void Encode(Span<float> output, int j, int k, int cw, int ch, List<(double X, double Y, double Area)> blobs)
    {
        var plane = cw * ch;
        for (var i = 0; i < plane; i++) output[j * plane + i] = -8;
        if (blobs.Count == 0) return;
        var largest = blobs.Max(b => b.Area);
        for (var row = 0; row < ch; row++)
        for (var col = 0; col < cw; col++)
        {
            var (best, dx, dy) = (0.0, 0.0, 0.0);
            foreach (var blob in blobs)
            {
                double bx = blob.X / 4 - 0.5 - col, by = blob.Y / 4 - 0.5 - row;
                var p = 0.9 * blob.Area / largest * Math.Exp(-(bx * bx + by * by) / 8);
                if (p > best) (best, dx, dy) = (p, bx, by);
            }
            var cell = row * cw + col;
            best = Math.Max(best, 1e-4);
            output[j * plane + cell] = (float)Math.Log(best / (1 - best));
            output[(k + 2 * j) * plane + cell] = (float)dx;
            output[(k + 2 * j + 1) * plane + cell] = (float)dy;
        }
    }

    public void Dispose() { }
}
