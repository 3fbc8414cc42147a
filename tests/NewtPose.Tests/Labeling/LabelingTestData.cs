using System.Globalization;
using NewtPose.Data;
using NewtPose.Data.Formats.Coco;
using NewtPose.Tests.Data;

namespace NewtPose.Tests.Labeling;

/// <summary>Label sets for the labelling tests, written into a <see cref="TempFolder"/> so nothing of the repository is ever written.</summary>
internal static class LabelingTestData
{
    public static string TinyFixture => Path.Combine(AppContext.BaseDirectory, "Fixtures", "newts-tiny");

    /// <summary>The tiny newts (8 photos of 320×240) copied into <paramref name="folder"/>; returns the label file.</summary>
    public static string TinyNewts(TempFolder folder, string name = "newts")
    {
        CopyFolder(TinyFixture, Path.Combine(folder.Path, name));
        return Path.Combine(folder.Path, name, "annotations.json");
    }

    /// <summary>The first <paramref name="count"/> bundled 1600×1200 synthetic newts (data-samples/newts) copied into <paramref name="folder"/>.</summary>
    public static string BundledNewts(TempFolder folder, int count)
    {
        var source = PoseData.Load(Path.Combine(RepositoryRoot(), "data-samples", "newts", "annotations.json"));
        var images = source.Images.Take(count).ToArray();
        foreach (var image in images) Copy(source.FullPath(image), Path.Combine(folder.Path, "newts", image.Path));
        var labels = Path.Combine(folder.Path, "newts", "annotations.json");
        CocoFormat.Write(source with { Images = images }, labels);
        return labels;
    }

    /// <summary>Writes a copy of the labels with points <paramref name="unlabel"/> of photo 0 set to v = 0 and photo
    /// <paramref name="emptyPhoto"/> without its animal; returns its path (beside the labels, same photos).</summary>
    public static string WithGaps(string labels, int[] unlabel, int emptyPhoto)
    {
        var d = PoseData.Load(labels);
        var images = d.Images.ToArray();
        var first = images[0].Instances[0];
        var points = first.Keypoints.Select((k, i) => unlabel.Contains(i) ? Keypoint.Missing : k).ToArray();
        images[0] = images[0] with { Instances = [new PoseInstance(points, first.Box, first.Individual, first.Attributes)] };
        images[emptyPhoto] = images[emptyPhoto] with { Instances = [] };
        var path = Path.Combine(Path.GetDirectoryName(labels)!, "gaps.json");
        CocoFormat.Write(d with { Images = images }, path);
        return path;
    }

    /// <summary>
    /// A predictions file for <paramref name="photos"/> of the labels: every point of <paramref name="pointsFrom"/> (default:
    /// the labels) moved by (+3, −2) px (an all-missing photo gets the points of the first labelled one), with
    /// keypoint_scores i / K (so keypoint 0 scores 0, the lowest) and a score.
    /// </summary>
    public static string Suggestions(string labels, int[] photos, string name = "suggestions.json", string? pointsFrom = null)
    {
        var d = PoseData.Load(pointsFrom ?? labels);
        var template = d.Images.First(i => i.Instances.Count > 0).Instances[0];
        var k = d.Skeleton.Count;
        var scores = "[" + string.Join(",", Enumerable.Range(0, k).Select(i => ((double)i / k).ToString("0.###", CultureInfo.InvariantCulture))) + "]";
        var images = d.Images.Select((image, i) =>
        {
            if (!photos.Contains(i)) return image with { Instances = [] };
            var source = image.Instances.Count > 0 ? image.Instances[0] : template;
            var points = source.Keypoints.Select(p => new Keypoint(Math.Round(Math.Clamp(p.X + 3, 0, image.Width), 3),
                Math.Round(Math.Clamp(p.Y - 2, 0, image.Height), 3), Visibility.Visible)).ToArray();
            var attributes = new Dictionary<string, string> { ["keypoint_scores"] = scores, ["score"] = "0.8" };
            return image with { Instances = [new PoseInstance(points, null, null, attributes)] };
        }).ToArray();
        var path = Path.Combine(Path.GetDirectoryName(labels)!, name);
        CocoFormat.Write(d with { Images = images }, path);
        return path;
    }

    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "NewtPose.sln"))) return folder.FullName;
        throw new InvalidOperationException($"No NewtPose.sln above {AppContext.BaseDirectory}.");
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(from, to);
    }
}
