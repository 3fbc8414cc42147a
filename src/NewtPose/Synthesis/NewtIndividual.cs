using SkiaSharp;

namespace NewtPose.Synthesis;

/// <summary>A black blotch of the belly pattern, in belly coordinates so that it deforms with the body.</summary>
/// <param name="U">Position along the belly, 0 at the gular fold, 1 at the cloaca.</param>
/// <param name="V">Position across the belly, -1 at the animal's right edge, +1 at its left edge.</param>
/// <param name="Radius">Radius in body lengths.</param>
/// <param name="Elongation">Stretch along the body (1 = round).</param>
/// <param name="Angle">Orientation of the stretch, radians.</param>
/// <param name="Shape">Radius multipliers around the blob (irregular outline).</param>
public sealed record BellySpot(float U, float V, float Radius, float Elongation, float Angle, IReadOnlyList<float> Shape);

/// <summary>
/// One animal: its proportions, colours and belly spot pattern. Every photo of an individual shows the same pattern,
/// deformed with its posture.
/// </summary>
public sealed record NewtIndividual(
    string Id,
    float WidthScale,
    float HeadScale,
    float TailWidthScale,
    float LimbScale,
    SKColor BellyColor,
    SKColor BellyEdgeColor,
    SKColor FlankColor,
    bool LightThroat,
    float CloacaSize,
    IReadOnlyList<BellySpot> Spots,
    IReadOnlyList<float> BellyEdgeNoise,
    int SpeckleSeed)
{
    /// <summary>Samples an individual; the same seed always gives the same animal.</summary>
    public static NewtIndividual Create(string id, int seed)
    {
        var r = new Random(seed);
        // Great crested newt bellies run from deep orange to yellow-orange.
        var hue = Lerp(22, 44, r.NextSingle());
        var sat = Lerp(82, 98, r.NextSingle());
        var val = Lerp(86, 98, r.NextSingle());
        var belly = SKColor.FromHsv(hue, sat, val);
        var edge = SKColor.FromHsv(hue - Lerp(2, 8, r.NextSingle()), Math.Min(100, sat + 4), val * 0.8f);
        var flankGrey = (byte)Lerp(28, 55, r.NextSingle());
        var flank = new SKColor(flankGrey, (byte)(flankGrey * 0.93f), (byte)(flankGrey * 0.85f));

        var spots = new List<BellySpot>();
        var count = r.Next(14, 46);
        var largeBias = r.NextSingle();
        for (var i = 0; i < count; i++)
        {
            var u = r.NextSingle();
            var v = (float)Math.Clamp(NextGaussian(r) * 0.55, -1.05, 1.05);
            var radius = Lerp(0.004f, 0.013f + 0.01f * largeBias, MathF.Pow(r.NextSingle(), 1.6f));
            var shape = Enumerable.Range(0, 9).Select(_ => Lerp(0.6f, 1.35f, r.NextSingle())).ToArray();
            spots.Add(new BellySpot(u, v, radius, Lerp(1f, 2.4f, r.NextSingle()), Lerp(-0.6f, 0.6f, r.NextSingle()), shape));
        }
        // Dark intrusions from the flanks make the belly edge ragged, as on real animals.
        var edgeNoise = Enumerable.Range(0, 24).Select(_ => Lerp(-1f, 1f, r.NextSingle())).ToArray();
        return new NewtIndividual(id,
            WidthScale: Lerp(0.86f, 1.16f, r.NextSingle()),
            HeadScale: Lerp(0.92f, 1.1f, r.NextSingle()),
            TailWidthScale: Lerp(0.8f, 1.2f, r.NextSingle()),
            LimbScale: Lerp(0.9f, 1.1f, r.NextSingle()),
            BellyColor: belly, BellyEdgeColor: edge, FlankColor: flank,
            LightThroat: r.NextSingle() < 0.35f,
            CloacaSize: Lerp(0.7f, 1.4f, r.NextSingle()),
            Spots: spots, BellyEdgeNoise: edgeNoise, SpeckleSeed: r.Next());
    }

    internal static float Lerp(float a, float b, float t) => a + (b - a) * t;

    internal static double NextGaussian(Random r) =>
        Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
}
