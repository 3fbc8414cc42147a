using System.Text.Json;
using NewtPose.IO;
using NewtPose.Models;
using TorchSharp.Modules;

namespace NewtPose.Training;

/// <summary>Where a run stands after an epoch: what a resume needs besides weights and optimizer state.</summary>
/// <param name="Epoch">Last completed epoch (0 before the first).</param>
/// <param name="BestEpoch">Epoch of the best checkpoint (0 = none yet).</param>
/// <param name="BestError">Its validation mean pixel error (or training loss without validation).</param>
/// <param name="EpochsWithoutImprovement">For early stopping.</param>
/// <param name="History">Every completed epoch, so metrics files can be rewritten exactly after a resume.</param>
/// <param name="StoppedEarly">Early stopping ended the run (a resume then only runs the final evaluation).</param>
internal sealed record TrainingState(int Epoch, int BestEpoch, double BestError, int EpochsWithoutImprovement, IReadOnlyList<EpochRecord> History, bool StoppedEarly)
{
    public static readonly TrainingState Start = new(0, 0, double.PositiveInfinity, 0, [], false);

    /// <summary>Every epoch of <paramref name="options"/> trained, or early stopping ended the run.</summary>
    public bool IsFinished(TrainingOptions options) => StoppedEarly || Epoch >= options.ScheduledEpochs;

    /// <summary>
    /// The state after <paramref name="record"/>: the best epoch is chosen by validation mean pixel error (by training
    /// loss when there is no validation set); early stopping needs validation and a positive patience.
    /// </summary>
    public TrainingState After(EpochRecord record, int patience)
    {
        var score = record.Validation?.MeanPxError ?? record.TrainLoss;
        var improved = score < BestError;
        var stale = improved ? 0 : EpochsWithoutImprovement + 1;
        var stop = record.Validation?.MeanPxError is not null && patience > 0 && stale >= patience;
        return new TrainingState(record.Epoch, improved ? record.Epoch : BestEpoch, improved ? score : BestError, stale, [.. History, record], stop);
    }
}

/// <summary>
/// One file per checkpoint: a header (format tag, training state and model spec as JSON), the module's weights and
/// buffers (TorchSharp's format) and the AdamW state. Written through a temporary file and a rename, so a kill leaves
/// either the previous checkpoint or the new one, never a torn file. When a run finishes, its checkpoint is stripped to
/// the header alone (<see cref="SaveState"/>): the weights and optimizer state are three times the model's size, and
/// the run's training state is all a finished run needs (a resume then says it is finished).
/// </summary>
public static class Checkpoint
{
    private const string Format = "newtpose-checkpoint-1";
    private const string StateOnlyFormat = "newtpose-checkpoint-1-state-only";

    internal static void Save(string path, PoseNetwork network, OptimizerHelper optimizer, TrainingState state) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(Format);
            writer.Write(JsonSerializer.Serialize(state, TrainingOptions.Json));
            writer.Write(JsonSerializer.Serialize(network.Spec, TrainingOptions.Json));
            network.save(writer);
            optimizer.save_state_dict(writer);
            writer.Flush();
        });

    /// <summary>Rewrites the checkpoint as its header alone: the training state and the model spec, no weights, no optimizer state.</summary>
    internal static void SaveState(string path, PoseModelSpec spec, TrainingState state) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(StateOnlyFormat);
            writer.Write(JsonSerializer.Serialize(state, TrainingOptions.Json));
            writer.Write(JsonSerializer.Serialize(spec, TrainingOptions.Json));
            writer.Flush();
        });

    /// <summary>The training state of a checkpoint, full or stripped.</summary>
    internal static TrainingState ReadState(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        ReadHeader(path, reader, out var state, out _, out _);
        return state;
    }

    /// <summary>Restores weights and optimizer state; returns the training state stored with them.</summary>
    internal static TrainingState Load(string path, PoseNetwork network, OptimizerHelper optimizer)
    {
        using var reader = Open(path, out var state);
        network.load(reader, strict: true);
        optimizer.load_state_dict(reader);
        return state;
    }

    /// <summary>Loads only the weights into a network built from the same spec.</summary>
    public static void LoadWeights(string path, PoseNetwork network)
    {
        using var reader = Open(path, out _);
        network.load(reader, strict: true);
    }

    /// <summary>The model spec stored in a checkpoint, to rebuild the network before <see cref="LoadWeights"/>.</summary>
    public static PoseModelSpec ReadSpec(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        ReadHeader(path, reader, out _, out var spec, out _);
        return spec;
    }

    private static BinaryReader Open(string path, out TrainingState state)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: checkpoint not found.", path);
        var reader = new BinaryReader(File.OpenRead(path));
        try
        {
            ReadHeader(path, reader, out state, out _, out var stateOnly);
            if (stateOnly)
                throw new InvalidDataException($"{path}: holds only the training state of a finished run; its weights and optimizer state were dropped when it finished " +
                                               "(the best model is model.json + model.weights beside checkpoints/; keep them with keep_checkpoints).");
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    private static void ReadHeader(string path, BinaryReader reader, out TrainingState state, out PoseModelSpec spec, out bool stateOnly)
    {
        try
        {
            var format = reader.ReadString();
            if (format != Format && format != StateOnlyFormat) throw new InvalidDataException($"{path}: not a NewtPose checkpoint (format '{format}', expected '{Format}').");
            stateOnly = format == StateOnlyFormat;
            state = JsonSerializer.Deserialize<TrainingState>(reader.ReadString(), TrainingOptions.Json)!;
            spec = JsonSerializer.Deserialize<PoseModelSpec>(reader.ReadString(), TrainingOptions.Json)!;
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or IOException and not FileNotFoundException)
        {
            throw new InvalidDataException($"{path}: the checkpoint header is unreadable ({e.Message}).", e);
        }
    }
}
