using System.Reflection;
using NewtPose.Charts;

namespace NewtPose.Tests.Charts;

public class ChartHtmlTests
{
    private static PlotlyFigure Sample() => Chart.Lines("Loss </script><b>", [new Series("train", [1.0, 0.5])]);

    [Fact]
    public void Inline_html_draws_with_the_pages_plotly_and_needs_no_network()
    {
        var html = Sample().ToHtml();
        Assert.Contains("window.Plotly.newPlot(target", html);
        Assert.Contains("plotly.js is not loaded", html); // said in the chart's place, not a blank output
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<script src", html);
        // Text from the caller cannot close the script element.
        Assert.DoesNotContain("</script><b>", html);
        Assert.NotEqual(Sample().ToHtml(), html); // a fresh div id per output
    }

    [Fact]
    public void The_notebook_copy_of_plotly_js_is_handed_out_once_per_session()
    {
        // The first take in this test process may have happened elsewhere; either way at most one copy, then none.
        var first = PlotlyScript.TakeForNotebook();
        Assert.True(first == "" || first.Contains(PlotlyScript.Source, StringComparison.Ordinal));
        Assert.Equal("", PlotlyScript.TakeForNotebook());
        Assert.StartsWith("<script type=\"text/javascript\">/**\n* plotly.js v", PlotlyScript.InlineScript);
    }

    [Fact]
    public void Saved_html_carries_plotly_js_inline_and_loads_nothing_from_the_network()
    {
        var path = Path.Combine(Path.GetTempPath(), $"newtpose-chart-{Guid.NewGuid():N}", "sub", "chart.html");
        try
        {
            Sample().SaveHtml(path);
            var html = File.ReadAllText(path);
            Assert.Contains($"plotly.js v{PlotlyScript.Version}", html);
            Assert.True(html.Length > 3_000_000, $"plotly.js should be inline, file is {html.Length} chars");
            Assert.Contains(PlotlyScript.Source, html);
            var page = html.Replace(PlotlyScript.Source, "");
            Assert.DoesNotContain("<script src", page);
            Assert.DoesNotContain("https://", page);
            Assert.Contains("Plotly.newPlot('chart'", html);
            Assert.Contains("<title>Loss &lt;/script&gt;&lt;b&gt;</title>", html);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(path))!, recursive: true);
        }
    }

    [Fact]
    public void Embedded_plotly_js_is_the_version_named_in_the_library()
    {
        Assert.StartsWith($"/**\n* plotly.js v{PlotlyScript.Version}\n", PlotlyScript.Source);
    }

    [Theory]
    [InlineData(typeof(PlotlyFigure))]
    [InlineData(typeof(LiveChart))]
    public void The_kernel_formatter_convention_finds_an_html_formatter(Type chartType)
    {
        // What .NET Interactive does: find an attribute named TypeFormatterSourceAttribute, create its source, call
        // CreateTypeFormatters, and use MimeType / Type / Format(object, TextWriter) of each result.
        var attribute = chartType.GetCustomAttributes().Single(a => a.GetType().Name == "TypeFormatterSourceAttribute");
        var sourceType = (Type)attribute.GetType().GetProperty("FormatterSourceType")!.GetValue(attribute)!;
        Assert.Equal(["text/html"], (string[])attribute.GetType().GetProperty("PreferredMimeTypes")!.GetValue(attribute)!);
        var source = Activator.CreateInstance(sourceType)!;
        var formatters = (IEnumerable<object>)sourceType.GetMethod("CreateTypeFormatters")!.Invoke(source, null)!;
        var formatter = formatters.Single(f => (Type)f.GetType().GetProperty("Type")!.GetValue(f)! == chartType);
        Assert.Equal("text/html", formatter.GetType().GetProperty("MimeType")!.GetValue(formatter));
        object chart = chartType == typeof(LiveChart) ? new LiveChart("live") : Sample();
        var writer = new StringWriter();
        var handled = (bool)formatter.GetType().GetMethod("Format")!.Invoke(formatter, [chart, writer])!;
        Assert.True(handled);
        Assert.Contains("Plotly.newPlot(", writer.ToString());
        Assert.False((bool)formatter.GetType().GetMethod("Format")!.Invoke(formatter, ["not a chart", new StringWriter()])!);
    }

    [Fact]
    public void Live_chart_outside_a_kernel_collects_points_and_shows_nothing()
    {
        var live = new LiveChart("progress", new Axes("epoch", "loss")).Show();
        live.Add(1, ("train", 1.0), ("val", 1.5));
        live.Add(2, ("train", 0.5));
        Assert.False(live.IsShown);
        var json = System.Text.Json.JsonDocument.Parse(live.Snapshot().ToJson()).RootElement.GetProperty("data");
        Assert.Equal(2, json.GetArrayLength());
        Assert.Equal(2, json[0].GetProperty("x").GetArrayLength());
        Assert.Equal(1, json[1].GetProperty("x").GetArrayLength());
    }
}
