using System.Globalization;
using NewtPose.Data;
using NewtPose.Imaging;

namespace NewtPose.ActiveLearning;

/// <summary>
/// Folds corrected labels (the file <c>newtpose label</c> saves, or any COCO file with the same skeleton) into a new
/// dataset, the last step of a refinement round. Every label of the original is kept as it is; the corrections only add:
/// photos the original does not have, or photos it has without a labelled point. A photo the original labels is taken
/// only if the corrections label it identically (then nothing is added); a different label there is a conflict, refused.
/// When the corrections carry <c>label_state</c> on their images, only photos marked <c>corrected</c> are taken; without
/// it, annotations still marked as <c>newtpose suggest</c>'s predictions are not taken.
/// Photos are matched by their full path on disk.
/// </summary>
public static class LabelMerge
{
    /// <summary>Instance attribute: the refinement round a label came from (0: the labels the loop started with).</summary>
    public const string RoundAttribute = "label_round";

    /// <summary>The image attribute <c>newtpose label</c> writes (todo, corrected, skipped).</summary>
    public const string StateAttribute = "label_state";

    /// <summary>The <see cref="StateAttribute"/> value of a reviewed photo.</summary>
    public const string Corrected = "corrected";

    /// <summary>
    /// Reads both files, merges them and writes the result to <paramref name="outputPath"/> as COCO, atomically. The label
    /// file is never written: <paramref name="outputPath"/> may be neither input, and an existing output is replaced only
    /// with <paramref name="overwrite"/>.
    /// </summary>
    public static (MergeResult Result, ConversionReport Written) MergeFiles(string labelsPath, string correctionsPath, string outputPath, MergeOptions? options = null, bool overwrite = false)
    {
        var output = Path.GetFullPath(outputPath);
        foreach (var (input, name) in new[] { (labelsPath, "labels"), (correctionsPath, "corrections") })
            if (string.Equals(Path.GetFullPath(input), output, StringComparison.Ordinal))
                throw new ArgumentException($"The output {output} is the {name} file; the merge writes a new file and never an input.");
        if (File.Exists(output) && !overwrite) throw new IOException($"{output} already exists; choose another output or allow overwriting (--force).");
        var result = Merge(PoseData.Load(labelsPath), PoseData.Load(correctionsPath, LabelFormat.Coco), correctionsPath, options);
        return (result, PoseData.Save(result.Merged, output, LabelFormat.Coco, overwrite));
    }

    /// <summary>The merged dataset; throws <see cref="DatasetFormatException"/> naming <paramref name="correctionsFile"/>,
    /// the image and the keypoint for every malformed or conflicting correction (all of them, not just the first).</summary>
    public static MergeResult Merge(PoseDataset original, PoseDataset corrections, string correctionsFile, MergeOptions? options = null)
    {
        options = (options ?? new MergeOptions()).Validate();
        CheckSkeleton(original.Skeleton, corrections.Skeleton, correctionsFile);
        var round = options.Round ?? NextRound(original);
        var images = original.Images.Select(i => i with { Instances = i.Instances.Select(WithRound0).ToArray() }).ToList();
        var byPath = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < original.Images.Count; i++) byPath.TryAdd(original.FullPath(original.Images[i]), i);

