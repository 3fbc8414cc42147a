using NewtPose.Data;
using NewtPose.Imaging;

namespace NewtPose.Augmentation;

/// <summary>
/// Crops a photo to the animal, augments it and letterboxes it to the network's input size. Every geometric step
/// (crop, flips, zoom, shear, rotation, shift, letterbox, and the working-resolution scale of a cached decode) is
/// composed into one affine map applied once to the pixels (bilinear) and to the keypoints, so dots and labels cannot
/// drift apart. Thread-safe: the only shared state is the thread-safe <see cref="ImageCache"/>; randomness comes from
/// the caller's <see cref="Random"/> (one per worker).
/// </summary>
/// <remarks>
/// Coordinates are continuous: the centre of pixel (i, j) is (i + 0.5, j + 0.5). A keypoint that leaves the sample
/// becomes <see cref="Visibility.NotLabeled"/> (weight 0 for the loss), its transformed position kept for inspection.
/// </remarks>
public sealed class PoseSampler : IPoseSampler
{
    private readonly int[] _flipIndex;
    private readonly PoseDataset? _dataset;

    public PoseSampler(Skeleton skeleton, int width, int height, AugmentationOptions options, ImageCache? cache = null)
    {
        if (width < 8 || height < 8) throw new ArgumentOutOfRangeException(nameof(width), $"The sample size {width}x{height} must be at least 8x8.");
        Skeleton = skeleton;
        Width = width;
        Height = height;
        Options = options.Validate();
        Cache = cache ?? new ImageCache();
        _flipIndex = skeleton.FlipIndex();
        CheckFlipsCanSwap(skeleton, Options);
    }

    /// <summary>A sampler for a dataset's images, decoding each photo once into its own cache (see <see cref="Sample(LabeledImage, PoseInstance, Random, bool)"/>).</summary>
    public PoseSampler(PoseDataset dataset, int width, int height, AugmentationOptions options, ImageCache? cache = null)
        : this(dataset.Skeleton, width, height, options, cache) => _dataset = dataset;

    public Skeleton Skeleton { get; }
    public int Width { get; }
    public int Height { get; }
    public AugmentationOptions Options { get; }
    public ImageCache Cache { get; }

    /// <summary>A sample from a full-resolution upright photo already in memory.</summary>
    public PoseSample Sample(RgbImage image, PoseInstance instance, Random random, bool augment) =>
        Sample(ScaledImage.FullSize(image), instance, random, augment);

    /// <summary>A sample from a photo decoded at a working resolution; the instance stays in full-resolution coordinates.</summary>
    public PoseSample Sample(ScaledImage image, PoseInstance instance, Random random, bool augment)
    {
        CheckCount(instance);
        var photo = PhotoSize(image);
        var crop = WholePhoto(random, augment) ? Options.Crop.CropFor(photo, null) : Options.Crop.CropFor(photo, instance.Box ?? BoundingBox.AroundLabeled(instance.Keypoints));
        return Build(image, instance.Keypoints, crop, random, augment);
    }

    /// <summary>
    /// The <see cref="IPoseSampler"/> contract: a sample of one instance of a dataset image, decoded through <see cref="Cache"/> at the lowest resolution that
    /// still gives the sample full detail at the largest zoom. Needs the dataset constructor.
    /// </summary>
    public PoseSample Sample(LabeledImage image, PoseInstance instance, Random random, bool augment) => Sample(image, instance, null, random, augment);

