using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace NewtPose.Tests.Notebooks;

/// <summary>
/// Runs every notebook under notebooks/ through tools/NotebookRunner in quick mode (one process per notebook) and
/// checks their outputs. The executed notebooks land in notebooks/output/ (git-ignored). Slow by nature: the first
/// run publishes the library for the notebooks (about a minute), later runs take seconds per notebook.
/// </summary>
public class NotebookRunnerTests
{
    private static readonly string Root = FindRoot();

    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(Root, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_runs_every_cell_in_quick_mode(string notebook)
    {
        var (code, output) = RunRunner(Path.Combine(Root, "notebooks", notebook), Path.Combine(Root, "notebooks", "output"));
        Assert.True(code == 0, $"{notebook} failed:\n{output}");
        var executed = Path.Combine(Root, "notebooks", "output", notebook);
        using var json = JsonDocument.Parse(File.ReadAllText(executed));
        var cells = json.RootElement.GetProperty("cells").EnumerateArray().ToList();
        Assert.DoesNotContain(cells.SelectMany(Outputs), o => o.GetProperty("output_type").GetString() == "error");
        if (notebook == "00-setup-check.ipynb") AssertEveryChartKind(cells);
        if (ExpectedOutputs.TryGetValue(notebook, out var markers))
        {
            // HTML outputs (tables, charts) and printed lines (stream outputs).
            var html = string.Join("\n", cells.SelectMany(Outputs)
                .Select(o => o.TryGetProperty("data", out var d) && d.TryGetProperty("text/html", out var h) ? Text(h)
                    : o.GetProperty("output_type").GetString() == "stream" && o.TryGetProperty("text", out var t) ? Text(t) : ""));
            Assert.All(markers, m => Assert.True(html.Contains(m, StringComparison.Ordinal), $"{notebook}: no output contains {m}"));
        }
        if (notebook == "04-train.ipynb") AssertTrainingOutputs(cells);
        AssertChartsDrawOffline(notebook, cells);
    }

    /// <summary>
    /// Charts must draw with no network: the first chart output carries the library's plotly.js, once per notebook, and no
    /// output asks a CDN for anything.
    /// </summary>
    private static void AssertChartsDrawOffline(string notebook, List<JsonElement> cells)
    {
        var html = cells.SelectMany(Outputs)
            .Where(o => o.TryGetProperty("data", out var d) && d.TryGetProperty("text/html", out _))
            .Select(o => Text(o.GetProperty("data").GetProperty("text/html")))
            .ToList();
        var header = $"* plotly.js v{NewtPose.Charts.PlotlyScript.Version}";
        var copies = html.Sum(h => Occurrences(h, header));
        var charts = html.Count(h => h.Contains("Plotly.newPlot(", StringComparison.Ordinal));
        Assert.True(charts == 0 ? copies == 0 : copies == 1, $"{notebook}: {charts} chart outputs carry {copies} copies of plotly.js (expected one)");
        var firstChart = html.FindIndex(h => h.Contains("Plotly.newPlot(", StringComparison.Ordinal));
        if (firstChart >= 0) Assert.Contains(header, html[firstChart]);
        // plotly.js itself names a CDN for optional extras (map tiles, MathJax) that NewtPose's charts do not use.
        var pages = html.Select(h => h.Replace(NewtPose.Charts.PlotlyScript.Source, "", StringComparison.Ordinal));
        Assert.DoesNotContain(pages, h => h.Contains("cdn.", StringComparison.OrdinalIgnoreCase) || h.Contains("<script src", StringComparison.Ordinal));
    }

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    public static TheoryData<string, string> NotebooksOnOtherFormats()
    {
        var data = new TheoryData<string, string>();
        foreach (var format in new[] { "dlc", "yolo" })
            foreach (var notebook in new[] { "01-explore-data.ipynb", "02-convert-coco.ipynb", "03-augment.ipynb", "04-train.ipynb" })
                data.Add(notebook, format);
        return data;
    }

    /// <summary>
    /// The notebooks' YOUR DATA line works for a DeepLabCut project and a YOLO data.yaml: the tiny newt fixture converted
    /// to each (single-animal DeepLabCut has no individuals, so notebook 04 must split by photo), passed through
    /// NEWTPOSE_DATA, the fallback the YOUR DATA line reads when left at null.
    /// </summary>
    [Theory]
    [MemberData(nameof(NotebooksOnOtherFormats))]
    public void Notebook_runs_on_deeplabcut_and_yolo_labels(string notebook, string format)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"newtpose-nb-{format}-{Guid.NewGuid():N}");
        try
        {
            var tiny = NewtPose.Data.PoseData.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "newts-tiny", "annotations.json"));
            var report = NewtPose.Data.PoseData.Save(tiny, Path.Combine(folder, format), NewtPose.Data.LabelFormatNames.Parse(format));
            var labels = format == "yolo" ? Path.Combine(report.OutputPath, "data.yaml") : report.OutputPath;
            var (code, output) = RunRunner(Path.Combine(Root, "notebooks", notebook), Path.Combine(folder, "out"), new() { ["NEWTPOSE_DATA"] = labels });
            Assert.True(code == 0, $"{notebook} on {format} labels failed:\n{output}");
            // Each notebook prints where its labels came from: these, not the bundled newts.
            var executed = File.ReadAllText(Path.Combine(folder, "out", notebook));
            Assert.Contains(Path.GetFileName(folder), executed);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The training notebook shows both live charts in their final state (quick mode trains 2 epochs), the metrics table,
    /// the per-keypoint bars and the grid of test photos with predictions.
    /// </summary>
    private static void AssertTrainingOutputs(List<JsonElement> cells)
    {
        var html = cells.SelectMany(Outputs)
            .Where(o => o.TryGetProperty("data", out var d) && d.TryGetProperty("text/html", out _))
            .Select(o => Text(o.GetProperty("data").GetProperty("text/html")))
            .ToList();
        Assert.Contains(html, h => h.Contains("\"text\":\"Training loss\"", StringComparison.Ordinal) && h.Contains("\"name\":\"train\",\"x\":[1,2]", StringComparison.Ordinal));
        Assert.Contains(html, h => h.Contains("\"text\":\"Validation error\"", StringComparison.Ordinal) && h.Contains("\"name\":\"validation\",\"x\":[1,2]", StringComparison.Ordinal));
        Assert.Contains(html, h => h.Contains("newtpose-table", StringComparison.Ordinal) && h.Contains("<td>all keypoints</td>", StringComparison.Ordinal));
        Assert.Contains(html, h => h.Contains("Plotly.newPlot(", StringComparison.Ordinal) && h.Contains("\"type\":\"bar\"", StringComparison.Ordinal));
        Assert.Contains(html, h => h.Contains("\"type\":\"image\"", StringComparison.Ordinal) && h.Contains("\"name\":\"predictions\"", StringComparison.Ordinal));
    }

    /// <summary>What notebooks 01-03 and 05-07 must show (charts by their titles or traces, tables by their type names).</summary>
    private static readonly Dictionary<string, string[]> ExpectedOutputs = new()
    {
        ["01-explore-data.ipynb"] = ["LabeledPerKeypoint", "newtpose-table", "\"type\":\"image\"", "\"name\":\"not labelled\"", "Keypoints in the body frame",
            "Image sizes", "\"type\":\"histogram\"", "SameSide"],
        ["02-convert-coco.ipynb"] = ["newtpose-table", "CopiedImages", "VisibilityMismatches", "DLC", "YOLO", "read back", "MaxDeviation"],
        ["03-augment.ipynb"] = ["\"type\":\"image\"", "No augmentation", "Default preset", "Default without rotation", "Rotation only",
            "Flips only", "Colour only", "Blur and noise only", "Occlusion only"],
        ["05-evaluate.ipynb"] = ["newtpose-table", "<td>all keypoints (label crops)</td>", "OKS AP", "Error per keypoint", "Error CDF", "PCK against",
            "Worst test photos", "\"name\":\"found box\"", "Predicted without labels", "MaxDifferencePx"],
        ["06-active-learning.ipynb"] = ["newtpose-table", "Round 0 on the test photos", "The photos most worth labelling next", "<th>flip disagreement</th>",
            "Predicted without labels", "Test photos, found by the model", "<td>round 1 (+ suggested photos)</td>", "Error per keypoint (test, found by the model",
            "Error CDF (test, found by the model)"],
        ["07-compare-backbones.ipynb"] = ["newtpose-table", "<th>inference photos/s</th>", "<td>resnet18-imagenet</td>", "<td>scratch</td>",
            "With 3 labelled photos the lowest error is",
            "Accuracy against labelled photos", "Accuracy against training time", "Error per keypoint (test, found by the model, mean"],
    };

    /// <summary>The setup check shows every chart kind, and the live chart's output holds its final state.</summary>
    private static void AssertEveryChartKind(List<JsonElement> cells)
    {
        var charts = cells.SelectMany(Outputs)
            .Where(o => o.TryGetProperty("data", out var d) && d.TryGetProperty("text/html", out _))
            .Select(o => Text(o.GetProperty("data").GetProperty("text/html")))
            .Where(h => h.Contains("Plotly.newPlot(", StringComparison.Ordinal))
            .ToList();
        Assert.Contains(charts, h => h.Contains("\"type\":\"image\"", StringComparison.Ordinal));
        Assert.Contains(charts, h => h.Contains("\"type\":\"bar\"", StringComparison.Ordinal));
        Assert.Contains(charts, h => h.Contains("\"type\":\"histogram\"", StringComparison.Ordinal));
        Assert.Contains(charts, h => h.Contains("\"mode\":\"markers\"", StringComparison.Ordinal));
        Assert.Contains(charts, h => h.Contains("\"name\":\"validation\"", StringComparison.Ordinal));
        // Quick mode runs the live chart for 5 steps: the output must hold the last state, not the empty first one.
        Assert.Contains(charts, h => h.Contains("Live progress", StringComparison.Ordinal) && h.Contains("\"x\":[1,2,3,4,5]", StringComparison.Ordinal));
    }

    [Fact]
    public void A_failing_cell_fails_the_run_naming_the_notebook_the_cell_and_the_error()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"newtpose-nb-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var notebook = Path.Combine(folder, "broken.ipynb");
            File.WriteAllText(notebook, """
                {"cells": [
                  {"cell_type": "markdown", "metadata": {}, "source": ["# broken"]},
                  {"cell_type": "code", "execution_count": null, "metadata": {"polyglot_notebook": {"kernelName": "csharp"}}, "outputs": [], "source": ["Console.WriteLine(\"before\");"]},
                  {"cell_type": "code", "execution_count": null, "metadata": {"polyglot_notebook": {"kernelName": "csharp"}}, "outputs": [], "source": ["throw new InvalidOperationException(\"label file missing\");"]},
                  {"cell_type": "code", "execution_count": null, "metadata": {"polyglot_notebook": {"kernelName": "csharp"}}, "outputs": [], "source": ["Console.WriteLine(\"never\");"]}
                 ],
                 "metadata": {"kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"}, "language_info": {"name": "C#"}},
                 "nbformat": 4, "nbformat_minor": 5}
                """);
            var (code, output) = RunRunner(notebook, Path.Combine(folder, "out"));
            Assert.Equal(1, code);
            Assert.Contains("broken.ipynb: cell 3 failed", output);
            Assert.Contains("label file missing", output);
            var executed = File.ReadAllText(Path.Combine(folder, "out", "broken.ipynb"));
            Assert.Contains("before", executed);
            Assert.DoesNotContain("never\\n", executed);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static IEnumerable<JsonElement> Outputs(JsonElement cell) =>
        cell.TryGetProperty("outputs", out var outputs) ? outputs.EnumerateArray().ToList() : [];

    private static string Text(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array ? string.Concat(value.EnumerateArray().Select(v => v.GetString())) : value.GetString() ?? "";

    private static (int Code, string Output) RunRunner(string notebook, string outFolder, Dictionary<string, string>? environment = null)
    {
        var configuration = typeof(NotebookRunnerTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var runner = Path.Combine(Root, "tools", "NotebookRunner", "bin", configuration, "net10.0", "NotebookRunner.dll");
        Assert.True(File.Exists(runner), $"The notebook runner is not built: {runner} (build NewtPose.sln).");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { runner, notebook, "--out", outFolder }) start.ArgumentList.Add(arg);
        start.Environment["NEWTPOSE_QUICK"] = "1";
        start.Environment.Remove("NEWTPOSE_DATA");
        foreach (var (name, value) in environment ?? []) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after 10 minutes\n{stdout.Result}\n{stderr.Result}");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "NewtPose.sln"))) return folder.FullName;
        throw new InvalidOperationException($"No NewtPose.sln above {AppContext.BaseDirectory}.");
    }
}
