using SkiaSharp;

namespace NewtPose.Synthesis;

/// <summary>One limb's posture. Angles in radians in the body's frame at the limb's root: 0 points straight out
/// sideways, positive turns toward the head.</summary>
/// <param name="Upper">Direction of the upper arm or thigh.</param>
/// <param name="Lower">Direction of the forearm or shank.</param>
/// <param name="Foot">Direction the digits fan around.</param>
/// <param name="Spread">Half-angle of the digit fan.</param>
public sealed record LimbPosture(float Upper, float Lower, float Foot, float Spread);

/// <summary>How the animal lies: bends of the spine (radians of total turn over each segment) and its limbs.</summary>
public sealed record NewtPosture(
    float HeadTurn, float TrunkBend, float TrunkWave, float TailBend, float TailWave,
    LimbPosture LeftFore, LimbPosture RightFore, LimbPosture LeftHind, LimbPosture RightHind)
{
    /// <summary>Straight body, limbs symmetric: the posture a test can reason about.</summary>
    public static NewtPosture Straight { get; } = new(0, 0, 0, 0, 0,
        new(0.5f, 1.1f, 1.1f, 0.6f), new(0.5f, 1.1f, 1.1f, 0.6f),
        new(-0.3f, -1.0f, -1.2f, 0.7f), new(-0.3f, -1.0f, -1.2f, 0.7f));
}

/// <summary>Where the animal lies in the photo.</summary>
/// <param name="Center">Centre of the spine's bounding box, in pixels.</param>
/// <param name="Heading">Direction from snout to tail at the snout, radians in image coordinates (π/2: head up, tail down).</param>
/// <param name="Length">Snout-to-tail-tip length along the spine, in pixels.</param>
public sealed record NewtPlacement(SKPoint Center, float Heading, float Length);

/// <summary>Everything about the photo that is not the animal.</summary>
public sealed record PhotoConditions(
    SKColor Background, float TextureStrength, float Vignetting, float LightGradient, float LightDirection,
    float Exposure, float Temperature, float ShadowOpacity, SKPoint ShadowOffset, float BlurSigma, float Noise,
    int JpegQuality, int NoiseSeed)
{
    /// <summary>Plain conditions: white background, no blur, no noise, no effects.</summary>
    public static PhotoConditions Clean { get; } = new(new SKColor(235, 235, 232), 0, 0, 0, 0, 1, 0, 0, default, 0, 0, 95, 1);
}

/// <summary>One photo to render: which animal, how it lies, where, and under what conditions.</summary>
public sealed record NewtScene(NewtIndividual Individual, NewtPosture Posture, NewtPlacement Placement, PhotoConditions Conditions, int Width, int Height);
