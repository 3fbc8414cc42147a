using System.Collections.Concurrent;

namespace NewtPose.Imaging;

/// <summary>
/// Keeps decoded photos in memory so each is decoded once per training run, not once per epoch. A photo is decoded at
/// the smallest JPEG scale (1/8, 1/4, 1/2, 1) that still gives the requested scale, e.g. 1/4 of a 4000 px photo when
/// the animal's crop needs only that much; a later request for more detail replaces the entry with a finer decode.
/// Beyond <see cref="MaxBytes"/> the least recently used photos are dropped (and decoded again when asked for).
/// Safe to share between worker threads.
/// </summary>
public sealed class ImageCache
{
    /// <summary>The default memory bound: 2 GiB of pixels.</summary>
    public const long DefaultMaxBytes = 2L << 30;

    private sealed class Entry(ScaledImage image, long lastUse)
    {
        public ScaledImage Image { get; } = image;
        public long LastUse = lastUse;
    }

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, object> _locks = new(StringComparer.Ordinal);
    private readonly object _evictionLock = new();
    private long _bytes;
    private long _clock;

    public ImageCache(long maxBytes = DefaultMaxBytes)
    {
        if (maxBytes <= 0) throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, "The cache needs a positive size.");
        MaxBytes = maxBytes;
    }

    public long MaxBytes { get; }

    /// <summary>Number of photos held.</summary>
    public int Count => _entries.Count;

    /// <summary>Bytes of pixels held.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>
    /// The photo at <paramref name="path"/>, decoded with at least <paramref name="minScale"/> image pixels per source
    /// pixel (capped at 1: never upsampled). Concurrent requests for one photo decode it once.
    /// </summary>
    public ScaledImage Get(string path, double minScale)
    {
        var key = Path.GetFullPath(path);
        var wanted = Math.Min(1.0, minScale);
        if (TryHit(key, wanted, out var image)) return image;
        lock (_locks.GetOrAdd(key, _ => new object()))
        {
            if (TryHit(key, wanted, out image)) return image;
            var loaded = ImageLoader.LoadScaled(key, wanted);
            // Decoding ran outside the eviction lock; the swap and the byte count change together under it.
            lock (_evictionLock)
            {
                var replaced = _entries.TryGetValue(key, out var old) ? old : null;
                _entries[key] = new Entry(loaded, Interlocked.Increment(ref _clock));
                Interlocked.Add(ref _bytes, loaded.Image.Pixels.Length - (replaced?.Image.Image.Pixels.Length ?? 0));
                Evict(key);
            }
            return loaded;
        }
    }

    public void Clear()
    {
        lock (_evictionLock)
        {
            _entries.Clear();
            Interlocked.Exchange(ref _bytes, 0);
        }
    }

    private bool TryHit(string key, double wanted, out ScaledImage image)
    {
        // Tolerance: decode scales are exact powers of two; the margin only absorbs the caller's rounding.
        if (_entries.TryGetValue(key, out var entry) && entry.Image.Scale >= wanted * (1 - 1e-9))
        {
            Volatile.Write(ref entry.LastUse, Interlocked.Increment(ref _clock));
            image = entry.Image;
            return true;
        }
        image = null!;
        return false;
    }

    /// <summary>Drops least recently used photos until the bound holds; the photo just added is kept even if alone too big.</summary>
    private void Evict(string keep)
    {
        // Called under the eviction lock.
        while (Bytes > MaxBytes)
        {
            var oldest = _entries.Where(e => e.Key != keep).MinBy(e => Volatile.Read(ref e.Value.LastUse));
            if (oldest.Value is null) return;
            if (_entries.TryRemove(oldest.Key, out var removed)) Interlocked.Add(ref _bytes, -removed.Image.Image.Pixels.Length);
        }
    }
}
