using System.Text.Json.Nodes;

namespace NewtPose.Charts;

/// <summary>Small builders for plotly.js JSON shared by the chart kinds.</summary>
internal static class Json
{
    /// <summary>Numbers as a JSON array; NaN and infinities become null, which plotly.js draws as a gap.</summary>
    public static JsonArray Numbers(IEnumerable<double> values) =>
        new(values.Select(v => double.IsFinite(v) ? JsonValue.Create(v) : null).ToArray<JsonNode?>());

    public static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    public static JsonObject Layout(string title, Axes? axes)
    {
        var layout = new JsonObject
        {
            ["title"] = new JsonObject { ["text"] = title },
            ["xaxis"] = new JsonObject { ["title"] = new JsonObject { ["text"] = axes?.X ?? "" } },
            ["yaxis"] = new JsonObject { ["title"] = new JsonObject { ["text"] = axes?.Y ?? "" } },
            ["margin"] = new JsonObject { ["t"] = 50, ["r"] = 20 },
        };
        if (axes?.LogY == true) layout["yaxis"]!["type"] = "log";
        return layout;
    }
}

/// <summary>Distinct colours for keypoints, spread around the hue circle so neighbours in the skeleton differ.</summary>
internal static class Palette
{
    public static string Color(int index, int count) => $"hsl({(int)(360.0 * index / Math.Max(1, count))}, 85%, 50%)";
}
