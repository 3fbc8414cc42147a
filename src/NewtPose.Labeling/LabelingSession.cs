using System.Text.Json;
using NewtPose.Data;
using NewtPose.Data.Formats.Coco;
using NewtPose.Imaging;

namespace NewtPose.Labeling;

/// <summary>
/// The photos being corrected and the file they are saved to. Every accepted change is written at once, atomically, to
/// <see cref="OutputPath"/> (COCO: every photo of the labels, the state of each in the image attribute
/// <see cref="LabelAttributes.State"/>, the changed points named in <see cref="LabelAttributes.CorrectedKeypoints"/>);
/// the label file itself is never written. Opening an existing output file resumes from it. Safe to call from several
/// request threads.
/// </summary>
public sealed class LabelingSession
{
    private readonly object _gate = new();
    private readonly LabeledImage[] _images;
    private readonly string[] _outputPaths;

    private LabelingSession(PoseDataset labels, LabeledImage[] images, string outputPath, string[] outputPaths,
        double lowScore, bool resumed, IReadOnlyList<string> notes)
    {
        Labels = labels;
        _images = images;
        OutputPath = outputPath;
        _outputPaths = outputPaths;
        LowScore = lowScore;
        Resumed = resumed;
        Notes = notes;
    }

    /// <summary>The labels as read, then the photos the suggestions added (image files and the skeleton come from here).</summary>
    public PoseDataset Labels { get; }
    public string OutputPath { get; }
    public double LowScore { get; }
    /// <summary>True when <see cref="OutputPath"/> existed and the session continues from it.</summary>
    public bool Resumed { get; }
    /// <summary>What the caller should tell the user: reader warnings, what the suggestions changed, what was resumed.</summary>
    public IReadOnlyList<string> Notes { get; }
    public int Count => _images.Length;

