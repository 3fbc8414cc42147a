using System.Text.Json;
using NewtPose.Inference;
using NewtPose.IO;
using NewtPose.Models.Heads;

namespace NewtPose.Models;

/// <summary>
/// The one entry point for models: list the backbones, make a spec, build a network from a spec, save a network to a
/// run folder ({name}.json = the spec in snake_case JSON, {name}.weights = TorchSharp weights) and load it back.
/// </summary>
public static class PoseModels
{
    /// <summary>Head names accepted in <see cref="PoseModelSpec.Head"/>.</summary>
    public static readonly IReadOnlyList<string> Heads = ["heatmap", "integral"];

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <summary>Every registered backbone with a short description and whether it starts from ImageNet weights.</summary>
    public static IReadOnlyList<BackboneInfo> Names => BackboneCatalog.All;

    /// <summary>A spec with the backbone's own normalisation filled in.</summary>
    public static PoseModelSpec Spec(string backbone, IReadOnlyList<string> keypoints, int inputWidth = 256, int inputHeight = 256,
        string head = "heatmap", IReadOnlyList<int[]>? swapPairs = null)
    {
        var info = BackboneCatalog.Info(backbone);
        var spec = new PoseModelSpec(backbone, head, inputWidth, inputHeight, keypoints, swapPairs ?? [], (float[])info.Mean.Clone(), (float[])info.Std.Clone());
        spec.Validate();
        return spec;
    }

    /// <summary>
    /// Builds backbone + head for <paramref name="spec"/>. With <paramref name="pretrained"/> a pretrained backbone
    /// ("resnet18-imagenet") gets its ImageNet weights (converted once, then read from the cache; see
    /// <see cref="Backbones.ImageNetResNet18"/>); otherwise every weight is freshly initialised.
    /// </summary>
    public static PoseModel Create(PoseModelSpec spec, bool pretrained = true)
    {
        spec.Validate();
        Runtime.TorchRuntime.EnsureLoaded();
        var backbone = BackboneCatalog.Create(spec.Backbone, pretrained);
        PoseHead head = spec.Head switch
        {
            "heatmap" => new HeatmapHead(backbone.Channels, backbone.Stride, spec.Keypoints.Count, spec.LocationRefinement, spec.HeatmapStride, spec.HeatmapSigma),
            "integral" => new IntegralHead(backbone.Channels, backbone.Stride, spec.Keypoints.Count, spec.HeatmapStride),
            _ => throw new ArgumentException($"Unknown head '{spec.Head}'. Known: {string.Join(", ", Heads)}."),
        };
        return new PoseModel(spec, backbone, head);
    }

    /// <summary>
    /// Writes {name}.json (the model card: the spec plus how the model was trained to see photos, <see cref="ModelCard"/>)
    /// and {name}.weights into <paramref name="directory"/>, each atomically. Without <paramref name="card"/> the card
    /// says only what the spec knows (<see cref="ModelCard.Describe"/>).
    /// </summary>
    public static void Save(PoseNetwork model, string directory, string name = "model", ModelCard? card = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        card ??= ModelCard.Describe(model.Spec);
        if (!ReferenceEquals(card.Spec, model.Spec) && JsonSerializer.Serialize(card.Spec, Json) != JsonSerializer.Serialize(model.Spec, Json))
            throw new ArgumentException("The model card describes a different spec than the network's.", nameof(card));
        card.Validate();
        Directory.CreateDirectory(directory);
        // save(Stream) closes its stream; AtomicFile still has to flush it, so write through a writer that leaves it open.
        AtomicFile.Write(Path.Combine(directory, name + ".weights"), stream => { using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true); model.save(writer); });
        AtomicFile.WriteAllText(Path.Combine(directory, name + ".json"), card.ToJson());
    }

    /// <summary>The model card in {name}.json (written by <see cref="Save"/>; an older spec-only file gets the documented defaults).</summary>
    public static ModelCard LoadCard(string directory, string name = "model")
    {
        var path = Path.Combine(directory, name + ".json");
        if (!File.Exists(path)) throw new FileNotFoundException($"No model card at {path}.", path);
        return ModelCard.Read(path);
    }

    /// <summary>Rebuilds the network saved by <see cref="Save"/>: the spec from {name}.json, then its weights.</summary>
    public static PoseModel Load(string directory, string name = "model")
    {
        var specPath = Path.Combine(directory, name + ".json");
        var weightsPath = Path.Combine(directory, name + ".weights");
        if (!File.Exists(specPath)) throw new FileNotFoundException($"No model spec at {specPath}.", specPath);
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"No model weights at {weightsPath} (the spec {specPath} is there).", weightsPath);
        var spec = ReadSpec(specPath);
        var model = Create(spec, pretrained: false);
        try
        {
            model.load(weightsPath);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            model.Dispose();
            throw new InvalidDataException($"{weightsPath}: the weights do not fit the model described in {specPath} ({e.Message}).", e);
        }
        return model;
    }

    /// <summary>Reads and validates a spec written by <see cref="Save"/>.</summary>
    public static PoseModelSpec ReadSpec(string path) => ParseSpec(File.ReadAllText(path), path);

    /// <summary>
    /// Parses and validates spec JSON as {name}.json holds it (an exported ONNX file's metadata too); errors name
    /// <paramref name="source"/>. <paramref name="registeredOnly"/> false accepts a backbone or head the registry does
    /// not know (a caller's own network, trained through the same trainer).
    /// </summary>
    public static PoseModelSpec ParseSpec(string json, string source, bool registeredOnly = true)
    {
        PoseModelSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<PoseModelSpec>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a model spec ({e.Message}).", e);
        }
        if (spec is null) throw new InvalidDataException($"{source}: the model spec is empty.");
        if (!registeredOnly) return spec;
        try
        {
            spec.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
        return spec;
    }
}
