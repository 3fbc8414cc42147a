using System.Text.Json;

namespace NewtPose.Data.Formats.Coco;

/// <summary>
/// The keypoint categories of a COCO file, as toolkits write them: one category, or one per species sharing one keypoint
/// list (read as one skeleton, the species kept on each instance as the attribute <c>category</c>), or categories with
/// different keypoint lists (refused unless one is picked by name). Skeleton pairs are 1-based as COCO defines them, or
/// 0-based as some converters write them (detected: an index 0 appears and all are below K). Swap pairs come from
/// NewtPose's <c>swap_pairs</c> (names) or, when absent, from mmpose's <c>flip_pairs</c> (0-based indices, or names).
/// Other category fields (<c>upper_body_ids</c>, <c>lower_body_ids</c>, <c>supercategory</c>, ...) are ignored.
/// </summary>
internal sealed class CocoCategories
{
    /// <summary>The attribute that carries the species when several categories share one keypoint list.</summary>
    public const string CategoryAttribute = "category";

    private sealed record Category(long? Id, string Name, string[] Keypoints, JsonElement Element, string Where);

    public required Skeleton Skeleton { get; init; }
    /// <summary>Category id → name, for the categories read; null when there is a single one (nothing to tell apart).</summary>
    public required IReadOnlyDictionary<long, string>? Species { get; init; }
    /// <summary>Category ids whose annotations are read.</summary>
    public required IReadOnlySet<long> Read { get; init; }
    /// <summary>Keypoint categories not picked (id → name): their annotations are counted and reported, not read.</summary>
    public required IReadOnlyDictionary<long, string> NotPicked { get; init; }

    public static CocoCategories Parse(JsonElement root, string path, string? pick, List<string> warnings)
    {
        DatasetFormatException Error(string location, string problem) => new(path, location, problem);
        if (!root.TryGetProperty("categories", out var list) || list.ValueKind != JsonValueKind.Array)
            throw Error("categories", "missing or not a list.");
        var all = new List<Category>();
        var index = 0;
        foreach (var c in list.EnumerateArray())
        {
            var where = $"categories[{index++}]";
            if (c.ValueKind != JsonValueKind.Object || !c.TryGetProperty("keypoints", out var kp) || kp.ValueKind != JsonValueKind.Array) continue;
            var names = kp.EnumerateArray().Select((n, i) => n.ValueKind == JsonValueKind.String ? n.GetString()!
                : throw Error($"{where}.keypoints[{i}]", "keypoint name is not a string.")).ToArray();
            if (names.Length == 0) throw Error($"{where}.keypoints", "the keypoint list is empty.");
            var duplicate = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw Error($"{where}.keypoints", $"keypoint name '{duplicate.Key}' appears twice.");
            long? id = c.TryGetProperty("id", out var idElement) && idElement.TryGetInt64(out var cid) ? cid : null;
            var name = c.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : id?.ToString() ?? where;
            all.Add(new Category(id, name, names, c, where));
        }
        if (all.Count == 0) throw Error("categories", "no category has a 'keypoints' list (this is not a COCO keypoint file).");

        string Listing(IEnumerable<Category> cs) => string.Join("; ", cs.Select(c => $"'{c.Name}' ({c.Keypoints.Length} keypoints: {string.Join(", ", c.Keypoints.Take(6))}{(c.Keypoints.Length > 6 ? ", ..." : "")})"));
        var chosen = all;
        if (pick is not null)
        {
            chosen = all.Where(c => c.Name == pick || c.Id?.ToString() == pick).ToList();
            if (chosen.Count == 0) throw Error("categories", $"no keypoint category is named '{pick}'; the file has {Listing(all)}.");
            if (chosen.Select(c => string.Join('\n', c.Keypoints)).Distinct().Count() > 1)
                throw Error("categories", $"several categories are named '{pick}' with different keypoint lists: {Listing(chosen)}.");
        }
        else if (all.Select(c => string.Join('\n', c.Keypoints)).Distinct().Count() > 1)
            throw Error("categories", $"the keypoint categories have different keypoint lists, and one skeleton is read at a time: {Listing(all)}. " +
                "Pick one by name (newtpose --category NAME, or PoseLoadOptions.Category).");

        var first = chosen[0];
        var edges = Edges(first, path, warnings);
        foreach (var other in chosen.Skip(1))
            if (other.Element.TryGetProperty("skeleton", out _) && !Edges(other, path, []).SequenceEqual(edges))
                warnings.Add($"{path}: {other.Where} ('{other.Name}') has the same keypoints as '{first.Name}' but other skeleton edges; the edges of '{first.Name}' were used.");
        var skeleton = new Skeleton(first.Keypoints, edges, SwapPairs(first, path, warnings));
        var ids = chosen.Where(c => c.Id is not null).Select(c => c.Id!.Value).ToHashSet();
        return new CocoCategories
        {
            Skeleton = skeleton,
            Species = chosen.Count > 1 ? chosen.Where(c => c.Id is not null).ToDictionary(c => c.Id!.Value, c => c.Name) : null,
            Read = ids,
            NotPicked = all.Except(chosen).Where(c => c.Id is not null && !ids.Contains(c.Id.Value)).ToDictionary(c => c.Id!.Value, c => c.Name),
        };
    }

