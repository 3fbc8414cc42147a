namespace NewtPose.Data;

/// <summary>An edge of the skeleton, between two keypoint indices.</summary>
public readonly record struct Edge(int From, int To);

/// <summary>A left/right pair: flipping the image horizontally exchanges the two keypoints.</summary>
public readonly record struct SwapPair(int Left, int Right);

/// <summary>Ordered keypoint names, the edges drawn between them and the left/right pairs. Keypoint order never changes on import.</summary>
public sealed record Skeleton
{
    public Skeleton(IReadOnlyList<string> keypoints, IReadOnlyList<Edge>? edges = null, IReadOnlyList<SwapPair>? swapPairs = null)
    {
        if (keypoints.Count == 0) throw new ArgumentException("A skeleton needs at least one keypoint.", nameof(keypoints));
        var duplicate = keypoints.GroupBy(k => k).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Keypoint name '{duplicate.Key}' appears twice.", nameof(keypoints));
        Keypoints = keypoints.ToArray();
        Edges = (edges ?? []).ToArray();
        SwapPairs = (swapPairs ?? []).ToArray();
        foreach (var e in Edges) CheckIndex(e.From, "edge"); foreach (var e in Edges) CheckIndex(e.To, "edge");
        foreach (var p in SwapPairs) { CheckIndex(p.Left, "swap pair"); CheckIndex(p.Right, "swap pair"); }
    }

    public IReadOnlyList<string> Keypoints { get; }
    public IReadOnlyList<Edge> Edges { get; }
    public IReadOnlyList<SwapPair> SwapPairs { get; }
    public int Count => Keypoints.Count;

    public int IndexOf(string name)
    {
        for (var i = 0; i < Keypoints.Count; i++) if (Keypoints[i] == name) return i;
        return -1;
    }

    /// <summary>For each keypoint, the index it takes after a horizontal flip (identity where it has no pair).</summary>
    public int[] FlipIndex()
    {
        var index = Enumerable.Range(0, Count).ToArray();
        foreach (var p in SwapPairs) { index[p.Left] = p.Right; index[p.Right] = p.Left; }
        return index;
    }

    public Skeleton WithSwapPairs(IReadOnlyList<SwapPair> pairs) => new(Keypoints, Edges, pairs);

    private void CheckIndex(int i, string what)
    {
        if (i < 0 || i >= Keypoints.Count) throw new ArgumentException($"A {what} refers to keypoint index {i}, outside 0..{Keypoints.Count - 1}.");
    }
}
