using System.Text.Json;
using NewtPose.IO;

namespace NewtPose.Comparison;

/// <summary>The files of a comparison's output folder: plan.json, entries/, runs/, probes/ and the result files.</summary>
internal sealed class ComparisonFolder(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);
    public string PlanFile => System.IO.Path.Combine(Path, "plan.json");
    public string EntriesFolder => System.IO.Path.Combine(Path, "entries");

    /// <summary>Writes plan.json, or checks that the one there is this plan's (a resumed comparison must not change it).</summary>
    public void Start(ComparisonPlan plan)
    {
        var json = plan.ToJson();
        if (File.Exists(PlanFile))
        {
            if (File.ReadAllText(PlanFile) != json)
                throw new InvalidOperationException($"{PlanFile} records another comparison (data, variants, train sizes, seeds, budget, split seed or base options differ): " +
                                                    "run it again with the same settings to resume it, or use another output folder.");
        }
        else if (Directory.Exists(Path) && Directory.EnumerateFileSystemEntries(Path).Any())
            throw new InvalidOperationException($"{Path} is not empty and holds no plan.json: it is not a comparison to resume; use a new or empty output folder.");
        Directory.CreateDirectory(EntriesFolder);
        AtomicFile.WriteAllText(PlanFile, json);
    }

    public string EntryFile(EntryKey key) => System.IO.Path.Combine(EntriesFolder, key.Id + ".json");
    public string RunFolder(string id) => System.IO.Path.Combine(Path, "runs", id);
    public string ProbeFolder(string id) => System.IO.Path.Combine(Path, "probes", id);

    public ComparisonEntry? LoadEntry(EntryKey key) => File.Exists(EntryFile(key)) ? ComparisonEntry.Load(EntryFile(key)) : null;

    public void SaveEntry(ComparisonEntry entry) => entry.Save(EntryFile(entry.Key));

    private string ProbeFile(string id) => System.IO.Path.Combine(Path, "probes", id + ".json");

    public ComparisonProbe? LoadProbe(string id) =>
        File.Exists(ProbeFile(id)) ? JsonSerializer.Deserialize<ComparisonProbe>(File.ReadAllText(ProbeFile(id)), ComparisonEntry.Json) : null;

    public void SaveProbe(string id, ComparisonProbe probe) => AtomicFile.WriteAllText(ProbeFile(id), JsonSerializer.Serialize(probe, ComparisonEntry.Json) + "\n");
}
