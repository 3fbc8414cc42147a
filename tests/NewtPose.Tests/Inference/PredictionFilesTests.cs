using System.Text.Json.Nodes;
using NewtPose.Inference;
using NewtPose.Tests.Data;

namespace NewtPose.Tests.Inference;

/// <summary>The one writer of predictions files: the extra fields `newtpose suggest` adds go through it, never around it.</summary>
public sealed class PredictionFilesTests
{
    [Fact]
    public void Extra_fields_land_on_their_own_photos_records_and_nothing_else_changes()
    {
        using var folder = new TempFolder();
        var (results, engine) = Predict(folder.Path);
        using var _ = engine;
        var plain = Path.Combine(folder.Path, "plain.json");
        var extended = Path.Combine(folder.Path, "extended.json");
        PredictionFiles.Write(results, engine.Model, folder.Path, plain, PredictionFormat.Coco);
        PredictionFiles.Write(results, engine.Model, folder.Path, extended, PredictionFormat.Coco, extras:
        [
            new CocoExtraFields(Image: new JsonObject { ["label_state"] = "todo" }, Annotation: new JsonObject { ["suggest_rank"] = 2, ["uncertainty"] = new JsonObject { ["combined"] = 0.5 } }),
            null,
            new CocoExtraFields(Image: new JsonObject { ["note"] = "unreadable" }),
        ]);

        var a = JsonNode.Parse(File.ReadAllText(plain))!;
        var b = JsonNode.Parse(File.ReadAllText(extended))!;
        Assert.Equal("todo", (string?)b["images"]![0]!["label_state"]);
        Assert.Equal(2, (int?)b["annotations"]![0]!["suggest_rank"]);
        Assert.Equal(0.5, (double?)b["annotations"]![0]!["uncertainty"]!["combined"]);
        Assert.Null(b["images"]![1]!["label_state"]);
        Assert.Null(b["annotations"]![1]!["suggest_rank"]);
        Assert.Equal("unreadable", (string?)b["failed_images"]![0]!["note"]);
        // Take the extra fields away again and the file is the plain one (the info date aside).
        foreach (var node in new[] { a, b }) node["info"]!.AsObject().Remove("date_created");
        b["images"]![0]!.AsObject().Remove("label_state");
        b["annotations"]![0]!.AsObject().Remove("suggest_rank");
        b["annotations"]![0]!.AsObject().Remove("uncertainty");
        b["failed_images"]![0]!.AsObject().Remove("note");
        Assert.Equal(a.ToJsonString(), b.ToJsonString());
    }

    [Fact]
    public void Extra_fields_that_would_replace_a_prediction_or_do_not_fit_are_refused()
    {
        using var folder = new TempFolder();
        var (results, engine) = Predict(folder.Path);
        using var _ = engine;
        var path = Path.Combine(folder.Path, "p.json");
        void Write(IReadOnlyList<CocoExtraFields?> extras, PredictionFormat format = PredictionFormat.Coco) =>
            PredictionFiles.Write(results, engine.Model, folder.Path, path, format, extras: extras);

        var clash = Assert.Throws<ArgumentException>(() => Write([new CocoExtraFields(Annotation: new JsonObject { ["score"] = 1 }), null, null]));
        Assert.Contains("'score'", clash.Message);
        Assert.Contains("a.png", clash.Message);
        Assert.Contains("2 sets", Assert.Throws<ArgumentException>(() => Write([null, null])).Message);
        Assert.Contains("COCO", Assert.Throws<ArgumentException>(() => Write([null, null, null], PredictionFormat.Csv)).Message);
        var failed = Assert.Throws<ArgumentException>(() => Write([null, null, new CocoExtraFields(Annotation: new JsonObject { ["suggest_rank"] = 1 })]));
        Assert.Contains("broken.png", failed.Message);
        Assert.False(File.Exists(path));
    }

    private static (IReadOnlyList<PhotoResult> Results, PoseEngine Engine) Predict(string folder)
    {
        var photos = new[]
        {
            EnginePhotos.WritePng(folder, "a.png", EnginePhotos.Draw(200, 150, EnginePhotos.Animal(100, 75, 8), 3)),
            EnginePhotos.WritePng(folder, "b.png", EnginePhotos.Draw(200, 150, EnginePhotos.Animal(60, 70, 6), 3)),
            Path.Combine(folder, "broken.png"),
        };
        File.WriteAllBytes(photos[2], []);
        var engine = EnginePhotos.Engine(new EngineOptions { FlipTest = true });
        var results = engine.PredictMany(photos).ToArray();
        Assert.Null(results[2].Prediction);
        return (results, engine);
    }
}