        var hasStates = corrections.Images.Any(i => i.Attributes.ContainsKey(StateAttribute));
        var problems = new List<string>();
        var notTaken = new List<NotTaken>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int photos = 0, animals = 0, points = 0;
        foreach (var corrected in corrections.Images)
        {
            var fullPath = corrections.FullPath(corrected);
            if (!seen.Add(fullPath)) { problems.Add($"image {corrected.Path}: appears twice in the corrections."); continue; }
            if (hasStates && (corrected.Attributes.GetValueOrDefault(StateAttribute) ?? "todo") is var state && state != Corrected)
            {
                notTaken.Add(new NotTaken(corrected.Path, $"marked {state}, not corrected"));
                continue;
            }
            if (!corrected.IsLabeled) { notTaken.Add(new NotTaken(corrected.Path, "no labelled point")); continue; }
            // Without review states, an annotation still marked as `newtpose suggest`'s prediction was never looked at.
            if (!hasStates && corrected.Instances.Any(n => n.Attributes.GetValueOrDefault("source") == SuggestionFiles.Source))
            {
                notTaken.Add(new NotTaken(corrected.Path, $"model predictions (source {SuggestionFiles.Source}) never reviewed: correct them with newtpose label first"));
                continue;
            }
            var instances = corrected.Instances.Where(n => n.LabeledCount > 0).ToArray();
            var found = byPath.TryGetValue(fullPath, out var target);
            var before = problems.Count;
            var (width, height) = Size(corrected, found ? images[target] : null, fullPath, problems);
            if (width > 0) CheckInside(corrected.Path, instances, corrections.Skeleton, width, height, problems);
            if (found && images[target].IsLabeled)
            {
                if (Difference(images[target], instances, original.Skeleton, options.SamePointTolerance) is { } conflict)
                    problems.Add($"image {corrected.Path}: {conflict}; merge only adds labels, so correct this photo in the labels themselves or leave it out of the corrections.");
                else
                    notTaken.Add(new NotTaken(corrected.Path, "already labelled identically in the labels"));
                continue;
            }
            if (problems.Count > before) continue;
            var added = instances.Select(n => n with { Attributes = new Dictionary<string, string>(n.Attributes) { [RoundAttribute] = Text(round) } }).ToArray();
            if (found)
                images[target] = images[target] with { Width = width, Height = height, Instances = added };
            else if (RelativeTo(original.Root, fullPath) is { } relative)
                images.Add(corrected with { Path = relative, Width = width, Height = height, Instances = added });
            else
            {
                problems.Add($"image {corrected.Path}: the photo {fullPath} lies outside the labels' folder {original.Root}, so the merged file could not name it; move it under that folder.");
                continue;
            }
            photos++;
            animals += added.Length;
            points += added.Sum(n => n.LabeledCount);
        }
        if (problems.Count > 0)
            throw new DatasetFormatException(correctionsFile, null, $"{problems.Count} problem(s), nothing merged:\n  " + string.Join("\n  ", problems.Take(50))
                + (problems.Count > 50 ? $"\n  … and {problems.Count - 50} more" : ""));
        return new MergeResult(original with { Images = images, Warnings = [] }, round, photos, animals, points, notTaken);
    }

    private static void CheckSkeleton(Skeleton labels, Skeleton corrections, string file)
    {
        if (labels.Keypoints.SequenceEqual(corrections.Keypoints)) return;
        var first = Enumerable.Range(0, Math.Max(labels.Count, corrections.Count))
            .First(k => k >= labels.Count || k >= corrections.Count || labels.Keypoints[k] != corrections.Keypoints[k]);
        string At(Skeleton s) => first < s.Count ? $"'{s.Keypoints[first]}'" : "missing";
        throw new DatasetFormatException(file, "categories", $"another skeleton: keypoint {first + 1} is {At(corrections)} in the corrections but {At(labels)} in the labels " +
            $"({corrections.Count} vs {labels.Count} keypoints); corrections must have the labels' keypoints in the same order.");
    }

    /// <summary>The round after the highest one the labels record (labels without one count as round 0).</summary>
    private static int NextRound(PoseDataset original) =>
        original.Instances.Select(i => i.Attributes.TryGetValue(RoundAttribute, out var r) && int.TryParse(r, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .DefaultIfEmpty(0).Max() + 1;

    private static PoseInstance WithRound0(PoseInstance instance) =>
        instance.LabeledCount == 0 || instance.Attributes.ContainsKey(RoundAttribute) ? instance
            : instance with { Attributes = new Dictionary<string, string>(instance.Attributes) { [RoundAttribute] = "0" } };

    /// <summary>The photo's upright size: from the corrections, else the labels, else the file; checked to agree.</summary>
    private static (int Width, int Height) Size(LabeledImage corrected, LabeledImage? labelled, string fullPath, List<string> problems)
    {
        if (labelled is { Width: > 0 } l && corrected.Width > 0 && (l.Width, l.Height) != (corrected.Width, corrected.Height))
        {
            problems.Add($"image {corrected.Path}: {corrected.Width}x{corrected.Height} in the corrections but {l.Width}x{l.Height} in the labels.");
            return (0, 0);
        }
        if (corrected.Width > 0) return (corrected.Width, corrected.Height);
        if (labelled is { Width: > 0 }) return (labelled.Width, labelled.Height);
        try { return ImageLoader.ReadSize(fullPath); }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            problems.Add($"image {corrected.Path}: no width/height in the file and the photo {fullPath} cannot be read ({e.Message}), so its points cannot be checked.");
            return (0, 0);
        }
    }

    /// <summary>Whether a point lies on the photo, [0, width] × [0, height] in continuous pixels: the rule a merged label must meet.</summary>
    internal static bool LiesOnPhoto(double x, double y, int width, int height) => x >= 0 && y >= 0 && x <= width && y <= height;

    /// <summary>Points must lie on the photo (<see cref="LiesOnPhoto"/>).</summary>
    private static void CheckInside(string image, IReadOnlyList<PoseInstance> instances, Skeleton skeleton, int width, int height, List<string> problems)
    {
        for (var n = 0; n < instances.Count; n++)
            for (var k = 0; k < skeleton.Count; k++)
            {
                var p = instances[n].Keypoints[k];
                if (p.IsLabeled && !LiesOnPhoto(p.X, p.Y, width, height))
                    problems.Add($"image {image}, animal {n + 1}, keypoint {skeleton.Keypoints[k]}: ({Text(p.X)}, {Text(p.Y)}) lies outside the {width}x{height} photo.");
            }
    }

    /// <summary>The first way the corrections' labels differ from the labels' (null when they are the same).</summary>
    private static string? Difference(LabeledImage labelled, IReadOnlyList<PoseInstance> corrected, Skeleton skeleton, double tolerance)
    {
        var existing = labelled.Instances.Where(n => n.LabeledCount > 0).ToArray();
        if (existing.Length != corrected.Count) return $"{existing.Length} labelled animal(s) in the labels, {corrected.Count} in the corrections";
        for (var n = 0; n < existing.Length; n++)
            for (var k = 0; k < skeleton.Count; k++)
            {
                var (a, b) = (existing[n].Keypoints[k], corrected[n].Keypoints[k]);
                var where = $"animal {n + 1}, keypoint {skeleton.Keypoints[k]}";
                if (a.Visibility != b.Visibility) return $"{where}: visibility {(int)a.Visibility} in the labels, {(int)b.Visibility} in the corrections";
                if (!a.IsLabeled) continue;
                var distance = Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));
                if (distance > tolerance)
                    return $"{where}: ({Text(a.X)}, {Text(a.Y)}) in the labels, ({Text(b.X)}, {Text(b.Y)}) in the corrections, {distance.ToString("0.###", CultureInfo.InvariantCulture)} px apart";
            }
        return null;
    }

    private static string? RelativeTo(string root, string fullPath)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(root), fullPath).Replace('\\', '/');
        return relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? null : relative;
    }

    private static string Text(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
    private static string Text(int v) => v.ToString(CultureInfo.InvariantCulture);
}
