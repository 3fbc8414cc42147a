using System.Text.Json;
using System.Text.Json.Serialization;
using NewtPose.Evaluation;
using NewtPose.IO;

namespace NewtPose.Comparison;

/// <summary>
/// One trained and scored entry of a comparison (entries/ID.json in the output folder).
/// </summary>
/// <param name="Variant">The variant's name.</param>
/// <param name="Backbone">The backbone the variant's options name.</param>
/// <param name="Head">The head the variant's options name.</param>
/// <param name="Pretrained">Whether that backbone starts from ImageNet weights.</param>
/// <param name="InputSize">Network input, "192x192".</param>
/// <param name="TrainSize">The train size asked for; null: the whole train split.</param>
/// <param name="TrainPhotos">Labelled training photos it trained on.</param>
/// <param name="Seed">Seed of the weights, the batches and the photos a train size takes.</param>
/// <param name="Epochs">Epochs of its schedule (chosen from the budget, or given).</param>
/// <param name="BestEpoch">The epoch whose weights were scored (best validation error).</param>
/// <param name="Parameters">Trainable and frozen parameters of the network.</param>
/// <param name="TrainImagesPerSecond">Training throughput, mean over the epochs (the trainer's figure).</param>
/// <param name="InferencePhotosPerSecond">Test photos per second through the inference engine, end to end (decode, find, refine), after one warm-up photo.</param>
/// <param name="WallSeconds">Wall time of training and the final evaluation (what the budget covers).</param>
/// <param name="WallCapHit">True when the wall cap stopped training before its schedule ended (its best epoch so far is scored).</param>
/// <param name="ProbeImagesPerSecond">With a minutes budget: the probe's training speed the epochs were chosen from.</param>
/// <param name="Split">The photos scored ("test", else "validation").</param>
/// <param name="Found">Overall figures with the animal found by the model (PoseEvaluator over PoseEngine): the honest ones.</param>
/// <param name="LabelCrops">The same photos cropped around their labels (optimistic), named as such.</param>
/// <param name="PerKeypoint">Per-keypoint figures, found crops.</param>
public sealed record ComparisonEntry(
    string Variant, string Backbone, string Head, bool Pretrained, string InputSize, int? TrainSize, int TrainPhotos, int Seed,
    int Epochs, int BestEpoch, long Parameters, double TrainImagesPerSecond, double InferencePhotosPerSecond, double WallSeconds,
    bool WallCapHit, double? ProbeImagesPerSecond, string Split, PointStatistics Found, PointStatistics? LabelCrops,
    IReadOnlyList<KeypointStatistics> PerKeypoint)
{
    public EntryKey Key => new(Variant, TrainSize, Seed);

    /// <summary>A found-crop figure of <see cref="Found"/>.</summary>
    public double? Figure(MetricColumn column) => column.Value(Found);

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes the entry atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>Reads an entry file; an unreadable one is an <see cref="InvalidDataException"/> naming it.</summary>
    public static ComparisonEntry Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<ComparisonEntry>(File.ReadAllText(path), Json) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a comparison entry ({e.Message}); delete it to train that entry again.", e);
        }
    }
}
