using SkiaSharp;

namespace NewtPose.Synthesis;

/// <summary>A limb in image pixels: root inside the body, attachment on the body outline (the shoulder or hip keypoint),
/// joint (elbow or knee), foot (palm centre) and digit tips.</summary>
public sealed record NewtLimb(SKPoint Root, SKPoint Attachment, SKPoint Joint, SKPoint Foot, IReadOnlyList<SKPoint> DigitTips,
    float UpperWidth, float LowerWidth, float DigitWidth, bool IsFore, int Side);

/// <summary>
/// The animal's geometry in image pixels, built from one spine curve: the centre line runs from the snout tip (s = 0)
/// to the tail tip (s = 1) with a heading that turns by the posture's bends; outlines are the spine offset by a width
/// profile, limbs hang from points on the outline. Keypoints are read from the same geometry, so they are exact.
/// Lateral offsets are positive toward the ANIMAL's left, which in a ventral view is the viewer's right when the head
/// points up.
/// </summary>
public sealed class NewtBody
{
    // Landmarks along the spine, as fractions of the total length (great crested newt proportions: snout-vent ≈ half).
    public const float JawS = 0.085f, GularS = 0.105f, NeckS = 0.125f, ForeS = 0.16f, HindS = 0.47f, CloacaS = 0.505f, TailS = 0.53f;
    private const int Samples = 500;
    // The tail ends in a small round cap rather than a zero-width point, so its tip is made of pixels a labeller can see.
    private const float TailTipRadius = 0.0025f;

    private static readonly float[] WidthS = [0, 0.004f, 0.012f, 0.03f, 0.06f, 0.085f, 0.105f, 0.125f, 0.16f, 0.22f, 0.32f, 0.42f, 0.47f, 0.505f, 0.53f, 0.65f, 0.8f, 0.93f, 1];
    private static readonly float[] WidthW = [0, 0.015f, 0.025f, 0.035f, 0.042f, 0.045f, 0.04f, 0.037f, 0.039f, 0.046f, 0.05f, 0.047f, 0.041f, 0.033f, 0.027f, 0.02f, 0.013f, 0.0065f, TailTipRadius];

    private readonly SKPoint[] _points = new SKPoint[Samples + 1];
    private readonly SKPoint[] _tangents = new SKPoint[Samples + 1];
    private readonly float[] _widths;

    private NewtBody(NewtIndividual individual, NewtPosture posture, NewtPlacement placement)
    {
        Individual = individual;
        Length = placement.Length;
        var theta = placement.Heading;
        var ds = 1f / Samples;
        var p = SKPoint.Empty;
        for (var i = 0; i <= Samples; i++)
        {
            var s = i * ds;
            _points[i] = p;
            _tangents[i] = new SKPoint(MathF.Cos(theta), MathF.Sin(theta));
            var mid = theta + 0.5f * ds * Curvature(posture, s);
            theta += ds * Curvature(posture, s + 0.5f * ds);
            p += new SKPoint(MathF.Cos(mid) * Length * ds, MathF.Sin(mid) * Length * ds);
        }
        float minX = _points.Min(q => q.X), maxX = _points.Max(q => q.X), minY = _points.Min(q => q.Y), maxY = _points.Max(q => q.Y);
        var shift = placement.Center - new SKPoint((minX + maxX) / 2, (minY + maxY) / 2);
        for (var i = 0; i <= Samples; i++) _points[i] += shift;

        _widths = WidthW.Select((w, k) => w * (WidthS[k] < NeckS ? individual.HeadScale : WidthS[k] < TailS ? individual.WidthScale : individual.TailWidthScale)).ToArray();
        Limbs =
        [
            BuildLimb(posture.LeftFore, ForeS, +1, fore: true), BuildLimb(posture.RightFore, ForeS, -1, fore: true),
            BuildLimb(posture.LeftHind, HindS, +1, fore: false), BuildLimb(posture.RightHind, HindS, -1, fore: false),
        ];
    }

    public NewtIndividual Individual { get; }
    /// <summary>Snout-to-tail-tip length in pixels.</summary>
    public float Length { get; }
    /// <summary>Left fore, right fore, left hind, right hind.</summary>
    public IReadOnlyList<NewtLimb> Limbs { get; }

    public static NewtBody Build(NewtScene scene) => new(scene.Individual, scene.Posture, scene.Placement);

