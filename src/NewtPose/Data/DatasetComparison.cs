namespace NewtPose.Data;

/// <summary>
/// How two datasets with the same skeleton differ point by point: the check after a conversion round trip (read the
/// written file back, compare with the source). Images are matched by file name when those are unique in both
/// datasets (conversions move images into a format's own folders), otherwise by relative path; instances by their
/// order within the image, counting only instances with at least one labelled point (an empty instance carries no
/// label, and some formats cannot hold one); keypoints by index.
/// </summary>
/// <param name="Label">What was compared (e.g. "COCO → DLC → read back"), for tables of several comparisons.</param>
/// <param name="ImagesCompared">Images present in both.</param>
/// <param name="ImagesOnlyInFirst">Images of the first dataset the second lacks.</param>
/// <param name="ImagesOnlyInSecond">Images of the second dataset the first lacks.</param>
/// <param name="InstanceCountMismatches">Matched images with a different number of labelled instances (the unmatched
/// instances' points count in <paramref name="LabelsLost"/> or <paramref name="LabelsAdded"/>).</param>
/// <param name="PointsCompared">Keypoints labelled in both (the deviation is measured over these).</param>
/// <param name="MaxDeviation">Largest distance, in pixels, between a point's two positions (0 when none compared).</param>
/// <param name="MeanDeviation">Mean of those distances.</param>
/// <param name="LabelsLost">Points labelled in the first and not in the second (missing images and instances included).</param>
/// <param name="LabelsAdded">Points labelled in the second and not in the first (extra images and instances included).</param>
/// <param name="VisibilityMismatches">Points labelled in both whose visibility differs (e.g. occluded → visible in DLC).</param>
/// <param name="KeypointNamesMatch">Whether both skeletons name their keypoints alike.</param>
/// <param name="Examples">The first few differences, each naming the image, instance and keypoint.</param>
public sealed record DatasetComparison(string Label, int ImagesCompared, int ImagesOnlyInFirst, int ImagesOnlyInSecond,
    int InstanceCountMismatches, int PointsCompared, double MaxDeviation, double MeanDeviation, int LabelsLost,
    int LabelsAdded, int VisibilityMismatches, bool KeypointNamesMatch, IReadOnlyList<string> Examples)
{
    private const int MaxExamples = 10;

    /// <summary>Same images, instances and labels, positions within <paramref name="tolerance"/> pixels, same visibility.</summary>
    public bool IsSame(double tolerance = 1e-6) =>
        ImagesOnlyInFirst == 0 && ImagesOnlyInSecond == 0 && InstanceCountMismatches == 0 && LabelsLost == 0
        && LabelsAdded == 0 && VisibilityMismatches == 0 && KeypointNamesMatch && MaxDeviation <= tolerance;

    /// <summary>
    /// Compares <paramref name="first"/> (e.g. the source) with <paramref name="second"/> (e.g. its conversion read
    /// back). Different keypoint counts cannot be compared and throw <see cref="ArgumentException"/>.
    /// </summary>
    public static DatasetComparison Compare(PoseDataset first, PoseDataset second, string label = "")
    {
        var k = first.Skeleton.Count;
        if (second.Skeleton.Count != k)
            throw new ArgumentException($"Cannot compare datasets with {k} and {second.Skeleton.Count} keypoints.");
        var byName = UniqueNames(first) && UniqueNames(second);
        string Key(LabeledImage image) => byName ? Path.GetFileName(image.Path) : image.Path.Replace('\\', '/');
        var seconds = second.Images.GroupBy(Key).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var firstKeys = first.Images.Select(Key).ToHashSet(StringComparer.Ordinal);
        var examples = new List<string>();
        void Example(string text) { if (examples.Count < MaxExamples) examples.Add(text); }

        int compared = 0, onlyFirst = 0, instanceMismatches = 0, points = 0, lost = 0, added = 0, visibility = 0;
        double max = 0, sum = 0;
        foreach (var a in first.Images)
        {
            if (!seconds.TryGetValue(Key(a), out var b)) 
            {
                onlyFirst++;
                lost += a.Instances.Sum(i => i.LabeledCount);
                Example($"{a.Path}: not in the second dataset.");
                continue;
            }
            compared++;
            var (ia, ib) = (Labelled(a), Labelled(b));
            if (ia.Length != ib.Length)
            {
                instanceMismatches++;
                Example($"{a.Path}: {ia.Length} labelled instances, {ib.Length} in the second dataset.");
                // The unmatched instances' points count as lost or added labels below.
                foreach (var extra in ia.Skip(ib.Length)) lost += extra.LabeledCount;
                foreach (var extra in ib.Skip(ia.Length)) added += extra.LabeledCount;
            }
            for (var n = 0; n < Math.Min(ia.Length, ib.Length); n++)
                for (var i = 0; i < k; i++)
                {
                    var (p, q) = (ia[n].Keypoints[i], ib[n].Keypoints[i]);
                    var where = $"{a.Path} #{n + 1} {first.Skeleton.Keypoints[i]}";
                    if (p.IsLabeled != q.IsLabeled)
                    {
                        if (p.IsLabeled) lost++; else added++;
                        Example($"{where}: {(p.IsLabeled ? "labelled only in the first" : "labelled only in the second")}.");
                        continue;
                    }
                    if (!p.IsLabeled) continue;
                    points++;
                    var d = Math.Sqrt((p.X - q.X) * (p.X - q.X) + (p.Y - q.Y) * (p.Y - q.Y));
                    sum += d;
                    if (d > max) max = d;
                    if (p.Visibility != q.Visibility)
                    {
                        visibility++;
                        Example($"{where}: {p.Visibility} became {q.Visibility}.");
                    }
                }
        }
        var extraImages = second.Images.Where(b => !firstKeys.Contains(Key(b))).ToArray();
        var onlySecond = extraImages.Length;
        added += extraImages.Sum(b => b.Instances.Sum(i => i.LabeledCount));
        if (onlySecond > 0) Example($"{onlySecond} images of the second dataset are not in the first.");
        var namesMatch = first.Skeleton.Keypoints.SequenceEqual(second.Skeleton.Keypoints, StringComparer.Ordinal);
        return new DatasetComparison(label, compared, onlyFirst, onlySecond, instanceMismatches, points, max,
            points == 0 ? 0 : sum / points, lost, added, visibility, namesMatch, examples);
    }

    private static PoseInstance[] Labelled(LabeledImage image) => image.Instances.Where(i => i.LabeledCount > 0).ToArray();

    private static bool UniqueNames(PoseDataset dataset) =>
        dataset.Images.Select(i => Path.GetFileName(i.Path)).Distinct(StringComparer.Ordinal).Count() == dataset.Images.Count;
}