    /// <summary>The default output: <c>&lt;labels&gt;.corrected.json</c> beside the label file (or beside the label folder).</summary>
    public static string DefaultOutputPath(string dataPath)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataPath));
        return Directory.Exists(full) ? full + ".corrected.json"
            : Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full) + ".corrected.json");
    }

    /// <summary>Reads the labels (and suggestions), resumes from the output file when it was named and exists, and checks
    /// that the output can be written without touching the user's files. Throws with the reason otherwise.</summary>
    public static LabelingSession Open(LabelingOptions options)
    {
        options.Validate();
        var labels = PoseData.Load(options.DataPath);
        labels = labels with { Images = labels.Images.Select(i => WithSize(labels, i)).ToArray() };
        var output = ChooseOutput(options);
        var notes = labels.Warnings.Select(w => $"warning: {w}").ToList();
        LabeledImage[] images;
        var resumed = File.Exists(output);
        if (resumed)
        {
            (labels, images) = Resume(labels, output);
            if (options.SuggestionsPath is not null)
                notes.Add($"--suggestions ignored: resuming from {output}, which already holds the points to correct.");
            notes.Add($"resumed from {output}: " + string.Join(", ", Enum.GetValues<PhotoState>().Select(s => $"{images.Count(i => StateOf(i) == s)} {LabelAttributes.Name(s)}")));
        }
        else if (options.SuggestionsPath is not null)
        {
            var applied = Suggestions.Apply(labels, labels.Images, options.SuggestionsPath, options.ReplaceLabels);
            (labels, images) = (applied.Labels, applied.Images);
            notes.AddRange(applied.Notes);
        }
        else images = labels.Images.ToArray();
        var outputPaths = OutputImagePaths(labels, options.DataPath, output);
        return new LabelingSession(labels, images, output, outputPaths, options.LowScore, resumed, notes);
    }

    public LabeledImage Image(int id)
    {
        lock (_gate) return _images[CheckId(id)];
    }

    public static PhotoState StateOf(LabeledImage image) =>
        LabelAttributes.Parse(image.Attributes.GetValueOrDefault(LabelAttributes.State)) ?? PhotoState.ToDo;

    /// <summary>The image file of photo <paramref name="id"/> (ids are indices into the labels, never paths).</summary>
    public string ImageFile(int id) => Labels.FullPath(Labels.Images[CheckId(id)]);

    /// <summary>
    /// Replaces photo <paramref name="id"/>'s points and state and saves the whole file. Each instance's box grows to
    /// hold its points; the other annotation fields are kept. Throws <see cref="ArgumentException"/> for a change the
    /// photo cannot take (wrong counts, a visibility outside 0..2, a point outside the photo).
    /// </summary>
    public LabeledImage Update(int id, PhotoState state, IReadOnlyList<(IReadOnlyList<Keypoint> Points, IReadOnlyList<bool> Corrected)> instances)
    {
        lock (_gate)
        {
            var image = _images[CheckId(id)];
            var existing = image.Instances;
            // A photo without an animal is shown with one empty instance; it is kept only once a point is placed.
            if (existing.Count == 0 && instances.Count == 1 && instances[0].Points.All(p => !p.IsLabeled)) instances = [];
            if (instances.Count != existing.Count && !(existing.Count == 0 && instances.Count == 1))
                throw new ArgumentException($"photo {id} has {existing.Count} animals; the change has {instances.Count}.");
            var updated = new List<PoseInstance>();
            for (var n = 0; n < instances.Count; n++)
            {
                var (points, corrected) = instances[n];
                CheckPoints(image, points, corrected);
                var old = n < existing.Count ? existing[n] : new PoseInstance(points.Select(_ => Keypoint.Missing).ToArray());
                var attributes = new Dictionary<string, string>(old.Attributes);
                var names = Labels.Skeleton.Keypoints.Where((_, k) => corrected[k]).ToArray();
                if (names.Length > 0) attributes[LabelAttributes.CorrectedKeypoints] = JsonSerializer.Serialize(names);
                else attributes.Remove(LabelAttributes.CorrectedKeypoints);
                updated.Add(new PoseInstance(points, Grow(old.Box, points), old.Individual, attributes));
            }
            var imageAttributes = new Dictionary<string, string>(image.Attributes) { [LabelAttributes.State] = LabelAttributes.Name(state) };
            _images[id] = image with { Instances = updated, Attributes = imageAttributes };
            Save();
            return _images[id];
        }
    }

    /// <summary>The names of the keypoints an instance's attribute lists (corrected or suggested).</summary>
    public static IReadOnlySet<string> Named(PoseInstance instance, string attribute)
    {
        if (!instance.Attributes.TryGetValue(attribute, out var text)) return new HashSet<string>();
        try { return JsonSerializer.Deserialize<string[]>(text)?.ToHashSet() ?? []; }
        catch (JsonException) { return new HashSet<string>(); }
    }

    /// <summary>The instance's per-keypoint scores from the suggestions, or null.</summary>
    public static double[]? Scores(PoseInstance instance) =>
        instance.Attributes.TryGetValue(LabelAttributes.KeypointScores, out var text) ? LabelAttributes.ParseScores(text, instance.Keypoints.Count) : null;

    private void Save()
    {
        // Every photo carries its state, "todo" included, so that a reader never has to guess what a missing one means.
        var images = _images.Select((image, i) => image with
        {
            Path = _outputPaths[i],
            Attributes = new Dictionary<string, string>(image.Attributes) { [LabelAttributes.State] = LabelAttributes.Name(StateOf(image)) },
        }).ToArray();
        CocoFormat.Write(new PoseDataset(Labels.Skeleton, images, Path.GetDirectoryName(OutputPath)!), OutputPath);
    }

    private void CheckPoints(LabeledImage image, IReadOnlyList<Keypoint> points, IReadOnlyList<bool> corrected)
    {
        var k = Labels.Skeleton.Count;
        if (points.Count != k || corrected.Count != k) throw new ArgumentException($"expected {k} points per animal, got {points.Count}.");
        for (var i = 0; i < k; i++)
        {
            var p = points[i];
            if (!Enum.IsDefined(p.Visibility)) throw new ArgumentException($"point {i}: visibility {(int)p.Visibility} is not 0, 1 or 2.");
            if (!p.IsLabeled) continue;
            if (!double.IsFinite(p.X) || !double.IsFinite(p.Y) || p.X < 0 || p.Y < 0 || (image.Width > 0 && p.X > image.Width) || (image.Height > 0 && p.Y > image.Height))
                throw new ArgumentException($"point {i} '{Labels.Skeleton.Keypoints[i]}' at ({p.X}, {p.Y}) is outside the {image.Width}x{image.Height} photo.");
        }
    }

    private static BoundingBox? Grow(BoundingBox? box, IReadOnlyList<Keypoint> points)
    {
        if (box is not { } b || BoundingBox.AroundLabeled(points) is not { } p) return box;
        double x = Math.Min(b.X, p.X), y = Math.Min(b.Y, p.Y);
        return new BoundingBox(x, y, Math.Max(b.Right, p.Right) - x, Math.Max(b.Bottom, p.Bottom) - y);
    }

    private int CheckId(int id) =>
        id >= 0 && id < _images.Length ? id : throw new KeyNotFoundException($"there is no photo {id} (0..{_images.Length - 1}).");

    private static LabeledImage WithSize(PoseDataset labels, LabeledImage image)
    {
        if (image.Width > 0 && image.Height > 0 || !File.Exists(labels.FullPath(image))) return image;
        try
        {
            var (w, h) = ImageLoader.ReadSize(labels.FullPath(image));
            return image with { Width = w, Height = h };
        }
        catch (InvalidDataException) { return image; }
    }

    private static string ChooseOutput(LabelingOptions options)
    {
        var data = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.DataPath));
        var output = Path.GetFullPath(options.OutputPath ?? DefaultOutputPath(options.DataPath));
        if (string.Equals(output, data, StringComparison.Ordinal))
            throw new ArgumentException($"--out {output} is the label file itself; the original labels are never written. Choose another --out.");
        if (options.SuggestionsPath is not null && string.Equals(output, Path.GetFullPath(options.SuggestionsPath), StringComparison.Ordinal))
            throw new ArgumentException($"--out {output} is the suggestions file; choose another --out.");
        if (options.OutputPath is null && File.Exists(output))
            throw new ArgumentException($"{output} already exists (an earlier session?). Pass --out {output} to resume it, or --out NEW.json to start afresh.");
        return output;
    }

    /// <summary>
    /// The file_name each photo gets in the output: relative to the output's folder. A COCO file_name cannot go up with
    /// '..', so when the photos are not below that folder the labels' own names are kept, which is right only beside a
    /// COCO label file (its reader finds the photos the same way); anywhere else the output is refused.
    /// </summary>
    private static string[] OutputImagePaths(PoseDataset labels, string dataPath, string output)
    {
        var folder = Path.GetDirectoryName(output)!;
        var relative = labels.Images.Select(i => Path.GetRelativePath(folder, labels.FullPath(i)).Replace('\\', '/')).ToArray();
        if (relative.All(r => !Path.IsPathRooted(r) && r != ".." && !r.StartsWith("../", StringComparison.Ordinal))) return relative;
        var dataFolder = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataPath)));
        if (File.Exists(dataPath) && PoseData.Detect(dataPath) == LabelFormat.Coco && string.Equals(dataFolder, folder, StringComparison.Ordinal))
            return labels.Images.Select(i => i.Path).ToArray();
        throw new ArgumentException($"--out {output}: the photos ({labels.Root}) are not below its folder, and a COCO file cannot name them with '..'. " +
                                    $"Put --out in {labels.Root} or a folder above it.");
    }

    /// <summary>
    /// The saved photos: the labels' own, in their order, then the photos an earlier session added from its suggestions
    /// (marked <see cref="LabelAttributes.AddedFrom"/>), which join the labels again.
    /// </summary>
    private static (PoseDataset Labels, LabeledImage[] Images) Resume(PoseDataset labels, string output)
    {
        var saved = PoseData.Load(output, LabelFormat.Coco);
        if (!saved.Skeleton.Keypoints.SequenceEqual(labels.Skeleton.Keypoints))
            throw new ArgumentException($"{output} has other keypoints than the labels ({string.Join(", ", saved.Skeleton.Keypoints)}); it was not written for them. Choose another --out.");
        var own = labels.Images.Count;
        var addedCount = saved.Images.Skip(own).Count(i => i.Attributes.ContainsKey(LabelAttributes.AddedFrom));
        if (saved.Images.Count != own + addedCount)
            throw new ArgumentException($"{output} holds {saved.Images.Count} photos, the labels {own}" +
                                        (addedCount > 0 ? $" and {addedCount} added from suggestions" : "") + "; it was not written for them. Choose another --out.");
        var known = labels.Images.Select(labels.FullPath).ToHashSet(StringComparer.Ordinal);
        var images = new LabeledImage[saved.Images.Count];
        var labelImages = labels.Images.ToList();
        for (var i = 0; i < images.Length; i++)
        {
            var found = saved.FullPath(saved.Images[i]);
            if (i < own)
            {
                var expected = labels.FullPath(labels.Images[i]);
                if (!string.Equals(expected, found, StringComparison.Ordinal))
                    throw new ArgumentException($"{output}: photo {i + 1} is {found}, the labels' is {expected}; it was not written for these labels. Choose another --out.");
            }
            else
            {
                var relative = Path.GetRelativePath(labels.Root, found).Replace('\\', '/');
                if (!known.Add(found) || Path.IsPathRooted(relative) || relative == ".." || relative.StartsWith("../", StringComparison.Ordinal))
                    throw new ArgumentException($"{output}: photo {i + 1} ({found}), added from suggestions, is already a photo of the labels or lies outside their folder {labels.Root}; it was not written for these labels. Choose another --out.");
                labelImages.Add(new LabeledImage(relative, saved.Images[i].Width, saved.Images[i].Height, []));
            }
            if (LabelAttributes.Parse(saved.Images[i].Attributes.GetValueOrDefault(LabelAttributes.State)) is null)
                throw new ArgumentException($"{output}: photo {i + 1} has {LabelAttributes.State} '{saved.Images[i].Attributes[LabelAttributes.State]}', expected todo, corrected or skipped.");
            images[i] = labelImages[i] with { Instances = saved.Images[i].Instances, Attributes = saved.Images[i].Attributes };
        }
        return (labels with { Images = labelImages }, images);
    }
}