    /// <summary>True when the tail would lie across the trunk or head (such postures are not sampled).</summary>
    public static bool TailCrossesTrunk(NewtPosture posture)
    {
        var body = new NewtBody(NewtIndividual.Create("probe", 1), posture, new NewtPlacement(SKPoint.Empty, 0, 1));
        for (var i = (int)(0.62f * Samples); i <= Samples; i += 2)
            for (var j = 0; j < (int)(0.5f * Samples); j += 2)
                if (SKPoint.Distance(body._points[i], body._points[j]) < 1.6f * (body.HalfWidth(i / (float)Samples) + body.HalfWidth(j / (float)Samples)) + 0.04f)
                    return true;
        return false;
    }

    public SKPoint Spine(float s) => Interpolate(_points, s);
    /// <summary>Unit direction from snout toward tail.</summary>
    public SKPoint Tangent(float s) { var t = Interpolate(_tangents, s); return Normalize(t); }
    /// <summary>Unit direction toward the animal's left: the tangent turned a quarter clockwise on screen (y down).</summary>
    public SKPoint LeftNormal(float s) { var t = Tangent(s); return new SKPoint(t.Y, -t.X); }
    /// <summary>The point at spine position s, offset sideways by <paramref name="lateral"/> body lengths (positive: animal's left).</summary>
    public SKPoint Local(float s, float lateral) => Spine(s) + Scale(LeftNormal(s), lateral * Length);
    /// <summary>Half the body width at s, in body lengths (the smooth profile through the width table).</summary>
    public float HalfWidth(float s)
    {
        s = Math.Clamp(s, 0, 1);
        var k = 0;
        while (k < WidthS.Length - 2 && s > WidthS[k + 1]) k++;
        float s0 = WidthS[k], s1 = WidthS[k + 1], h = s1 - s0, t = (s - s0) / h;
        float m0 = Slope(k) * h, m1 = Slope(k + 1) * h;
        float t2 = t * t, t3 = t2 * t;
        return Math.Max(0, (2 * t3 - 3 * t2 + 1) * _widths[k] + (t3 - 2 * t2 + t) * m0 + (-2 * t3 + 3 * t2) * _widths[k + 1] + (t3 - t2) * m1);
    }

    /// <summary>A closed band between s = a and s = b whose half-width (body lengths) is given per s.</summary>
    public SKPath Ribbon(float a, float b, Func<float, float> halfWidth, float step = 0.002f)
    {
        var n = Math.Max(2, (int)MathF.Ceiling((b - a) / step));
        var path = new SKPath();
        for (var i = 0; i <= n; i++)
        {
            var s = a + (b - a) * i / n;
            var q = Local(s, halfWidth(s));
            if (i == 0) path.MoveTo(q); else path.LineTo(q);
        }
        if (b >= 1 && halfWidth(1) > 0)
        {
            // Round cap at the tail tip: a half circle from the left edge to the right edge.
            var c = Spine(1);
            var r = halfWidth(1) * Length;
            path.ArcTo(new SKRect(c.X - r, c.Y - r, c.X + r, c.Y + r), Degrees(LeftNormal(1)), 180, false);
        }
        for (var i = n; i >= 0; i--) { var s = a + (b - a) * i / n; path.LineTo(Local(s, -halfWidth(s))); }
        path.Close();
        return path;
    }

    /// <summary>The smallest rectangle holding the whole animal: body outline, limbs and digits.</summary>
    public SKRect Bounds()
    {
        using var outline = Ribbon(0, 1, HalfWidth);
        var bounds = outline.Bounds;
        foreach (var limb in Limbs)
            foreach (var p in limb.DigitTips.Append(limb.Joint).Append(limb.Foot))
                bounds.Union(new SKRect(p.X - limb.UpperWidth / 2, p.Y - limb.UpperWidth / 2, p.X + limb.UpperWidth / 2, p.Y + limb.UpperWidth / 2));
        return bounds;
    }

