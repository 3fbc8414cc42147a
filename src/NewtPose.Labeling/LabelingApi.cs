using NewtPose.Data;

namespace NewtPose.Labeling;

// What the page and the server exchange, as JSON (camelCase). Photos are named by id (their index in the labels), never by path.

public sealed record DatasetView(string[] Keypoints, int[][] Edges, string[] Sides, PhotoSummary[] Photos, string Output, double LowScore);

public sealed record PhotoSummary(int Id, string File, int Width, int Height, string State);

public sealed record PhotoView(int Id, string File, int Width, int Height, string State, InstanceView[] Instances);

public sealed record InstanceView(PointView[] Points);

/// <param name="X">Upright photo pixels, like the labels.</param>
/// <param name="Y">Upright photo pixels, like the labels.</param>
/// <param name="V">COCO visibility: 0 not labelled, 1 occluded, 2 visible.</param>
/// <param name="Score">The suggestion's score for a point taken from the suggestions, else null.</param>
/// <param name="Suggested">The position came from the suggestions file.</param>
/// <param name="Corrected">The person changed this point.</param>
public sealed record PointView(double X, double Y, int V, double? Score, bool Suggested, bool Corrected);

public sealed record PhotoUpdate(string State, InstanceUpdate[] Instances);

public sealed record InstanceUpdate(PointUpdate[] Points);

public sealed record PointUpdate(double X, double Y, int V, bool Corrected);

/// <summary>Builds the views the page reads and turns its updates into session changes.</summary>
internal static class LabelingApi
{
    public static DatasetView Dataset(LabelingSession session)
    {
        var skeleton = session.Labels.Skeleton;
        var sides = Enumerable.Repeat("centre", skeleton.Count).ToArray();
        foreach (var pair in skeleton.SwapPairs) { sides[pair.Left] = "left"; sides[pair.Right] = "right"; }
        var photos = Enumerable.Range(0, session.Count).Select(id =>
        {
            var image = session.Image(id);
            return new PhotoSummary(id, image.Path, image.Width, image.Height, LabelAttributes.Name(LabelingSession.StateOf(image)));
        }).ToArray();
        return new DatasetView(skeleton.Keypoints.ToArray(), skeleton.Edges.Select(e => new[] { e.From, e.To }).ToArray(), sides,
            photos, session.OutputPath, session.LowScore);
    }

    public static PhotoView Photo(LabelingSession session, int id)
    {
        var image = session.Image(id);
        var names = session.Labels.Skeleton.Keypoints;
        // A photo without an animal gets one empty instance, so that its points can be placed.
        var instances = image.Instances.Count > 0 ? image.Instances : [new PoseInstance(names.Select(_ => Keypoint.Missing).ToArray())];
        var views = instances.Select(instance =>
        {
            var suggested = LabelingSession.Named(instance, LabelAttributes.SuggestedKeypoints);
            var corrected = LabelingSession.Named(instance, LabelAttributes.CorrectedKeypoints);
            var scores = LabelingSession.Scores(instance);
            return new InstanceView(instance.Keypoints.Select((k, i) => new PointView(k.X, k.Y, (int)k.Visibility,
                suggested.Contains(names[i]) ? scores?[i] : null, suggested.Contains(names[i]), corrected.Contains(names[i]))).ToArray());
        }).ToArray();
        return new PhotoView(id, image.Path, image.Width, image.Height, LabelAttributes.Name(LabelingSession.StateOf(image)), views);
    }

    public static PhotoView Update(LabelingSession session, int id, PhotoUpdate update)
    {
        var state = LabelAttributes.Parse(update.State ?? "") ?? throw new ArgumentException($"state '{update.State}' is not todo, corrected or skipped.");
        if (update.Instances is null) throw new ArgumentException("the change names no instances.");
        var instances = update.Instances.Select(instance =>
        {
            var points = instance?.Points ?? throw new ArgumentException("an instance has no points.");
            IReadOnlyList<Keypoint> keypoints = points.Select(p => p.V is >= 0 and <= 2
                ? (p.V == 0 ? Keypoint.Missing : new Keypoint(p.X, p.Y, (Visibility)p.V))
                : throw new ArgumentException($"visibility {p.V} is not 0, 1 or 2.")).ToArray();
            IReadOnlyList<bool> corrected = points.Select(p => p.Corrected).ToArray();
            return (keypoints, corrected);
        }).ToArray();
        session.Update(id, state, instances);
        return Photo(session, id);
    }
}
