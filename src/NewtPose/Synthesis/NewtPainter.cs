using SkiaSharp;

namespace NewtPose.Synthesis;

/// <summary>Draws the animal from its <see cref="NewtBody"/>: flat part colours, its shadow, or a photo-like belly.</summary>
internal static class NewtPainter
{
    public static void PaintParts(SKCanvas canvas, NewtBody body)
    {
        using var paint = new SKPaint { IsAntialias = false, Style = SKPaintStyle.Fill };
        foreach (var limb in body.Limbs) PaintLimbShape(canvas, limb, NewtParts.Limb(limb.IsFore, limb.Side), antialias: false);
        void Band(float a, float b, SKColor color) { using var path = body.Ribbon(a, b, body.HalfWidth); paint.Color = color; canvas.DrawPath(path, paint); }
        Band(0, NewtBody.NeckS, NewtParts.Head);
        Band(NewtBody.NeckS, NewtBody.TailS, NewtParts.Trunk);
        Band(NewtBody.TailS, 1, NewtParts.Tail);
        using var cloaca = Cloaca(body, 1f);
        paint.Color = NewtParts.Cloaca;
        canvas.DrawPath(cloaca, paint);
    }

    public static void PaintShadow(SKCanvas canvas, NewtBody body, PhotoConditions conditions)
    {
        if (conditions.ShadowOpacity <= 0) return;
        using var layer = new SKPaint { Color = SKColors.Black.WithAlpha((byte)(255 * conditions.ShadowOpacity)) };
        canvas.SaveLayer(layer);
        canvas.Translate(conditions.ShadowOffset.X, conditions.ShadowOffset.Y);
        using var blur = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, 0.006f * body.Length);
        using var paint = new SKPaint { IsAntialias = true, Color = SKColors.Black, MaskFilter = blur };
        using var outline = body.Ribbon(0, 1, body.HalfWidth);
        canvas.DrawPath(outline, paint);
        foreach (var limb in body.Limbs) PaintLimbShape(canvas, limb, SKColors.Black, antialias: true, blur);
        canvas.Restore();
    }

    public static void PaintPhoto(SKCanvas canvas, NewtBody body)
    {
        var ind = body.Individual;
        var L = body.Length;
        var random = new Random(ind.SpeckleSeed);
        foreach (var limb in body.Limbs) PaintLimb(canvas, body, limb, random);

        using var outline = body.Ribbon(0, 1, body.HalfWidth);
        using var fill = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill, Color = ind.FlankColor };
        canvas.DrawPath(outline, fill);

        canvas.Save();
        canvas.ClipPath(outline, antialias: true);
        PaintThroat(canvas, body, random);
        PaintBelly(canvas, body);
        PaintFlankSpeckles(canvas, body, random);
        PaintGranules(canvas, body, random);
        PaintTailStripe(canvas, body);
        PaintCloaca(canvas, body);
        PaintMouthAndFold(canvas, body);
        // Rounded body: darken toward the outline, then a wet highlight along the belly.
        using (var rimBlur = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, 0.008f * L))
        using (var rim = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 0.012f * L, Color = SKColors.Black.WithAlpha(120), MaskFilter = rimBlur })
            canvas.DrawPath(outline, rim);
        using (var shineBlur = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, 0.01f * L))
        using (var shine = new SKPaint { IsAntialias = true, Color = SKColors.White.WithAlpha(48), MaskFilter = shineBlur })
        using (var highlight = body.Ribbon(0.04f, 0.9f, s => body.HalfWidth(s) * 0.22f))
        {
            canvas.Translate(body.LeftNormal(0.3f).X * 0.012f * L, body.LeftNormal(0.3f).Y * 0.012f * L);
            canvas.DrawPath(highlight, shine);
        }
        canvas.Restore();
    }

    private static void PaintBelly(SKCanvas canvas, NewtBody body)
    {
        var ind = body.Individual;
        var L = body.Length;
        float a = NewtBody.GularS + 0.006f, b = NewtBody.CloacaS - 0.012f;
        float Edge(float s)
        {
            var u = (s - a) / (b - a);
            var x = u * (ind.BellyEdgeNoise.Count - 1);
            var i = Math.Clamp((int)x, 0, ind.BellyEdgeNoise.Count - 2);
            var noise = ind.BellyEdgeNoise[i] + (ind.BellyEdgeNoise[i + 1] - ind.BellyEdgeNoise[i]) * (x - i);
            var ends = MathF.Sqrt(Math.Clamp(Math.Min(u, 1 - u) * 12, 0, 1));
            return body.HalfWidth(s) * (0.74f + 0.08f * noise) * ends;
        }
        using var belly = body.Ribbon(a, b, Edge, 0.0015f);
        using var paint = new SKPaint { IsAntialias = true, Color = ind.BellyEdgeColor };
        canvas.DrawPath(belly, paint);
        using (var soft = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, 0.006f * L))
        using (var inner = body.Ribbon(a + 0.01f, b - 0.01f, s => Edge(s) * 0.7f))
        {
            paint.Color = ind.BellyColor; paint.MaskFilter = soft;
            canvas.DrawPath(inner, paint);
            paint.MaskFilter = null;
        }
        canvas.Save();
        canvas.ClipPath(belly, antialias: true);
        // Mottling: the belly colour is never flat.
        var mottle = new Random(ind.SpeckleSeed ^ 0x2545F491);
        using (var blotchBlur = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, 0.006f * L))
        {
            paint.MaskFilter = blotchBlur;
            for (var i = 0; i < 26; i++)
            {
                var s = a + mottle.NextSingle() * (b - a);
                paint.Color = (mottle.Next(2) == 0 ? ind.BellyEdgeColor : SKColor.FromHsv(50, 70, 100)).WithAlpha((byte)(40 + mottle.Next(50)));
                canvas.DrawCircle(body.Local(s, (mottle.NextSingle() * 2 - 1) * Edge(s)), (0.006f + 0.012f * mottle.NextSingle()) * L, paint);
            }
            paint.MaskFilter = null;
        }
        paint.Color = new SKColor(18, 14, 12);
        foreach (var spot in ind.Spots)
        {
            var s = a + spot.U * (b - a);
            using var blob = Blob(body, s, spot.V * Edge(s), spot);
            canvas.DrawPath(blob, paint);
        }
        canvas.Restore();
    }

    /// <summary>A spot outline built in body coordinates (along, across) and mapped through the spine, so it bends with the body.</summary>
    private static SKPath Blob(NewtBody body, float s, float lateral, BellySpot spot)
    {
        var n = spot.Shape.Count;
        var pts = new SKPoint[n];
        float cos = MathF.Cos(spot.Angle), sin = MathF.Sin(spot.Angle);
        for (var i = 0; i < n; i++)
        {
            var t = 2 * MathF.PI * i / n;
            float along = MathF.Cos(t) * spot.Radius * spot.Shape[i] * spot.Elongation, across = MathF.Sin(t) * spot.Radius * spot.Shape[i];
            pts[i] = body.Local(s + along * cos - across * sin, lateral + along * sin + across * cos);
        }
        return SmoothClosed(pts);
    }

    private static SKPath SmoothClosed(SKPoint[] pts)
    {
        var path = new SKPath();
        var n = pts.Length;
        path.MoveTo(Mid(pts[n - 1], pts[0]));
        for (var i = 0; i < n; i++) path.QuadTo(pts[i], Mid(pts[i], pts[(i + 1) % n]));
        path.Close();
        return path;
    }

    private static SKPoint Mid(SKPoint a, SKPoint b) => new((a.X + b.X) / 2, (a.Y + b.Y) / 2);

    private static void PaintThroat(SKCanvas canvas, NewtBody body, Random random)
    {
        var ind = body.Individual;
        var L = body.Length;
        using var throat = body.Ribbon(0.03f, NewtBody.GularS, s => body.HalfWidth(s) * 0.78f);
        using var soft = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, 0.004f * L);
        var baseColor = ind.LightThroat ? ind.BellyEdgeColor : Shade(ind.FlankColor, 1.3f);
        using var paint = new SKPaint { IsAntialias = true, Color = baseColor, MaskFilter = soft };
        canvas.DrawPath(throat, paint);
        paint.MaskFilter = null;
        paint.Color = ind.LightThroat ? new SKColor(25, 20, 18) : new SKColor(225, 220, 200, 200);
        for (var i = 0; i < 70; i++)
        {
            var s = 0.035f + random.NextSingle() * (NewtBody.GularS - 0.04f);
            var p = body.Local(s, (random.NextSingle() * 2 - 1) * body.HalfWidth(s) * 0.8f);
            canvas.DrawCircle(p, (0.0012f + random.NextSingle() * (ind.LightThroat ? 0.004f : 0.002f)) * L, paint);
        }
    }

    private static void PaintFlankSpeckles(SKCanvas canvas, NewtBody body, Random random)
    {
        var L = body.Length;
        using var paint = new SKPaint { IsAntialias = true };
        for (var i = 0; i < 260; i++)
        {
            var s = 0.02f + random.NextSingle() * 0.9f;
            var side = random.Next(2) * 2 - 1;
            var lateral = side * body.HalfWidth(s) * (0.76f + 0.22f * random.NextSingle());
            var grey = (byte)(150 + random.Next(90));
            paint.Color = new SKColor(grey, grey, (byte)(grey - 10), (byte)(120 + random.Next(120)));
            canvas.DrawCircle(body.Local(s, lateral), (0.0007f + random.NextSingle() * 0.0016f) * L, paint);
        }
    }

    /// <summary>Granular skin: many faint light and dark dots over the whole body.</summary>
    private static void PaintGranules(SKCanvas canvas, NewtBody body, Random random)
    {
        var L = body.Length;
        using var paint = new SKPaint { IsAntialias = true };
        for (var i = 0; i < 1400; i++)
        {
            var s = random.NextSingle();
            var p = body.Local(s, (random.NextSingle() * 2 - 1) * body.HalfWidth(s));
            paint.Color = random.Next(2) == 0 ? SKColors.Black.WithAlpha((byte)(25 + random.Next(35))) : SKColors.White.WithAlpha((byte)(12 + random.Next(25)));
            canvas.DrawCircle(p, (0.0008f + 0.0012f * random.NextSingle()) * L, paint);
        }
    }

    private static void PaintTailStripe(SKCanvas canvas, NewtBody body)
    {
        const float start = NewtBody.TailS + 0.005f, end = 0.93f;
        using var stripe = body.Ribbon(start, end, s => body.HalfWidth(s) * 0.32f * MathF.Min(1, (end - s) * 8) * MathF.Min(1, (s - start) * 14));
        using var soft = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, 0.003f * body.Length);
        using var paint = new SKPaint { IsAntialias = true, Color = body.Individual.BellyColor.WithAlpha(210), MaskFilter = soft };
        canvas.DrawPath(stripe, paint);
    }

    private static SKPath Cloaca(NewtBody body, float scale)
    {
        var ind = body.Individual;
        var L = body.Length;
        var center = body.Spine(NewtBody.CloacaS);
        var t = body.Tangent(NewtBody.CloacaS);
        var path = new SKPath();
        path.AddOval(new SKRect(-0.018f * L * ind.CloacaSize * scale, -0.011f * L * ind.CloacaSize * scale,
            0.018f * L * ind.CloacaSize * scale, 0.011f * L * ind.CloacaSize * scale));
        path.Transform(SKMatrix.CreateRotation(MathF.Atan2(t.Y, t.X)).PostConcat(SKMatrix.CreateTranslation(center.X, center.Y)));
        return path;
    }

    private static void PaintCloaca(SKCanvas canvas, NewtBody body)
    {
        var L = body.Length;
        using var soft = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, 0.003f * L);
        // The swollen vent: a paler rounded bulge, shaded darker round its rim, with the slit along the midline.
        using var swelling = Cloaca(body, 1.15f);
        using var paint = new SKPaint { IsAntialias = true, Color = Shade(body.Individual.FlankColor, 1.6f), MaskFilter = soft };
        canvas.DrawPath(swelling, paint);
        using var core = Cloaca(body, 0.7f);
        paint.Color = Shade(body.Individual.FlankColor, 2.2f).WithAlpha(160);
        canvas.DrawPath(core, paint);
        paint.MaskFilter = null;
        paint.Style = SKPaintStyle.Stroke; paint.StrokeWidth = 0.002f * L; paint.Color = new SKColor(8, 6, 5); paint.StrokeCap = SKStrokeCap.Round;
        canvas.DrawLine(body.Spine(NewtBody.CloacaS - 0.012f), body.Spine(NewtBody.CloacaS + 0.012f), paint);
    }

    private static void PaintMouthAndFold(SKCanvas canvas, NewtBody body)
    {
        var L = body.Length;
        using var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeCap = SKStrokeCap.Round };
        // Lower-jaw margin: a pale line just inside the head outline, from one jaw corner round the snout to the other.
        using var lip = new SKPath();
        for (var i = 0; i <= 60; i++)
        {
            var s = NewtBody.JawS * (1 - i / 60f);
            var p = body.Local(s, Math.Max(0, body.HalfWidth(s) - 0.004f));
            if (i == 0) lip.MoveTo(p); else lip.LineTo(p);
        }
        for (var i = 0; i <= 60; i++) { var s = NewtBody.JawS * i / 60f; lip.LineTo(body.Local(s, -Math.Max(0, body.HalfWidth(s) - 0.004f))); }
        paint.StrokeWidth = 0.0025f * L; paint.Color = new SKColor(200, 190, 170, 110);
        canvas.DrawPath(lip, paint);
        // Gular fold: a dark crease across the throat, bowed toward the tail.
        using var fold = new SKPath();
        var w = body.HalfWidth(NewtBody.GularS);
        fold.MoveTo(body.Local(NewtBody.GularS - 0.008f, 0.9f * w));
        fold.QuadTo(body.Local(NewtBody.GularS + 0.008f, 0), body.Local(NewtBody.GularS - 0.008f, -0.9f * w));
        paint.StrokeWidth = 0.003f * L; paint.Color = new SKColor(20, 15, 12, 170);
        canvas.DrawPath(fold, paint);
    }

    private static void PaintLimb(SKCanvas canvas, NewtBody body, NewtLimb limb, Random random)
    {
        var ind = body.Individual;
        PaintLimbShape(canvas, limb, Shade(ind.FlankColor, 0.75f), antialias: true);
        using var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeCap = SKStrokeCap.Round };
        // A lighter core gives the limb volume; the darker shape around it reads as its rounded edge.
        using (var soft = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, limb.LowerWidth * 0.2f))
        {
            paint.MaskFilter = soft; paint.Color = Shade(ind.FlankColor, 1.25f);
            paint.StrokeWidth = limb.UpperWidth * 0.5f; canvas.DrawLine(limb.Root, limb.Joint, paint);
            paint.StrokeWidth = limb.LowerWidth * 0.5f; canvas.DrawLine(limb.Joint, limb.Foot, paint);
            paint.MaskFilter = null;
        }
        // Orange-yellow sole and digits with dark bands, as on the underside of crested newt feet.
        paint.Color = ind.BellyEdgeColor; paint.StrokeWidth = limb.DigitWidth * 0.8f;
        foreach (var tip in limb.DigitTips) canvas.DrawLine(limb.Foot, tip, paint);
        paint.Style = SKPaintStyle.Fill;
        canvas.DrawCircle(limb.Foot, limb.LowerWidth * 0.42f, paint);
        // Darker digit tips, as the tubercles under the toes are.
        paint.Color = Shade(ind.BellyEdgeColor, 0.55f).WithAlpha(170);
        foreach (var tip in limb.DigitTips) canvas.DrawCircle(tip, limb.DigitWidth * 0.35f, paint);
        paint.Color = new SKColor(230, 225, 210, 160);
        for (var i = 0; i < 10; i++)
        {
            var p = limb.Root + NewtBody.Scale(limb.Joint - limb.Root, random.NextSingle());
            var q = limb.Joint + NewtBody.Scale(limb.Foot - limb.Joint, random.NextSingle());
            canvas.DrawCircle(i % 2 == 0 ? p : q, limb.DigitWidth * (0.15f + 0.2f * random.NextSingle()), paint);
        }
    }

    /// <summary>Upper and lower segments as tapering shapes with rounded joints, a palm, and the digits.</summary>
    private static void PaintLimbShape(SKCanvas canvas, NewtLimb limb, SKColor color, bool antialias, SKMaskFilter? blur = null)
    {
        using var paint = new SKPaint { IsAntialias = antialias, Style = SKPaintStyle.Fill, Color = color, MaskFilter = blur };
        using var shape = LimbOutline(limb);
        canvas.DrawPath(shape, paint);
        paint.Style = SKPaintStyle.Stroke; paint.StrokeCap = SKStrokeCap.Round;
        paint.StrokeWidth = limb.DigitWidth;
        foreach (var tip in limb.DigitTips) canvas.DrawLine(limb.Foot, tip, paint);
    }

    /// <summary>The arm or leg as one filled path: thigh or upper arm narrowing to the joint, shank or forearm narrowing
    /// to the wrist, round joints, and the palm.</summary>
    internal static SKPath LimbOutline(NewtLimb limb)
    {
        // Parts are unioned (not just appended) so that overlapping contours of opposite winding never leave holes.
        var parts = new[]
        {
            Taper(limb.Root, limb.Joint, limb.UpperWidth / 2, limb.LowerWidth * 0.58f),
            Taper(limb.Joint, limb.Foot, limb.LowerWidth / 2, limb.LowerWidth * 0.36f),
            Circle(limb.Root, limb.UpperWidth / 2), Circle(limb.Joint, limb.LowerWidth * 0.58f), Circle(limb.Foot, limb.LowerWidth * 0.62f),
        };
        var union = new SKPath();
        foreach (var part in parts)
        {
            using (part)
            {
                var next = union.Op(part, SKPathOp.Union) ?? throw new InvalidOperationException("Skia could not union the limb outline.");
                union.Dispose();
                union = next;
            }
        }
        return union;
    }

    private static SKPath Circle(SKPoint c, float r) { var p = new SKPath(); p.AddCircle(c.X, c.Y, r); return p; }

    private static SKPath Taper(SKPoint a, SKPoint b, float ra, float rb)
    {
        var path = new SKPath();
        var d = b - a;
        var length = d.Length;
        if (length <= 0) return path;
        var n = new SKPoint(-d.Y / length, d.X / length);
        path.MoveTo(a + NewtBody.Scale(n, ra));
        path.LineTo(b + NewtBody.Scale(n, rb));
        path.LineTo(b - NewtBody.Scale(n, rb));
        path.LineTo(a - NewtBody.Scale(n, ra));
        path.Close();
        return path;
    }

    private static SKColor Shade(SKColor c, float f) =>
        new((byte)Math.Min(255, c.Red * f), (byte)Math.Min(255, c.Green * f), (byte)Math.Min(255, c.Blue * f), c.Alpha);
}