    /// <summary>The 21 keypoints in <see cref="NewtSkeleton"/> order, in pixels (before any visibility decision).</summary>
    public SKPoint[] Keypoints()
    {
        var k = new SKPoint[NewtSkeleton.Count];
        k[NewtSkeleton.SnoutTip] = Spine(0);
        k[NewtSkeleton.LeftJawCorner] = Local(JawS, HalfWidth(JawS));
        k[NewtSkeleton.RightJawCorner] = Local(JawS, -HalfWidth(JawS));
        k[NewtSkeleton.Throat] = Spine(GularS);
        k[NewtSkeleton.Chest] = Spine(ForeS);
        k[NewtSkeleton.LeftShoulder] = Limbs[0].Attachment; k[NewtSkeleton.RightShoulder] = Limbs[1].Attachment;
        k[NewtSkeleton.LeftElbow] = Limbs[0].Joint; k[NewtSkeleton.RightElbow] = Limbs[1].Joint;
        k[NewtSkeleton.LeftForefoot] = Limbs[0].Foot; k[NewtSkeleton.RightForefoot] = Limbs[1].Foot;
        k[NewtSkeleton.TrunkMid] = Spine((ForeS + HindS) / 2);
        k[NewtSkeleton.LeftHip] = Limbs[2].Attachment; k[NewtSkeleton.RightHip] = Limbs[3].Attachment;
        k[NewtSkeleton.LeftKnee] = Limbs[2].Joint; k[NewtSkeleton.RightKnee] = Limbs[3].Joint;
        k[NewtSkeleton.LeftHindfoot] = Limbs[2].Foot; k[NewtSkeleton.RightHindfoot] = Limbs[3].Foot;
        k[NewtSkeleton.Cloaca] = Spine(CloacaS);
        k[NewtSkeleton.TailMid] = Spine((CloacaS + 1) / 2);
        k[NewtSkeleton.TailTip] = Spine(1) + Scale(Tangent(1), HalfWidth(1) * Length);
        return k;
    }

    private NewtLimb BuildLimb(LimbPosture posture, float s, int side, bool fore)
    {
        var scale = Individual.LimbScale * Length;
        float upperLength = (fore ? 0.042f : 0.046f) * scale, lowerLength = (fore ? 0.038f : 0.042f) * scale, digitLength = (fore ? 0.02f : 0.024f) * scale;
        var outward = Scale(LeftNormal(s), side);
        var forward = Scale(Tangent(s), -1);
        SKPoint Direction(float angle) => Scale(outward, MathF.Cos(angle)) + Scale(forward, MathF.Sin(angle));
        var attachment = Local(s, side * HalfWidth(s));
        var root = Local(s, side * HalfWidth(s) * 0.55f);
        var joint = attachment + Scale(Direction(posture.Upper), upperLength);
        var foot = joint + Scale(Direction(posture.Lower), lowerLength);
        var digits = fore ? 4 : 5;
        var tips = new SKPoint[digits];
        for (var d = 0; d < digits; d++)
        {
            var f = d / (digits - 1f) * 2 - 1;          // -1 .. 1 across the fan
            var angle = posture.Foot + f * posture.Spread;
            var length = digitLength * (1.05f - 0.35f * f * f + (fore ? 0 : 0.15f * f)); // middle digits longest
            tips[d] = foot + Scale(Direction(angle), length);
        }
        return new NewtLimb(root, attachment, joint, foot, tips,
            (fore ? 0.027f : 0.033f) * scale, (fore ? 0.02f : 0.024f) * scale, (fore ? 0.0065f : 0.0075f) * scale, fore, side);
    }

    private float Slope(int k)
    {
        if (k == 0) return (_widths[1] - _widths[0]) / (WidthS[1] - WidthS[0]);
        if (k == WidthS.Length - 1) return (_widths[k] - _widths[k - 1]) / (WidthS[k] - WidthS[k - 1]);
        return (_widths[k + 1] - _widths[k - 1]) / (WidthS[k + 1] - WidthS[k - 1]);
    }

    private static float Curvature(NewtPosture p, float s)
    {
        const float neckA = 0.09f, neckB = 0.14f, trunk = TailS - neckB, tail = 1 - TailS;
        var k = 0f;
        if (s is > neckA and < neckB) k += p.HeadTurn * (1 - MathF.Cos(2 * MathF.PI * (s - neckA) / (neckB - neckA))) / (neckB - neckA);
        if (s is >= neckB and < TailS)
            k += p.TrunkBend / trunk + p.TrunkWave * MathF.PI / trunk * MathF.Sin(2 * MathF.PI * (s - neckB) / trunk);
        if (s >= TailS)
            k += p.TailBend * 2 * (s - TailS) / (tail * tail) + p.TailWave * MathF.PI / tail * MathF.Sin(2 * MathF.PI * (s - TailS) / tail);
        return k;
    }

    private static SKPoint Interpolate(SKPoint[] values, float s)
    {
        var x = Math.Clamp(s, 0, 1) * Samples;
        var i = Math.Min((int)x, Samples - 1);
        var t = x - i;
        return values[i] + Scale(values[i + 1] - values[i], t);
    }

    private static float Degrees(SKPoint direction) => MathF.Atan2(direction.Y, direction.X) * 180 / MathF.PI;

    internal static SKPoint Scale(SKPoint p, float f) => new(p.X * f, p.Y * f);
    private static SKPoint Normalize(SKPoint p) { var l = p.Length; return l > 0 ? new SKPoint(p.X / l, p.Y / l) : new SKPoint(1, 0); }
}
