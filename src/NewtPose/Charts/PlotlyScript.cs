namespace NewtPose.Charts;

/// <summary>
/// The plotly.js that charts use: embedded in the library for offline HTML files, and loaded from a CDN (the same
/// version) by charts shown inline in a notebook, where carrying 4.8 MB in every output would bloat the .ipynb.
/// </summary>
public static class PlotlyScript
{
    /// <summary>The plotly.js version embedded in the library and requested from the CDN.</summary>
    public const string Version = "4.1.2";

    /// <summary>Where inline notebook charts load plotly.js from (the npm package through a CDN that mirrors npm).</summary>
    public static string CdnUrl => $"https://cdn.jsdelivr.net/npm/plotly.js-dist-min@{Version}/plotly.min.js";

    private static readonly Lazy<string> Embedded = new(ReadEmbedded);

    /// <summary>The full text of the embedded plotly.min.js.</summary>
    public static string Source => Embedded.Value;

    private static string ReadEmbedded()
    {
        using var stream = typeof(PlotlyScript).Assembly.GetManifestResourceStream("NewtPose.Charts.plotly.min.js")
            ?? throw new InvalidOperationException("plotly.min.js is missing from the NewtPose assembly's resources.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// JavaScript that calls <c>render(Plotly)</c> once plotly.js is available, wherever the HTML lands. The order
    /// matters: a page that already has Plotly uses it; a page with require.js (classic Jupyter, nbconvert HTML) must
    /// load it as an AMD module, because a plain script tag there fails with "Mismatched anonymous define()";
    /// anything else (VS Code, JupyterLab) gets one shared script tag.
    /// </summary>
    internal static string LoaderFunction => $$"""
        function newtposeWithPlotly(render) {
          if (window.Plotly) { render(window.Plotly); return; }
          if (typeof require === 'function' && typeof require.config === 'function') {
            require.config({ paths: { newtpose_plotly: '{{CdnUrl[..^3]}}' } });
            require(['newtpose_plotly'], function (Plotly) { window.Plotly = Plotly; render(Plotly); });
            return;
          }
          if (!window.newtposePlotlyLoading) {
            window.newtposePlotlyLoading = new Promise(function (resolve, reject) {
              var script = document.createElement('script');
              script.src = '{{CdnUrl}}';
              script.onload = function () { resolve(window.Plotly); };
              script.onerror = function () { reject(new Error('plotly.js could not be loaded from {{CdnUrl}}')); };
              document.head.appendChild(script);
            });
          }
          window.newtposePlotlyLoading.then(render);
        }
        """;
}
