using NewtPose.Models;

namespace NewtPose.Inference;

/// <summary>
/// Several trained models run as one (an ensemble, e.g. 2–3 short runs of different seeds): every member runs the same
/// crops and their raw head outputs are averaged element by element before the one decoder reads them, as the flip test
/// averages a crop with its mirror. The members must produce outputs that mean the same thing cell by cell
/// (<see cref="OutputDifference"/>); their backbones may differ. Owns and disposes its members.
/// </summary>
public sealed class EnsembleBackend : IPoseBackend
{
    private readonly IPoseBackend[] _members;

    public EnsembleBackend(IReadOnlyList<IPoseBackend> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count < 2) throw new ArgumentException($"An ensemble needs at least two models; got {members.Count}.", nameof(members));
        for (var i = 1; i < members.Count; i++)
        {
            var problem = OutputDifference(members[0].Spec, members[i].Spec);
            if (problem is not null) throw new ArgumentException($"Ensemble member {i + 1} cannot be averaged with member 1: {problem}.", nameof(members));
        }
        _members = members.ToArray();
    }

    public int Count => _members.Length;

    public PoseModelSpec Spec => _members[0].Spec;

    public string Name => $"{_members[0].Name} ensemble of {_members.Length}";

    public RawOutput Run(float[] pixels, int batch) => PoseDecoder.Average(_members.Select(m => m.Run(pixels, batch)).ToArray());

    public void Dispose()
    {
        foreach (var member in _members) member.Dispose();
    }

    /// <summary>
    /// What makes two models' raw outputs impossible to average (input size, keypoints and their order, left/right pairs,
    /// head, location refinement, heatmap stride), or null when they can be.
    /// </summary>
    public static string? OutputDifference(PoseModelSpec a, PoseModelSpec b)
    {
        if ((a.InputWidth, a.InputHeight) != (b.InputWidth, b.InputHeight)) return $"input {a.InputWidth}x{a.InputHeight} vs {b.InputWidth}x{b.InputHeight}";
        if (!a.Keypoints.SequenceEqual(b.Keypoints)) return $"keypoints ({string.Join(", ", a.Keypoints)}) vs ({string.Join(", ", b.Keypoints)})";
        if (a.Head != b.Head) return $"head {a.Head} vs {b.Head}";
        if (a.LocationRefinement != b.LocationRefinement) return $"location refinement {a.LocationRefinement} vs {b.LocationRefinement}";
        if (a.HeatmapStride != b.HeatmapStride) return $"heatmap stride {a.HeatmapStride} vs {b.HeatmapStride}";
        static string Pairs(PoseModelSpec s) => string.Join(" ", (s.SwapPairs ?? []).Select(p => $"{p[0]}-{p[1]}"));
        if (Pairs(a) != Pairs(b)) return $"left/right pairs [{Pairs(a)}] vs [{Pairs(b)}]";
        return null;
    }
}
