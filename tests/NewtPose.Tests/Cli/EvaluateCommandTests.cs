using System.Text.Json.Nodes;
using NewtPose.Data.Splits;
using NewtPose.Tests.Training;

namespace NewtPose.Tests.Cli;

/// <summary>A tiny run trained once through `newtpose train` on the 8-photo fixture, for the evaluate tests.</summary>
public sealed class TinyRunFixture : IDisposable
{
    public static readonly string Labels = Path.Combine(AppContext.BaseDirectory, "Fixtures", "newts-tiny", "annotations.json");
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "newtpose-evaluate-cli-" + Guid.NewGuid().ToString("N"));
    public string Run => Path.Combine(Root, "run");

    public TinyRunFixture()
    {
        var (exit, _, error) = CliRunner.Run("train", "--data", Labels, "--out", Run, "--backbone", "resnet18", "--input-size", "64",
            "--epochs", "1", "--batch", "4", "--augment", "light", "--seed", "5", "--threads", "1");
        if (exit != 0) throw new InvalidOperationException("training the tiny run failed: " + error);
    }

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}

/// <summary>`newtpose evaluate` end to end on a tiny trained run.</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class EvaluateCommandTests(TinyRunFixture tiny) : IClassFixture<TinyRunFixture>
{
    [Fact]
    public void The_trainers_metrics_json_holds_the_found_figure_with_the_label_crop_one_beside_it()
    {
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(tiny.Run, "metrics.json")))!;
        Assert.Equal("found", (string?)metrics["crop"]);
        Assert.Equal("label crops", (string?)metrics["label_crops"]!["crop"]);
        Assert.Contains("label crops", (string?)metrics["epochs_validation"]);
        Assert.True(metrics["oks_ap"] is JsonValue);
        Assert.Contains("val_label_crops_mean_px_error", File.ReadAllText(Path.Combine(tiny.Run, "metrics.csv")));
    }

    [Fact]
    public void Evaluate_prints_the_table_of_found_and_label_crops_on_the_recorded_labels_and_test_split()
    {
        var (exit, output, error) = CliRunner.Run("evaluate", "--run", tiny.Run);
        Assert.True(exit == 0, error);
        Assert.Contains("test split", output);
        Assert.Contains("all keypoints (label crops)", output);
        Assert.Contains("OKS AP", output);
        Assert.Contains("snout_tip", output);
    }

    [Fact]
    public void Json_is_one_object_with_the_documented_fields()
    {
        var (exit, output, error) = CliRunner.Run("evaluate", "--run", tiny.Run, "--json");
        Assert.True(exit == 0, error);
        var json = JsonNode.Parse(output)!.AsObject();
        foreach (var field in new[] { "mean_px_error", "rmse_px", "pck_0_05", "pck_0_1", "oks_ap", "oks_ar" })
            Assert.True(json[field] is JsonValue, $"--json lacks {field}");
        Assert.Equal("found", (string?)json["crop"]);
        Assert.Equal(21, json["per_keypoint"]!.AsArray().Count);
        var test = DatasetSplit.Load(Path.Combine(tiny.Run, "split.json")).Test.Count;
        Assert.Equal(test, (int)json["n_images"]!);
        Assert.Equal("label crops", (string?)json["label_crops"]!["crop"]);
        Assert.DoesNotContain("NaN", output);

        Assert.Equal(NewtPose.Inference.EngineOptions.DefaultRefinePasses, (int)json["refine_passes"]!);
        Assert.Equal(0, (int)json["linked_pairs"]!);

        var all = JsonNode.Parse(CliRunner.Run("evaluate", "--run", tiny.Run, "--json", "--split", "all", "--refine-passes", "1").Out)!;
        Assert.Equal(8, (int)all["n_images"]!);
        Assert.Equal(1, (int)all["refine_passes"]!);
    }

    [Fact]
    public void The_decoding_flags_reach_the_engine_and_the_json_says_how_points_were_read()
    {
        var locref = NewtPose.Inference.ModelCard.Read(Path.Combine(tiny.Run, "model.json")).Decoding == NewtPose.Inference.DecodingRule.HeatmapArgmaxRefined;
        var byDefault = JsonNode.Parse(CliRunner.Run("evaluate", "--run", tiny.Run, "--json").Out)!;
        Assert.Equal(locref && NewtPose.Inference.EngineOptions.DefaultOffsetVoting, (bool)byDefault["offset_voting"]!);
        Assert.Equal(NewtPose.Inference.EngineOptions.DefaultLinkMisfitNu, (double)byDefault["link_misfit_nu"]!);

        var (exit, output, error) = CliRunner.Run("evaluate", "--run", tiny.Run, "--json", "--offset-voting", "false", "--link-misfit-nu", "0");
        Assert.True(exit == 0, error);
        var plain = JsonNode.Parse(output)!;
        Assert.False((bool)plain["offset_voting"]!);
        Assert.Equal(0, (double)plain["link_misfit_nu"]!);

        var bad = CliRunner.Run("evaluate", "--run", tiny.Run, "--link-misfit-nu", "-1");
        Assert.Equal(1, bad.Exit);
        Assert.Contains("LinkMisfitNu = -1", bad.Error);
    }

    [Fact]
    public void The_report_opens_offline_and_is_not_overwritten_without_force()
    {
        var report = Path.Combine(tiny.Root, "evaluation.html");
        var first = CliRunner.Run("evaluate", "--run", tiny.Run, "--report", report);
        Assert.True(first.Exit == 0, first.Error);
        var html = File.ReadAllText(report);
        Assert.Contains("Plotly.newPlot('figure3'", html); // per keypoint, error CDF, PCK curve, worst photos
        Assert.Contains("Error CDF", html);
        Assert.Contains("PCK against", html);
        Assert.Contains("found box", html);
        Assert.DoesNotContain("<script src", html);

        File.WriteAllText(report, "keep me");
        var again = CliRunner.Run("evaluate", "--run", tiny.Run, "--report", report);
        Assert.Equal(1, again.Exit);
        Assert.Contains("--force", again.Error);
        Assert.Equal("keep me", File.ReadAllText(report));
        Assert.Equal(0, CliRunner.Run("evaluate", "--run", tiny.Run, "--report", report, "--force").Exit);
        Assert.NotEqual("keep me", File.ReadAllText(report));
    }

    [Fact]
    public void Without_a_recorded_dataset_data_is_required_and_bad_runs_are_named()
    {
        var copy = Path.Combine(tiny.Root, "copy");
        Directory.CreateDirectory(copy);
        foreach (var file in new[] { "model.json", "model.weights", "split.json", "options.json" })
            File.Copy(Path.Combine(tiny.Run, file), Path.Combine(copy, file), overwrite: true);

        var missing = CliRunner.Run("evaluate", "--run", copy);
        Assert.Equal(1, missing.Exit);
        Assert.Contains("--data", missing.Error);
        var given = CliRunner.Run("evaluate", "--run", copy, "--data", TinyRunFixture.Labels, "--split", "val");
        Assert.True(given.Exit == 0, given.Error);
        Assert.Contains("val split", given.Out);

        var empty = Path.Combine(tiny.Root, "empty");
        Directory.CreateDirectory(empty);
        var none = CliRunner.Run("evaluate", "--run", empty, "--data", TinyRunFixture.Labels);
        Assert.Equal(1, none.Exit);
        Assert.Contains("holds no model", none.Error);
    }

    [Fact]
    public void An_int8_export_calibrated_on_the_training_photos_is_scored_by_evaluate_model_through_the_same_engine()
    {
        var onnx = Path.Combine(tiny.Root, "model-int8.onnx");
        var unquantized = CliRunner.Run("export", "--run", tiny.Run, "--out", onnx, "--calibration-photos", "3");
        Assert.NotEqual(0, unquantized.Exit);
        Assert.Contains("only apply with --quantize", unquantized.Error + unquantized.Out);
        var none = CliRunner.Run("export", "--run", tiny.Run, "--out", onnx, "--quantize", "int8", "--calibration-photos", "0");
        Assert.Equal(1, none.Exit);
        Assert.Contains("at least 1 photo", none.Error);
        Assert.False(File.Exists(onnx));

        var export = CliRunner.Run("export", "--run", tiny.Run, "--out", onnx, "--quantize", "int8", "--calibration-photos", "3");
        Assert.True(export.Exit == 0, export.Error);
        Assert.Contains("int8 (QDQ)", export.Out);
        var train = DatasetSplit.Load(Path.Combine(tiny.Run, "split.json")).Train;
        Assert.True(export.Out.Contains($"of {Math.Min(3, train.Count)} training photos"), export.Out);
        Assert.Contains("QLinearConv", export.Out);
        var card = NewtPose.Export.OnnxMetadata.ReadFile(onnx);
        Assert.Equal(21, card.Spec.Keypoints.Count);
        var photos = NewtPose.Export.OnnxQuantization.TrainingPhotos(tiny.Run, 3);
        Assert.All(photos, p => Assert.Contains(train, t => p.EndsWith(t.Replace('/', Path.DirectorySeparatorChar), StringComparison.Ordinal)));

        var float32 = JsonNode.Parse(CliRunner.Run("evaluate", "--run", tiny.Run, "--json").Out)!;
        var int8 = CliRunner.Run("evaluate", "--run", tiny.Run, "--model", onnx, "--json");
        Assert.True(int8.Exit == 0, int8.Error);
        var scored = JsonNode.Parse(int8.Out)!;
        Assert.Equal((int)float32["n_images"]!, (int)scored["n_images"]!);
        Assert.Equal(onnx, (string?)scored["model"]);
        Assert.Null(float32["model"]);
        // A one-epoch model on 64 px crops: int8 must score like the float model, not like noise.
        var (a, b) = ((double)float32["mean_px_error"]!, (double)scored["mean_px_error"]!);
        Assert.True(Math.Abs(a - b) < 0.1 * a, $"float {a} px, int8 {b} px");

        var predictions = Path.Combine(tiny.Root, "int8-predictions.json");
        var images = Path.Combine(Path.GetDirectoryName(TinyRunFixture.Labels)!, "images");
        var predict = CliRunner.Run("predict", "--model", onnx, "--images", images, "--out", predictions);
        Assert.True(predict.Exit == 0, predict.Error);
        Assert.Contains("onnx engine", predict.Out);
        Assert.Equal(8, JsonNode.Parse(File.ReadAllText(predictions))!["images"]!.AsArray().Count);
    }

    /// <summary>A copy of the tiny run (model, split, options, recorded labels) at <paramref name="name"/>.</summary>
    private string CopyOfRun(string name)
    {
        var copy = Path.Combine(tiny.Root, name);
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(tiny.Run)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)), overwrite: true);
        return copy;
    }

    [Fact]
    public void An_ensemble_of_a_model_with_itself_scores_exactly_as_the_model_and_is_named_in_the_json()
    {
        var twin = CopyOfRun("twin");
        var alone = JsonNode.Parse(CliRunner.Run("evaluate", "--run", tiny.Run, "--json").Out)!;
        var pair = CliRunner.Run("evaluate", "--run", tiny.Run, "--ensemble", twin, "--json");
        Assert.True(pair.Exit == 0, pair.Error);
        var scored = JsonNode.Parse(pair.Out)!;
        Assert.Equal([Path.GetFullPath(tiny.Run), Path.GetFullPath(twin)], scored["ensemble"]!.AsArray().Select(n => (string)n!).ToArray());
        // Two equal outputs average to that output: the same points, so the same figures to the last digit.
        foreach (var field in new[] { "mean_px_error", "rmse_px", "pck_0_05", "oks_ap", "n_images" })
            Assert.Equal(alone[field]!.ToJsonString(), scored[field]!.ToJsonString());
        Assert.Contains("(ensemble of 2)", CliRunner.Run("evaluate", "--run", tiny.Run, "--ensemble", twin).Out);
    }

    [Fact]
    public void An_ensemble_member_that_trained_on_the_scored_photos_or_crops_otherwise_is_refused_by_name()
    {
        var leaky = CopyOfRun("leaky");
        var split = DatasetSplit.Load(Path.Combine(tiny.Run, "split.json"));
        (split with { Train = [.. split.Train, .. split.Test], Test = [] }).Save(Path.Combine(leaky, "split.json"));
        var refused = CliRunner.Run("evaluate", "--run", tiny.Run, "--ensemble", leaky, "--json");
        Assert.Equal(1, refused.Exit);
        Assert.Contains(Path.Combine(leaky, "split.json"), refused.Error);
        Assert.Contains($"{split.Test.Count} of the test photos", refused.Error);

        var otherCrop = CopyOfRun("other-crop");
        var card = JsonNode.Parse(File.ReadAllText(Path.Combine(otherCrop, "model.json")))!.AsObject();
        var margin = card["crop"]!["margin"]!;
        card["crop"]!["margin"] = (double)margin + 0.1;
        File.WriteAllText(Path.Combine(otherCrop, "model.json"), card.ToJsonString());
        var differs = CliRunner.Run("evaluate", "--run", tiny.Run, "--ensemble", otherCrop);
        Assert.Equal(1, differs.Exit);
        Assert.Contains($"{Path.GetFullPath(otherCrop)} cannot join an ensemble with {Path.GetFullPath(tiny.Run)}: crop policy", differs.Error);

        Assert.Contains("cannot be combined with --model", CliRunner.Run("evaluate", "--run", tiny.Run, "--ensemble", otherCrop, "--model", "x.onnx").Error);
        Assert.Contains("test or val split", CliRunner.Run("evaluate", "--run", tiny.Run, "--ensemble", CopyOfRun("twin-all"), "--split", "all").Error);
    }
}