    private static List<Edge> Edges(Category category, string path, List<string> warnings)
    {
        var edges = new List<Edge>();
        if (!category.Element.TryGetProperty("skeleton", out var sk) || sk.ValueKind != JsonValueKind.Array) return edges;
        var k = category.Keypoints.Length;
        var pairs = new List<(int A, int B)>();
        var e = 0;
        foreach (var edge in sk.EnumerateArray())
        {
            if (edge.ValueKind != JsonValueKind.Array || edge.GetArrayLength() != 2 || !edge[0].TryGetInt32(out var a) || !edge[1].TryGetInt32(out var b))
                throw new DatasetFormatException(path, $"{category.Where}.skeleton[{e}]", "expected a pair of keypoint indices.");
            pairs.Add((a, b));
            e++;
        }
        // COCO's pairs are 1-based; some converters write 0-based ones. An index 0 with every index below K can only be
        // 0-based; anything else is read as COCO defines it.
        var zeroBased = pairs.Any(p => p.A == 0 || p.B == 0) && pairs.All(p => p.A >= 0 && p.B >= 0 && p.A < k && p.B < k);
        if (zeroBased)
            warnings.Add($"{path}: {category.Where}.skeleton uses 0-based keypoint indices (index 0 appears and all are below {k}); they were read as 0-based.");
        var offset = zeroBased ? 0 : 1;
        for (var i = 0; i < pairs.Count; i++)
        {
            var (a, b) = (pairs[i].A - offset, pairs[i].B - offset);
            if (a < 0 || b < 0 || a >= k || b >= k)
                throw new DatasetFormatException(path, $"{category.Where}.skeleton[{i}]",
                    $"[{pairs[i].A}, {pairs[i].B}] is not a pair of 1-based keypoint indices in 1..{k} (nor 0-based ones in 0..{k - 1}).");
            edges.Add(new Edge(a, b));
        }
        return edges;
    }

    private static List<SwapPair> SwapPairs(Category category, string path, List<string> warnings)
    {
        var names = category.Keypoints;
        var field = category.Element.TryGetProperty("swap_pairs", out var sp) && sp.ValueKind == JsonValueKind.Array ? "swap_pairs"
            : category.Element.TryGetProperty("flip_pairs", out sp) && sp.ValueKind == JsonValueKind.Array ? "flip_pairs" : null;
        if (field is null) return [];
        var raw = sp.EnumerateArray().ToArray();
        // flip_pairs hold 0-based indices (mmpose); read 1-based only when an index K appears and no 0 does.
        var numbers = raw.Where(p => p.ValueKind == JsonValueKind.Array).SelectMany(p => p.EnumerateArray()).Where(v => v.ValueKind == JsonValueKind.Number)
            .Select(v => v.TryGetInt32(out var i) ? i : -1).ToArray();
        var offset = numbers.Contains(names.Length) && !numbers.Contains(0) ? 1 : 0;
        var pairs = new List<SwapPair>();
        for (var p = 0; p < raw.Length; p++)
        {
            var pair = raw[p];
            int Resolve(JsonElement v) => v.ValueKind == JsonValueKind.String ? Array.IndexOf(names, v.GetString())
                : v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) && i - offset >= 0 && i - offset < names.Length ? i - offset : -1;
            var l = pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2 ? Resolve(pair[0]) : -1;
            var r = l >= 0 ? Resolve(pair[1]) : -1;
            if (l < 0 || r < 0 || l == r)
                throw new DatasetFormatException(path, $"{category.Where}.{field}[{p}]", "expected [left, right] naming two different keypoints (names, or 0-based indices).");
            pairs.Add(new SwapPair(l, r));
        }
        if (field == "flip_pairs" && offset == 1)
            warnings.Add($"{path}: {category.Where}.flip_pairs uses 1-based indices (index {names.Length} appears, 0 does not); they were read as 1-based.");
        return pairs;
    }
}
