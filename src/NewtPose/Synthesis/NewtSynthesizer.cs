using NewtPose.Data;
using NewtPose.Data.Formats.Coco;
using NewtPose.IO;

namespace NewtPose.Synthesis;

/// <summary>Options of <see cref="NewtSynthesizer.Generate"/>.</summary>
/// <param name="OutputFolder">Receives annotations.json and images/newt_NNNN.jpg.</param>
/// <param name="Count">Number of photos.</param>
/// <param name="Seed">All randomness flows from it: same options → byte-identical files.</param>
/// <param name="Individuals">Number of distinct animals; photo i shows animal i mod Individuals.</param>
/// <param name="Width">Photo width in pixels.</param>
/// <param name="Height">Photo height in pixels.</param>
public sealed record SynthOptions(string OutputFolder, int Count, int Seed, int Individuals = 40, int Width = 1600, int Height = 1200)
{
    /// <summary>Photos rendered at once; each photo has its own seed, so the result does not depend on it.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Smallest span of the animal along the frame's tighter side (0.15 for a small newt in a large camera photo).</summary>
    public float MinFill { get; init; } = NewtSceneSampler.DefaultMinFill;

    /// <summary>Largest span of the animal along the frame's tighter side.</summary>
    public float MaxFill { get; init; } = NewtSceneSampler.DefaultMaxFill;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(OutputFolder)) throw new ArgumentException("An output folder is required.");
        if (Count < 1) throw new ArgumentException($"Count must be at least 1 (got {Count}).");
        if (Individuals < 1) throw new ArgumentException($"Individuals must be at least 1 (got {Individuals}).");
        if (Width < 64 || Height < 64 || Width > 8192 || Height > 8192)
            throw new ArgumentException($"Image size {Width}x{Height} is outside 64..8192 pixels per side.");
        if (!(MinFill >= 0.05f && MinFill <= MaxFill && MaxFill <= 1.5f))
            throw new ArgumentException($"The fill range {MinFill}..{MaxFill} must satisfy 0.05 ≤ min ≤ max ≤ 1.5.");
        if (Parallelism < 1) throw new ArgumentException($"Parallelism must be at least 1 (got {Parallelism}).");
    }
}

/// <summary>Progress of a generation: photos written so far out of the total.</summary>
public readonly record struct SynthProgress(int Done, int Total);

/// <summary>Writes a synthetic ventral newt dataset: JPEG photos plus COCO keypoints with the <see cref="NewtSkeleton"/>.</summary>
public static class NewtSynthesizer
{
    public const string AnnotationsFile = "annotations.json";

    /// <summary>Renders and writes every photo, then annotations.json; returns the dataset as written.</summary>
    public static PoseDataset Generate(SynthOptions options, IProgress<SynthProgress>? progress = null, CancellationToken cancellation = default)
    {
        options.Validate();
        var individuals = Enumerable.Range(0, options.Individuals)
            .Select(i => NewtIndividual.Create($"newt_{i + 1:D3}", DeriveSeed(options.Seed, 1, i))).ToArray();
        var images = new LabeledImage[options.Count];
        var done = 0;
        Parallel.For(0, options.Count, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellation }, i =>
        {
            var (image, jpeg) = RenderPhoto(options, individuals[i % individuals.Length], i);
            AtomicFile.WriteAllBytes(Path.Combine(options.OutputFolder, image.Path), jpeg);
            images[i] = image;
            progress?.Report(new SynthProgress(Interlocked.Increment(ref done), options.Count));
        });
        var dataset = new PoseDataset(NewtSkeleton.Instance, images, Path.GetFullPath(options.OutputFolder));
        CocoFormat.Write(dataset, Path.Combine(options.OutputFolder, AnnotationsFile), "newt");
        return dataset;
    }

    /// <summary>Photo number <paramref name="index"/> of a generation (exposed for tests and notebooks).</summary>
    public static NewtScene Scene(SynthOptions options, NewtIndividual individual, int index) =>
        NewtSceneSampler.Sample(individual, options.Width, options.Height, new Random(DeriveSeed(options.Seed, 2, index)), options.MinFill, options.MaxFill);

    private static (LabeledImage Image, byte[] Jpeg) RenderPhoto(SynthOptions options, NewtIndividual individual, int index)
    {
        var scene = Scene(options, individual, index);
        using var rendered = NewtRenderer.Render(scene);
        var path = $"images/newt_{index + 1:D4}.jpg";
        return (new LabeledImage(path, scene.Width, scene.Height, [rendered.Instance]), rendered.EncodeJpeg(scene.Conditions.JpegQuality));
    }

    /// <summary>SplitMix64 of (seed, stream, index): independent, reproducible seeds per animal and per photo.</summary>
    internal static int DeriveSeed(int seed, int stream, int index)
    {
        var z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)stream * 0xBF58476D1CE4E5B9UL + (ulong)index * 0x94D049BB133111EBUL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }
}
