using System.Collections.Concurrent;

namespace NewtPose.Imaging;

/// <summary>
/// Keeps decoded photos in memory so each is decoded once per training run, not once per epoch. A photo is decoded at
/// the smallest JPEG scale that still gives the requested scale (e.g. 1/4 of a 4000 px photo when the animal's crop
/// needs only that much); a later request for more detail replaces the entry with a finer decode. Safe to share
/// between worker threads.
/// </summary>
public sealed class ImageCache
{
    private readonly ConcurrentDictionary<string, ScaledImage> _images = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, object> _locks = new(StringComparer.Ordinal);

    /// <summary>Number of photos held.</summary>
    public int Count => _images.Count;

    /// <summary>Bytes of pixels held.</summary>
    public long Bytes => _images.Values.Sum(i => (long)i.Image.Pixels.Length);

    /// <summary>
    /// The photo at <paramref name="path"/>, decoded with at least <paramref name="minScale"/> image pixels per source
    /// pixel (capped at 1: never upsampled). Concurrent requests for one photo decode it once.
    /// </summary>
    public ScaledImage Get(string path, double minScale)
    {
        var key = Path.GetFullPath(path);
        var wanted = Math.Min(1.0, minScale);
        // Tolerance: decode scales are exact powers of two, so a tiny margin only guards against rounding in the caller's arithmetic.
        if (_images.TryGetValue(key, out var cached) && cached.Scale >= wanted * (1 - 1e-9)) return cached;
        lock (_locks.GetOrAdd(key, _ => new object()))
        {
            if (_images.TryGetValue(key, out cached) && cached.Scale >= wanted * (1 - 1e-9)) return cached;
            var loaded = ImageLoader.LoadScaled(key, wanted);
            _images[key] = loaded;
            return loaded;
        }
    }

    public void Clear() => _images.Clear();
}
