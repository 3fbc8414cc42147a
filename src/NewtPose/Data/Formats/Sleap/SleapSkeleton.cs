using System.Text.Json;

namespace NewtPose.Data.Formats.Sleap;

/// <summary>
/// The skeleton in a SLEAP file's <c>/metadata</c> <c>json</c> attribute: a global <c>nodes</c> list (names) and
/// <c>skeletons[i]</c> whose <c>nodes</c> list the global node ids in keypoint order and whose <c>links</c> are edges
/// (type 1) or symmetries (type 2, the left/right pairs; often stored both ways). A link's type is jsonpickle's
/// <c>{"py/reduce": [{"py/type": "sleap.skeleton.EdgeType"}, {"py/tuple": [t]}]}</c> the first time and
/// <c>{"py/id": n}</c> (the n-th reduce seen) after.
/// </summary>
internal static class SleapSkeleton
{
    private const int EdgeType = 1;
    private const int SymmetryType = 2;

    public static Skeleton Parse(string json, string file)
    {
        DatasetFormatException Error(string where, string problem) => new(file, $"/metadata json: {where}", problem);
        JsonDocument document;
        try { document = JsonDocument.Parse(json); }
        catch (JsonException e) { throw Error($"line {e.LineNumber + 1}", $"invalid JSON: {e.Message}"); }
        using (document)
        {
            var root = document.RootElement;
            if (!root.TryGetProperty("nodes", out var nodes) || nodes.ValueKind != JsonValueKind.Array)
                throw Error("nodes", "missing or not a list.");
            var names = nodes.EnumerateArray().Select((n, i) => n.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                ? name.GetString()! : throw Error($"nodes[{i}]", "has no 'name' string.")).ToArray();
            if (!root.TryGetProperty("skeletons", out var skeletons) || skeletons.ValueKind != JsonValueKind.Array || skeletons.GetArrayLength() == 0)
                throw Error("skeletons", "missing or empty.");
            if (skeletons.GetArrayLength() > 1)
                throw Error("skeletons", $"{skeletons.GetArrayLength()} skeletons; NewtPose reads files with one skeleton.");
            var skeleton = skeletons[0];
            if (!skeleton.TryGetProperty("nodes", out var order) || order.ValueKind != JsonValueKind.Array)
                throw Error("skeletons[0].nodes", "missing or not a list.");
            var ids = order.EnumerateArray().Select((n, i) => n.TryGetProperty("id", out var id) && id.TryGetInt32(out var v) && v >= 0 && v < names.Length
                ? v : throw Error($"skeletons[0].nodes[{i}]", $"'id' is not a node index in 0..{names.Length - 1}.")).ToArray();
            var position = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
            var edges = new List<Edge>();
            var pairs = new List<SwapPair>();
            var typeById = new List<int>();
            var l = 0;
            foreach (var link in skeleton.TryGetProperty("links", out var links) && links.ValueKind == JsonValueKind.Array ? links.EnumerateArray() : Enumerable.Empty<JsonElement>())
            {
                var where = $"skeletons[0].links[{l++}]";
                int Node(string key) => link.TryGetProperty(key, out var v) && v.TryGetInt32(out var id) && position.TryGetValue(id, out var p)
                    ? p : throw Error(where, $"'{key}' names no node of the skeleton.");
                var (a, b) = (Node("source"), Node("target"));
                var type = LinkType(link, typeById) ?? throw Error(where, "cannot tell an edge from a symmetry (no py/reduce or known py/id in 'type').");
                if (type == EdgeType) edges.Add(new Edge(a, b));
                else if (type == SymmetryType && !pairs.Any(p => (p.Left, p.Right) == (b, a) || (p.Left, p.Right) == (a, b))) pairs.Add(new SwapPair(a, b));
            }
            return new Skeleton(ids.Select(i => names[i]).ToArray(), edges, pairs);
        }
    }

    private static int? LinkType(JsonElement link, List<int> typeById)
    {
        if (!link.TryGetProperty("type", out var type)) return EdgeType;
        if (type.ValueKind == JsonValueKind.Number) return type.GetInt32();
        if (type.TryGetProperty("py/reduce", out var reduce) && reduce.ValueKind == JsonValueKind.Array && reduce.GetArrayLength() >= 2
            && reduce[1].TryGetProperty("py/tuple", out var tuple) && tuple.GetArrayLength() > 0 && tuple[0].TryGetInt32(out var t))
        {
            typeById.Add(t);
            return t;
        }
        if (type.TryGetProperty("py/id", out var id) && id.TryGetInt32(out var n) && n >= 1 && n <= typeById.Count) return typeById[n - 1];
        return null;
    }
}