    /// <summary>
    /// The same for an animal seen in <paramref name="area"/> of the photo (one view of a multi-view rig): a whole-photo
    /// sample (<see cref="AugmentationOptions.WholePhotoProbability"/>) shows that area, framed as the engine frames a
    /// view's first pass (the crop policy around the area).
    /// </summary>
    public PoseSample Sample(LabeledImage image, PoseInstance instance, BoundingBox? area, Random random, bool augment)
    {
        var dataset = _dataset ?? throw new InvalidOperationException("This sampler was built without a dataset; construct it with the PoseDataset to sample LabeledImages.");
        CheckCount(instance);
        var box = instance.Box ?? BoundingBox.AroundLabeled(instance.Keypoints);
        var path = dataset.FullPath(image);
        var photo = image.Width > 0 && image.Height > 0 ? (image.Width, image.Height) : ImageLoader.ReadSize(path);
        var crop = Options.Crop.CropFor(photo, box);
        // The same request with or without augmentation (and for a whole-photo sample, which needs fewer pixels than the
        // animal's crop), so the decoded pixels never depend on what was sampled before.
        var zoomIn = Options.ScaleProbability > 0 ? Math.Max(1.0, Options.MaxScale) : 1.0;
        var needed = Fit(crop) * zoomIn;
        if (WholePhoto(random, augment)) crop = Options.Crop.CropFor(photo, area);
        return Build(Cache.Get(path, needed), instance.Keypoints, crop, random, augment);
    }

    /// <summary>
    /// The network input for inference: the box (with the crop margin) or, when null, the whole photo, letterboxed
    /// without augmentation — the validation code path. <see cref="PoseSample.ToSource"/> maps predictions back.
    /// </summary>
    public PoseSample Crop(ScaledImage image, BoundingBox? box) => Crop(image, PhotoSize(image), box);

    /// <summary>
    /// The same, for a photo whose full-resolution upright size is known (a reduced JPEG decode rounds its size up, so
    /// the size derived from it can be a few pixels larger than the photo).
    /// </summary>
    public PoseSample Crop(ScaledImage image, (double Width, double Height) photo, BoundingBox? box) =>
        Build(image, [], Options.Crop.CropFor(photo, box), new Random(0), augment: false);

    public PoseSample Crop(RgbImage image, BoundingBox? box) => Crop(ScaledImage.FullSize(image), box);

    /// <summary>
    /// The network input for inference straight from a photo file, decoding only as many pixels as the crop needs
    /// (a 4000 px JPEG cropped whole to 256 px decodes at 1/8 size). Not cached: meant for one pass over many photos.
    /// </summary>
    public PoseSample Crop(string path, BoundingBox? box)
    {
        var crop = Options.Crop.CropFor(ImageLoader.ReadSize(path), box);
        return Build(ImageLoader.LoadScaled(path, Fit(crop)), [], crop, new Random(0), augment: false);
    }

    /// <summary>Sample pixels per source pixel when <paramref name="crop"/> is letterboxed into the sample (before any zoom).</summary>
    public double Fit(BoundingBox crop) => Math.Min(Width / crop.Width, Height / crop.Height);

    /// <summary>The full-resolution size of the photo behind a decode: source coordinates start at (0, 0) by definition.</summary>
    public static (double Width, double Height) PhotoSize(ScaledImage image)
    {
        var toSource = image.FromSource.Inverse();
        var (ax, ay) = toSource.Apply(0, 0);
        var (bx, by) = toSource.Apply(image.Image.Width, image.Image.Height);
        return (Math.Abs(bx - ax), Math.Abs(by - ay));
    }

    /// <summary>Whether this training sample shows the whole photo (<see cref="AugmentationOptions.WholePhotoProbability"/>); never drawn when 0, so older seeds give the same samples.</summary>
    private bool WholePhoto(Random random, bool augment) => augment && PixelAugment.Happens(random, Options.WholePhotoProbability);

    private PoseSample Build(ScaledImage image, IReadOnlyList<Keypoint> keypoints, BoundingBox crop, Random random, bool augment)
    {
        var (toSample, swap) = Geometry(crop, random, augment);
        var toSource = toSample.Inverse();
        var chw = AffineWarp.Warp(image.Image, toSource.Then(image.FromSource), Width, Height);
        if (augment) PixelAugment.Apply(chw, Width, Height, Options, random);
        return new PoseSample(chw, Width, Height, MoveKeypoints(keypoints, toSample, swap), toSource);
    }

