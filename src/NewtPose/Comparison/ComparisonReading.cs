using System.Globalization;
using NewtPose.Evaluation;

namespace NewtPose.Comparison;

/// <summary>
/// What a comparison's table says, in sentences a lab can act on, drawn from the same rows as the table: at every train
/// size which variant has the lowest found-crop mean error and by how much the others trail, and for every variant what
/// each step up in labelled photos bought. A difference is called <b>clear</b> only when it exceeds twice its standard
/// error over the seeds (√(sd₁²/n₁ + sd₂²/n₂)); with one seed there is no spread and nothing is called clear. With two or
/// three seeds this is a rough rule: it keeps a reader from trusting a gap the seeds alone could make, no more.
/// </summary>
public static class ComparisonReading
{
    /// <summary>How two figures compare over their seeds.</summary>
    public enum Verdict
    {
        /// <summary>The gap is more than twice its standard error.</summary>
        Clear,
        /// <summary>The gap is within twice its standard error: the seeds alone could make it.</summary>
        WithinNoise,
        /// <summary>A side has one seed: no spread to judge by.</summary>
        NoSpread,
    }

    /// <summary>The verdict on the gap between two spreads.</summary>
    public static Verdict Judge(Spread a, Spread b)
    {
        if (a.Sd is not { } sa || b.Sd is not { } sb) return Verdict.NoSpread;
        var standardError = Math.Sqrt(sa * sa / a.Count + sb * sb / b.Count);
        return Math.Abs(a.Mean - b.Mean) > 2 * standardError ? Verdict.Clear : Verdict.WithinNoise;
    }

    /// <summary>The sentences: one per train size with more than one variant, then one per variant with more than one train size.</summary>
    public static IReadOnlyList<string> Lines(ComparisonResults results)
    {
        var px = MetricColumns.MeanPxError;
        var lines = new List<string>();
        var scored = results.Rows.Where(r => r.Figure(px) is not null).ToArray();
        foreach (var size in scored.GroupBy(r => r.TrainPhotos).OrderBy(g => g.Key))
        {
            var ranked = size.OrderBy(r => r.Figure(px)!.Mean).ToArray();
            if (ranked.Length < 2) continue;
            var best = ranked[0];
            var others = ranked.Skip(1).Select(r =>
                $"{r.Variant} {Px(r.Figure(px)!)} (+{Number(r.Figure(px)!.Mean - best.Figure(px)!.Mean)} px, {Words(Judge(best.Figure(px)!, r.Figure(px)!))})");
            lines.Add($"With {size.Key} labelled photo{(size.Key == 1 ? "" : "s")} the lowest error is {best.Variant}'s, {Px(best.Figure(px)!)} px; then {string.Join("; ", others)}.");
        }
        foreach (var variant in scored.GroupBy(r => r.Variant))
        {
            var bySize = variant.OrderBy(r => r.TrainPhotos).ToArray();
            if (bySize.Length < 2) continue;
            var steps = bySize.Zip(bySize.Skip(1), (from, to) =>
            {
                var (a, b) = (from.Figure(px)!, to.Figure(px)!);
                var change = b.Mean - a.Mean;
                return $"{from.TrainPhotos} → {to.TrainPhotos}: {(change <= 0 ? "−" : "+")}{Number(Math.Abs(change))} px ({Words(Judge(a, b))})";
            });
            var last = bySize[^2..];
            var tail = Judge(last[0].Figure(px)!, last[1].Figure(px)!) == Verdict.Clear && last[1].Figure(px)!.Mean < last[0].Figure(px)!.Mean
                ? "the last step still helps clearly: more labels are likely to pay"
                : "the last step gains nothing clear: more labels of the same kind may buy little under this budget";
            lines.Add($"{variant.Key}, mean px error as photos are added: {string.Join("; ", steps)}; {tail}.");
        }
        return lines;
    }

    /// <summary>What <see cref="Lines"/> assumes, for the files that show it.</summary>
    public const string Rule = "A gap is called clear when it exceeds twice its standard error over the seeds (a rough rule with two or three seeds); figures are test mean px error, the animal found by the model.";

    private static string Words(Verdict v) => v switch
    {
        Verdict.Clear => "clear",
        Verdict.WithinNoise => "within the seeds' noise",
        _ => "one seed, no spread",
    };

    private static string Px(Spread s) => Spread.Format(s, MetricKind.Pixels);
    private static string Number(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
}
