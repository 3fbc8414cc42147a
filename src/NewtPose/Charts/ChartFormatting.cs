namespace NewtPose.Charts;

// How a chart shows itself in a .NET Interactive notebook without NewtPose referencing any kernel package: the kernel's
// formatter looks for an attribute *named* TypeFormatterSourceAttribute on the value's type, creates the source type
// it names, calls its CreateTypeFormatters() and uses each returned object's MimeType, Type and Format(object,
// TextWriter) by convention. This works in the official kernel (dotnet-interactive tool) and in tools/NotebookRunner.

/// <summary>Matched by name by the .NET Interactive formatter; see the comment at the top of this file.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
internal sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
{
    public Type FormatterSourceType { get; } = formatterSourceType;
    public string[] PreferredMimeTypes { get; set; } = [];
}

/// <summary>The formatters for NewtPose chart types and tables (created by the kernel through reflection).</summary>
internal sealed class ChartFormatterSource
{
    public IEnumerable<object> CreateTypeFormatters() =>
    [
        // The first chart of a kernel session carries plotly.js for the whole notebook.
        new HtmlChartFormatter(typeof(PlotlyFigure), v => PlotlyScript.TakeForNotebook() + ((PlotlyFigure)v).ToHtml()),
        new HtmlChartFormatter(typeof(LiveChart), v => PlotlyScript.TakeForNotebook() + ((LiveChart)v).ToHtml()),
        new HtmlChartFormatter(typeof(Table), v => ((Table)v).ToHtml()),
    ];
}

/// <summary>One convention-based formatter: text/html for one chart type.</summary>
internal sealed class HtmlChartFormatter(Type type, Func<object, string> render)
{
    public string MimeType => "text/html";
    public Type Type { get; } = type;

    public bool Format(object instance, TextWriter writer)
    {
        if (!Type.IsInstanceOfType(instance)) return false;
        writer.Write(render(instance));
        return true;
    }
}