    /// <summary>The map from source photo coordinates to sample coordinates, and whether left/right labels swap.</summary>
    private (AffineTransform ToSample, bool Swap) Geometry(BoundingBox crop, Random random, bool augment)
    {
        double cx = crop.X + crop.Width / 2, cy = crop.Y + crop.Height / 2;
        var fit = Fit(crop);
        double angle = 0, zoom = 1, shear = 0, tx = 0, ty = 0;
        bool flipX = false, flipY = false;
        if (augment)
        {
            var o = Options;
            if (PixelAugment.Happens(random, o.RotationProbability)) angle = PixelAugment.Uniform(random, -o.MaxRotationDegrees, o.MaxRotationDegrees) * Math.PI / 180;
            if (PixelAugment.Happens(random, o.ScaleProbability)) zoom = Math.Exp(PixelAugment.Uniform(random, Math.Log(o.MinScale), Math.Log(o.MaxScale)));
            if (PixelAugment.Happens(random, o.TranslateProbability))
            {
                tx = PixelAugment.Uniform(random, -o.MaxTranslate, o.MaxTranslate) * Width;
                ty = PixelAugment.Uniform(random, -o.MaxTranslate, o.MaxTranslate) * Height;
            }
            if (PixelAugment.Happens(random, o.ShearProbability)) shear = Math.Tan(PixelAugment.Uniform(random, -o.MaxShearDegrees, o.MaxShearDegrees) * Math.PI / 180);
            flipX = PixelAugment.Happens(random, o.HorizontalFlipProbability);
            flipY = PixelAugment.Happens(random, o.VerticalFlipProbability);
        }
        double cos = Math.Cos(angle), sin = Math.Sin(angle), s = fit * zoom;
        var map = new AffineTransform(1, 0, -cx, 0, 1, -cy)
            .Then(new AffineTransform(flipX ? -1 : 1, 0, 0, 0, flipY ? -1 : 1, 0))
            .Then(new AffineTransform(s, s * shear, 0, 0, s, 0))
            .Then(new AffineTransform(cos, -sin, 0, sin, cos, 0))
            .Then(new AffineTransform(1, 0, Width / 2.0 + tx, 0, 1, Height / 2.0 + ty));
        // Both flips together are a 180° turn: left stays left.
        return (map, flipX ^ flipY);
    }

    private Keypoint[] MoveKeypoints(IReadOnlyList<Keypoint> keypoints, AffineTransform toSample, bool swap)
    {
        var moved = new Keypoint[keypoints.Count];
        for (var i = 0; i < keypoints.Count; i++)
        {
            var k = keypoints[i];
            var target = swap ? _flipIndex[i] : i;
            if (!k.IsLabeled) { moved[target] = Keypoint.Missing; continue; }
            var (x, y) = toSample.Apply(k.X, k.Y);
            var inside = x >= 0 && y >= 0 && x < Width && y < Height;
            moved[target] = new Keypoint(x, y, inside ? k.Visibility : Visibility.NotLabeled);
        }
        return moved;
    }

    /// <summary>
    /// Flipping a skeleton whose "left…"/"right…" keypoints have no swap pair would silently put left labels on the
    /// right (the most reported flip bug in pose tools): refuse, and say how to fix it.
    /// </summary>
    private static void CheckFlipsCanSwap(Skeleton skeleton, AugmentationOptions options)
    {
        if (options.HorizontalFlipProbability == 0 && options.VerticalFlipProbability == 0) return;
        var paired = skeleton.SwapPairs.SelectMany(p => new[] { p.Left, p.Right }).ToHashSet();
        var unpaired = skeleton.Keypoints.Where((name, i) => !paired.Contains(i) &&
            (name.Contains("left", StringComparison.OrdinalIgnoreCase) || name.Contains("right", StringComparison.OrdinalIgnoreCase))).ToArray();
        if (unpaired.Length > 0)
            throw new ArgumentException($"Flips are enabled but keypoint(s) {string.Join(", ", unpaired.Select(n => $"'{n}'"))} have no left/right swap pair, " +
                "so a flip would mislabel them. Add the pairs (Skeleton.WithSwapPairs) or set HorizontalFlipProbability and VerticalFlipProbability to 0.", nameof(skeleton));
    }

    private void CheckCount(PoseInstance instance)
    {
        if (instance.Keypoints.Count != Skeleton.Count)
            throw new ArgumentException($"The instance has {instance.Keypoints.Count} keypoints but the skeleton has {Skeleton.Count}.", nameof(instance));
    }
}
