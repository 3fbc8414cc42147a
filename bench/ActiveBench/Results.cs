using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NewtPose.Charts;
using NewtPose.Evaluation;
using NewtPose.IO;

/// <summary>The experiment's tables and files: the markdown table, results.csv (one row per entry), results.json (the
/// spreads) and chart.html (offline plotly.js, the library's figures).</summary>
internal static class Results
{
    /// <summary>The figures reported per round: the found-crop test error, PCK@0.05 and OKS AP.</summary>
    public static readonly MetricColumn[] Figures = [MetricColumns.MeanPxError, MetricColumns.Pck005, MetricColumns.OksAp];

    /// <summary>The entries of one arm and round over the seeds; round 0 is the shared start of both arms.</summary>
    public static IReadOnlyList<Entry> Of(IReadOnlyList<Entry> entries, string arm, int round) =>
        entries.Where(e => e.Round == round && (round == 0 ? e.Arm == Experiment.StartArm : e.Arm == arm)).OrderBy(e => e.Seed).ToArray();

    public static IEnumerable<int> Rounds(IReadOnlyList<Entry> entries) => entries.Select(e => e.Round).Distinct().Order();

    public static string Markdown(IReadOnlyList<Entry> entries)
    {
        var text = new StringBuilder();
        text.Append("| round | labelled photos | arm | seeds | test mean px (found) | PCK@0.05 | OKS AP |\n|---|---|---|---|---|---|---|\n");
        foreach (var round in Rounds(entries))
            foreach (var arm in round == 0 ? [Experiment.StartArm] : Experiment.Arms)
            {
                var group = Of(entries, arm, round);
                if (group.Count == 0) continue;
                text.Append(CultureInfo.InvariantCulture, $"| {round} | {group[0].Labelled} | {(round == 0 ? "start (both arms)" : arm)} | {group.Count} | ")
                    .AppendJoin(" | ", Figures.Select(f => Format(Spread.Of(group.Select(e => e.Figure(f))), f))).Append(" |\n");
            }
        text.Append("\nRanked − random, paired by seed (mean ± sd; negative px and positive PCK/AP favour the ranking):\n\n");
        text.Append("| round | seeds | Δ mean px | Δ PCK@0.05 | Δ OKS AP | seeds where the ranking had the lower error |\n|---|---|---|---|---|---|\n");
        foreach (var round in Rounds(entries).Where(r => r > 0))
        {
            var pairs = Of(entries, Experiment.RankedArm, round).Join(Of(entries, Experiment.RandomArm, round), e => e.Seed, e => e.Seed, (a, b) => (Ranked: a, Random: b)).ToArray();
            if (pairs.Length == 0) continue;
            var better = pairs.Count(p => p.Ranked.Figure(MetricColumns.MeanPxError) < p.Random.Figure(MetricColumns.MeanPxError));
            text.Append(CultureInfo.InvariantCulture, $"| {round} | {pairs.Length} | ")
                .AppendJoin(" | ", Figures.Select(f => Format(Spread.Of(pairs.Select(p => p.Ranked.Figure(f) - p.Random.Figure(f))), f, signed: true)))
                .Append(CultureInfo.InvariantCulture, $" | {better} of {pairs.Length} |\n");
        }
        return text.ToString();
    }

    public static void Write(string folder, IReadOnlyList<Entry> entries, string command)
    {
        var csv = new StringBuilder("seed,arm,round,labelled,epochs,steps,best_epoch,choose_seconds,train_seconds," +
                                    string.Join(',', MetricColumns.All.Select(c => c.Key)) + ",label_crops_mean_px_error,added\n");
        foreach (var e in entries.OrderBy(e => e.Seed).ThenBy(e => e.Round).ThenBy(e => e.Arm, StringComparer.Ordinal))
            csv.AppendJoin(',', [Text(e.Seed), e.Arm, Text(e.Round), Text(e.Labelled), Text(e.Epochs), Text(e.Steps), Text(e.BestEpoch), Text(e.ChooseSeconds), Text(e.TrainSeconds),
                    .. MetricColumns.All.Select(c => e.Found[c.Key]?.ToJsonString() ?? ""), e.LabelCrops?[MetricColumns.MeanPxError.Key]?.ToJsonString() ?? "",
                    string.Join(' ', e.Added)]).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(folder, "results.csv"), csv.ToString());

        var json = new JsonArray();
        foreach (var round in Rounds(entries))
            foreach (var arm in round == 0 ? [Experiment.StartArm] : Experiment.Arms)
            {
                var group = Of(entries, arm, round);
                if (group.Count == 0) continue;
                var row = new JsonObject { ["round"] = round, ["arm"] = arm, ["labelled"] = group[0].Labelled, ["seeds"] = new JsonArray(group.Select(e => (JsonNode)e.Seed).ToArray()) };
                foreach (var f in Figures)
                    if (Spread.Of(group.Select(e => e.Figure(f))) is { } s) row[f.Key] = new JsonObject { ["mean"] = s.Mean, ["sd"] = s.Sd };
                json.Add(row);
            }
        AtomicFile.WriteAllText(Path.Combine(folder, "results.json"), new JsonObject { ["command"] = command, ["rounds"] = json }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        AtomicFile.WriteAllText(Path.Combine(folder, "results.md"), Markdown(entries));
        AtomicFile.WriteAllText(Path.Combine(folder, "chart.html"), HtmlReport.Page("Active learning: ranked against random picking",
            $"<p><code>{HtmlReport.Encode(command)}</code></p><p>Test split (individuals never trained on), the animal found by the model; mean ± sd over seeds " +
            "(error bars). Round 0 is the same model for both arms.</p>\n" + HtmlReport.Preformatted(Markdown(entries)), Charts(entries)));
    }

    /// <summary>One line chart per figure: labelled photos against the figure, one line per arm with the seeds' sd as error bars.</summary>
    public static IReadOnlyList<PlotlyFigure> Charts(IReadOnlyList<Entry> entries) => Figures.Select(f =>
    {
        var series = Experiment.Arms.Select(arm =>
        {
            var points = Rounds(entries).Select(r => Of(entries, arm, r)).Where(g => g.Count > 0)
                .Select(g => (X: (double)g[0].Labelled, S: Spread.Of(g.Select(e => e.Figure(f)))!)).ToArray();
            return new Series(arm == Experiment.RankedArm ? "ranked (newtpose suggest)" : "random", points.Select(p => p.X).ToArray(), points.Select(p => Scale(p.S.Mean, f)).ToArray())
            {
                YErrors = points.Select(p => Scale(p.S.Sd ?? 0, f)).ToArray(),
            };
        }).ToArray();
        return Chart.Lines($"Test {f.Header} (found crops) per round", series, new Axes("labelled photos", f.Kind == MetricKind.Percent ? f.Header + " (%)" : f.Header));
    }).ToArray();

    private static double Scale(double v, MetricColumn f) => Spread.Scale(v, f.Kind);

    private static string Format(Spread? s, MetricColumn f, bool signed = false) => Spread.Format(s, f.Kind, signed);

    private static string Text(double v) => v.ToString(CultureInfo.InvariantCulture);
}
