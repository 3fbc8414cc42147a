using SkiaSharp;

namespace NewtPose.Synthesis;

/// <summary>Draws random postures, placements and photo conditions within the ranges documented in docs/synthetic-newts.md.</summary>
public static class NewtSceneSampler
{
    /// <summary>The default span of the animal along the frame's tighter side, as in a photo framed by hand.</summary>
    public const float DefaultMinFill = 0.42f, DefaultMaxFill = 0.78f;

    /// <summary>
    /// A random photo of the given animal; everything random comes from <paramref name="random"/>. The whole animal
    /// (limbs included) spans <paramref name="minFill"/>–<paramref name="maxFill"/> of the frame along its tighter side.
    /// </summary>
    public static NewtScene Sample(NewtIndividual individual, int width, int height, Random random, float minFill = DefaultMinFill, float maxFill = DefaultMaxFill)
    {
        var posture = SamplePosture(random);
        var heading = Uniform(random, 0, 2 * MathF.PI);
        // Size the animal from its real extent in this posture.
        const float probeLength = 1000;
        var probe = NewtBody.Build(new NewtScene(individual, posture, new NewtPlacement(SKPoint.Empty, heading, probeLength), PhotoConditions.Clean, width, height)).Bounds();
        var fill = Uniform(random, minFill, maxFill);
        var scale = fill / Math.Max(probe.Width / width, probe.Height / height);
        var box = new SKRect(probe.Left * scale, probe.Top * scale, probe.Right * scale, probe.Bottom * scale); // relative to the centre
        // One photo in ten has the animal partly out of frame (labellers then mark the missing points v=0).
        var partly = random.NextSingle() < 0.1f;
        const float margin = 0.02f;
        float cx = Within(random, -box.Left + margin * box.Width, width - box.Right - margin * box.Width, width / 2f);
        float cy = Within(random, -box.Top + margin * box.Height, height - box.Bottom - margin * box.Height, height / 2f);
        if (partly)
        {
            // Push the animal 10-35 % of its extent over one edge of the frame.
            var over = Uniform(random, 0.1f, 0.35f);
            switch (random.Next(4))
            {
                case 0: cx = -box.Left - over * box.Width; break;
                case 1: cx = width - box.Right + over * box.Width; break;
                case 2: cy = -box.Top - over * box.Height; break;
                default: cy = height - box.Bottom + over * box.Height; break;
            }
        }
        var placement = new NewtPlacement(new SKPoint(cx, cy), heading, probeLength * scale);
        return new NewtScene(individual, posture, placement, SampleConditions(random, placement.Length), width, height);
    }

    private static float Within(Random random, float low, float high, float fallback) => low <= high ? Uniform(random, low, high) : fallback;

    public static NewtPosture SamplePosture(Random random)
    {
        // Reject postures whose tail curls back over the trunk: a photographer straightens such an animal.
        for (var attempt = 0; ; attempt++)
        {
            var posture = new NewtPosture(
                HeadTurn: Uniform(random, -0.35f, 0.35f),
                TrunkBend: Uniform(random, -0.9f, 0.9f),
                TrunkWave: Uniform(random, -0.5f, 0.5f),
                TailBend: Uniform(random, -2.2f, 2.2f),
                TailWave: Uniform(random, -1.2f, 1.2f),
                LeftFore: Fore(random), RightFore: Fore(random), LeftHind: Hind(random), RightHind: Hind(random));
            if (attempt > 50 || !NewtBody.TailCrossesTrunk(posture)) return posture;
        }
    }

    private static LimbPosture Fore(Random r)
    {
        var upper = Uniform(r, -0.2f, 1.0f);
        var lower = upper + Uniform(r, 0.2f, 1.3f);
        return new LimbPosture(upper, lower, lower + Uniform(r, -0.4f, 0.4f), Uniform(r, 0.45f, 0.8f));
    }

    private static LimbPosture Hind(Random r)
    {
        var upper = Uniform(r, -0.9f, 0.4f);
        var lower = upper - Uniform(r, 0.2f, 1.3f);
        return new LimbPosture(upper, lower, lower + Uniform(r, -0.5f, 0.3f), Uniform(r, 0.6f, 0.95f));
    }

    private static PhotoConditions SampleConditions(Random r, float length)
    {
        SKColor[] backgrounds =
        [
            new(236, 236, 232), new(226, 228, 230), new(240, 236, 226), new(214, 222, 226), new(230, 232, 222), new(246, 245, 242),
        ];
        var bg = backgrounds[r.Next(backgrounds.Length)];
        var jitter = (int)Uniform(r, -12, 8);
        bg = new SKColor(Clamp(bg.Red + jitter), Clamp(bg.Green + jitter), Clamp(bg.Blue + jitter));
        var shadowAngle = Uniform(r, 0, 2 * MathF.PI);
        var shadowDistance = Uniform(r, 0.003f, 0.02f) * length;
        return new PhotoConditions(
            Background: bg,
            TextureStrength: Uniform(r, 0.2f, 1f),
            Vignetting: Uniform(r, 0.05f, 0.4f),
            LightGradient: Uniform(r, 0f, 0.18f),
            LightDirection: Uniform(r, 0, 2 * MathF.PI),
            Exposure: Uniform(r, 0.85f, 1.1f),
            Temperature: Uniform(r, -1f, 1f),
            ShadowOpacity: Uniform(r, 0.15f, 0.45f),
            ShadowOffset: new SKPoint(MathF.Cos(shadowAngle) * shadowDistance, MathF.Sin(shadowAngle) * shadowDistance),
            BlurSigma: r.NextSingle() < 0.3f ? Uniform(r, 0.8f, 2.2f) : Uniform(r, 0f, 0.6f),
            Noise: Uniform(r, 0.8f, 4f),
            JpegQuality: r.Next(66, 88),
            NoiseSeed: r.Next());
    }

    private static float Uniform(Random r, float a, float b) => a + (b - a) * r.NextSingle();
    private static byte Clamp(int v) => (byte)Math.Clamp(v, 0, 255);
}
