using System.Threading.Channels;
using NewtPose.Augmentation;

namespace NewtPose.Training;

/// <summary>A batch ready for the network: packed planar pixels, keypoints (B·K·2) in sample pixels and their loss weights (B·K).</summary>
internal sealed record PreparedBatch(int Index, float[] Pixels, float[] Keypoints, float[] Weights, PoseSample[] Samples, TrainingItem[] Items);

/// <summary>What the pipeline needs besides the items.</summary>
internal sealed record PipelineSettings(IPoseSampler Sampler, Models.PoseModelSpec Spec, int BatchSize, int Workers, int Seed, bool Augment);

/// <summary>
/// Prepares batches (the sampler decodes, crops and augments) on background workers while the caller computes. Batch b is prepared by worker
/// b mod W with a Random seeded from (seed, epoch, b) and read back in order from that worker's bounded channel, so the
/// batches are identical whatever the timing or the number of workers.
/// </summary>
internal static class BatchPipeline
{
    private const int BatchesAheadPerWorker = 2;

    public static IEnumerable<PreparedBatch> Run(IReadOnlyList<TrainingItem> items, int[] order, int epoch, PipelineSettings settings, CancellationToken cancellationToken)
    {
        var batches = Chunk(order, settings.BatchSize);
        if (settings.Workers == 0)
        {
            for (var b = 0; b < batches.Length; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return Prepare(items, batches[b], b, epoch, settings);
            }
            yield break;
        }

        var workers = Math.Min(settings.Workers, Math.Max(1, batches.Length));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channels = Enumerable.Range(0, workers).Select(_ => Channel.CreateBounded<PreparedBatch>(
            new BoundedChannelOptions(BatchesAheadPerWorker) { SingleReader = true, SingleWriter = true })).ToArray();
        var tasks = Enumerable.Range(0, workers).Select(w => Task.Run(() => Work(w))).ToArray();
        try
        {
            for (var b = 0; b < batches.Length; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return Read(channels[b % workers].Reader, stop.Token);
            }
        }
        finally
        {
            stop.Cancel();
            try { Task.WaitAll(tasks); } catch (AggregateException) { /* a worker's failure was already surfaced by Read, or we are stopping */ }
        }

        async Task Work(int worker)
        {
            var writer = channels[worker].Writer;
            try
            {
                for (var b = worker; b < batches.Length; b += workers)
                    await writer.WriteAsync(Prepare(items, batches[b], b, epoch, settings), stop.Token).ConfigureAwait(false);
                writer.TryComplete();
            }
            catch (Exception e)
            {
                writer.TryComplete(e);
            }
        }
    }

    private static PreparedBatch Read(ChannelReader<PreparedBatch> reader, CancellationToken token)
    {
        try
        {
            return reader.ReadAsync(token).AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException e) when (e.InnerException is not null)
        {
            // Surface the worker's own error (e.g. an unreadable image naming its file), not the channel's.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    private static int[][] Chunk(int[] order, int size) => order.Chunk(size).ToArray();

    private static PreparedBatch Prepare(IReadOnlyList<TrainingItem> items, int[] indices, int batchIndex, int epoch, PipelineSettings settings)
    {
        var random = new Random(Seeds.Derive(settings.Seed, epoch, batchIndex));
        var spec = settings.Spec;
        var k = spec.Keypoints.Count;
        var samples = new PoseSample[indices.Length];
        var batchItems = new TrainingItem[indices.Length];
        var keypoints = new float[indices.Length * k * 2];
        var weights = new float[indices.Length * k];
        for (var i = 0; i < indices.Length; i++)
        {
            var item = items[indices[i]];
            var sample = settings.Sampler.Sample(item.Image, item.Instance, item.Area, random, settings.Augment);
            if (sample.Keypoints.Length != k)
                throw new InvalidOperationException($"{item.Image.Path}: the sampler returned {sample.Keypoints.Length} keypoints; the skeleton has {k}.");
            for (var j = 0; j < k; j++)
            {
                var p = sample.Keypoints[j];
                keypoints[(i * k + j) * 2] = (float)p.X;
                keypoints[(i * k + j) * 2 + 1] = (float)p.Y;
                // v = 0 and points outside the sample teach nothing: weight 0, position ignored by the head's loss.
                var inside = p.X >= 0 && p.Y >= 0 && p.X < sample.Width && p.Y < sample.Height;
                weights[i * k + j] = p.IsLabeled && inside ? 1f : 0f;
            }
            samples[i] = sample;
            batchItems[i] = item;
        }
        return new PreparedBatch(batchIndex, Evaluation.ModelInput.Pack(samples, spec), keypoints, weights, samples, batchItems);
    }
}

/// <summary>Deterministic seeds from a tuple (HashCode is randomised per process, so it cannot be used).</summary>
internal static class Seeds
{
    public static int Derive(int seed, int a, int b)
    {
        var x = SplitMix((ulong)(uint)seed);
        x = SplitMix(x ^ (ulong)(uint)a);
        x = SplitMix(x ^ ((ulong)(uint)b << 1));
        return (int)(x & int.MaxValue);
    }

    private static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
