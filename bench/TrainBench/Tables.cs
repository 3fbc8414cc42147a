using System.Globalization;
using System.Text;
using NewtPose.Evaluation;
using NewtPose.Training;

/// <summary>Markdown tables of benchmark results, ready to paste into docs/.</summary>
internal static class Tables
{
    private static string F(double? v, string format) => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "n/a";
    /// <summary>PCK@0.05 of a validation record, as every table writes it.</summary>
    private static string Pck(PointStatistics? v) => v is null ? "n/a" : MetricColumns.Pck005.Format(v);
    private static string Load(BenchResult r) => r.LoadAverages.Count == 0 ? "n/a"
        : $"{r.LoadAverages.Average():F1} ({r.LoadAverages.Min():F1}–{r.LoadAverages.Max():F1})";
    private static string Epochs(BenchResult r) => $"{r.Epochs.Count}/{r.Options.Epochs}" + (r.StoppedByWallBudget ? " (wall cap)" : "");

    public static string Transfer(IReadOnlyList<BenchResult> runs, double threshold)
    {
        var s = new StringBuilder();
        s.AppendLine($"| start | epochs run | first epoch with val PCK@0.05 ≥ {threshold:G3} | wall time to it | best val mean px error (epoch) | val PCK@0.05 at best | last-epoch val mean px / PCK@0.05 | train img/s (mean) | wall (s) | load avg 1-min per epoch: mean (min–max) |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in runs)
        {
            var hit = Milestones.FirstPck005(r.Epochs, threshold);
            var best = Milestones.Best(r.Epochs);
            var last = r.Epochs.Count > 0 ? r.Epochs[^1].Validation : null;
            s.AppendLine($"| {r.Label} | {Epochs(r)} | {(hit is null ? "not reached" : hit.Epoch.ToString(CultureInfo.InvariantCulture))} | " +
                $"{(hit is null ? "—" : F(hit.Seconds / 60, "F1") + " min")} | {F(best?.Validation?.MeanPxError, "F2")} ({best?.Epoch.ToString(CultureInfo.InvariantCulture) ?? "—"}) | " +
                $"{Pck(best?.Validation)} | {F(last?.MeanPxError, "F2")} / {Pck(last)} | {F(MeanRate(r), "F1")} | {r.WallSeconds:F0} | {Load(r)} |");
        }
        return s.ToString();
    }

    public static string Real(BenchResult r)
    {
        var s = new StringBuilder();
        var final = r.Final?.Report.Overall;
        var columns = MetricColumns.Table;
        s.AppendLine($"| model | epochs run | best epoch (val) | {string.Join(" | ", columns.Select(c => "test " + c.Header))} | train img/s (mean) | wall (s) | load avg 1-min per epoch: mean (min–max) |");
        s.AppendLine($"|---|---:|---:|{string.Concat(columns.Select(_ => "---:|"))}---:|---:|---|");
        s.AppendLine($"| {r.Label} | {Epochs(r)} | {r.Final?.BestEpoch.ToString(CultureInfo.InvariantCulture) ?? "—"} | " +
            $"{string.Join(" | ", columns.Select(c => final is null ? "—" : c.Format(final)))} | {F(MeanRate(r), "F1")} | {r.WallSeconds:F0} | {Load(r)} |");
        if (r.Final is null) s.AppendLine($"(no final evaluation: the run stopped before any weights were saved; see {r.RunFolder})");
        else s.AppendLine($"final metrics on the {r.Final.Split} split with the best-validation epoch's weights, {r.Final.Crop}" +
            (r.Result is null ? " (scored by TrainBench after the wall cap stopped the trainer)" : " (the trainer's final report)"));
        return s.ToString();
    }

    /// <summary>Per-epoch validation curve of one run, for the record.</summary>
    public static string Curve(BenchResult r)
    {
        var s = new StringBuilder();
        s.AppendLine($"{r.Label}, per epoch:");
        s.AppendLine();
        s.AppendLine("| epoch | train loss | val mean px | val RMSE px | val PCK@0.05 | epoch s | img/s | load 1-min |");
        s.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (var i = 0; i < r.Epochs.Count; i++)
        {
            var e = r.Epochs[i];
            s.AppendLine($"| {e.Epoch} | {e.TrainLoss:G4} | {F(e.Validation?.MeanPxError, "F2")} | {F(e.Validation?.RmsePx, "F2")} | {Pck(e.Validation)} | {e.Seconds:F0} | {e.ImagesPerSecond:F1} | {r.LoadAverages[i]:F2} |");
        }
        return s.ToString();
    }

    private static double? MeanRate(BenchResult r) => r.Epochs.Count == 0 ? null : r.Epochs.Average(e => e.ImagesPerSecond);
}
