using System.Text.Json;
using NewtPose.Cli;
using NewtPose.Data;
using NewtPose.Imaging;
using NewtPose.Tests.Data;
using NewtPose.Tests.Inference;

namespace NewtPose.Tests.Cli;

/// <summary>`newtpose predict` on a folder of photos with a saved (untrained) model: the files, the errors, the refusals.</summary>
public sealed class PredictCommandTests : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly string run;
    private readonly string photos;

    public PredictCommandTests()
    {
        run = EnginePhotos.SaveUntrainedModel(Path.Combine(folder.Path, "run"));
        photos = Path.Combine(folder.Path, "photos");
        Directory.CreateDirectory(Path.Combine(photos, "day2"));
        EnginePhotos.WritePng(photos, "a.png", EnginePhotos.Draw(200, 150, EnginePhotos.Animal(100, 75, 8), 3));
        Imaging.TestImages.WriteJpeg(Path.Combine(photos, "day2", "b.jpg"), EnginePhotos.Draw(160, 240, EnginePhotos.Animal(80, 110, 8), 3), exifOrientation: 6);
        File.WriteAllBytes(Path.Combine(photos, "day2", "broken.jpg"), []);
        File.WriteAllText(Path.Combine(photos, "notes.txt"), "not a photo: skipped by extension");
    }

    public void Dispose() => folder.Dispose();

    private string[] PhotoFolderListing() => Directory.GetFileSystemEntries(photos, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Coco_predictions_name_the_unreadable_photo_exit_3_partly_failed_and_read_back_as_a_dataset()
    {
        var before = PhotoFolderListing();
        var output = Path.Combine(folder.Path, "out", "predictions.json");
        var overlays = Path.Combine(folder.Path, "overlays");

        var (exit, stdout, stderr) = CliRunner.Run("predict", "--run", run, "--images", photos, "--out", output, "--overlays", overlays, "--batch", "2");

        Assert.Equal(ExitCodes.Partial, exit);
        Assert.Contains("predicted 2 of 3 photos", stdout);
        Assert.Contains("broken.jpg", stderr);
        Assert.Equal(before, PhotoFolderListing());
        using var json = JsonDocument.Parse(File.ReadAllText(output));
        var root = json.RootElement;
        Assert.Equal(["a.png", "day2/b.jpg"], root.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("file_name").GetString()));
        // The sideways JPEG is reported in its upright size.
        Assert.Equal(240, root.GetProperty("images")[1].GetProperty("width").GetInt32());
        var annotation = root.GetProperty("annotations")[0];
        Assert.Equal(12, annotation.GetProperty("keypoints").GetArrayLength());
        Assert.Equal(4, annotation.GetProperty("keypoint_scores").GetArrayLength());
        Assert.True(annotation.TryGetProperty("score", out _));
        Assert.Equal(4, annotation.GetProperty("bbox").GetArrayLength());
        Assert.Equal("day2/broken.jpg", root.GetProperty("failed_images")[0].GetProperty("file_name").GetString());
        // What `newtpose inspect` reads: the predictions as a dataset of 2 images, 4 points each, left/right pairs kept.
        var dataset = PoseData.Load(output);
        Assert.Equal(2, dataset.Images.Count);
        Assert.Equal(TestOnlyDotBackend.Names, dataset.Skeleton.Keypoints);
        Assert.Single(dataset.Skeleton.SwapPairs);
        Assert.Equal(8, dataset.Instances.Sum(i => i.LabeledCount));
        // Overlays: upright, under the same relative names, outside the photos' folder.
        Assert.Equal((240, 160), ImageLoader.ReadSize(Path.Combine(overlays, "day2", "b.jpg")));
        Assert.True(File.Exists(Path.Combine(overlays, "a.png.jpg")));
    }

    [Fact]
    public void Csv_and_dlc_outputs_have_one_row_per_point_and_per_photo()
    {
        var csv = Path.Combine(folder.Path, "p.csv");
        var dlc = Path.Combine(folder.Path, "p-dlc.csv");
        var good = Path.Combine(photos, "a.png");

        Assert.Equal(0, CliRunner.Run("predict", "--run", run, "--images", good, "--out", csv, "--format", "csv").Exit);
        Assert.Equal(ExitCodes.Partial, CliRunner.Run("predict", "--run", run, "--images", Path.Combine(photos, "day2", "*.jpg"), "--out", dlc, "--format", "dlc").Exit);

        var rows = File.ReadAllLines(csv);
        Assert.Equal("image,keypoint,x,y,confidence,error", rows[0]);
        Assert.Equal(1 + 4, rows.Length);
        Assert.StartsWith("a.png,snout,", rows[1]);
        var table = File.ReadAllLines(dlc);
        Assert.StartsWith("scorer,NewtPose_run,", table[0]);
        Assert.StartsWith("bodyparts,snout,snout,snout,left_eye", table[1]);
        Assert.StartsWith("coords,x,y,likelihood,x", table[2]);
        Assert.Equal(["b.jpg", "broken.jpg"], table[3..].Select(r => r.Split(',')[0]));
        Assert.Equal(1 + 12, table[3].Split(',').Length);
        Assert.Equal(new string(',', 12), table[4]["broken.jpg".Length..]);
    }

    [Fact]
    public void An_existing_output_is_kept_unless_forced_and_nothing_is_written_among_the_photos()
    {
        var output = Path.Combine(folder.Path, "p.json");
        File.WriteAllText(output, "keep me");
        var good = Path.Combine(photos, "a.png");

        var refused = CliRunner.Run("predict", "--run", run, "--images", good, "--out", output);
        Assert.Equal(ExitCodes.Failure, refused.Exit);
        Assert.Contains("--force", refused.Error);
        Assert.Equal("keep me", File.ReadAllText(output));

        Assert.Equal(0, CliRunner.Run("predict", "--run", run, "--images", good, "--out", output, "--force").Exit);
        Assert.NotEqual("keep me", File.ReadAllText(output));

        var inside = CliRunner.Run("predict", "--run", run, "--images", photos, "--out", Path.Combine(photos, "p.json"));
        Assert.Equal(ExitCodes.Failure, inside.Exit);
        Assert.Contains("photos' folder", inside.Error);
        var overlaysInside = CliRunner.Run("predict", "--run", run, "--images", photos, "--out", Path.Combine(folder.Path, "q.json"), "--overlays", photos);
        Assert.Equal(ExitCodes.Failure, overlaysInside.Exit);
        Assert.False(File.Exists(Path.Combine(photos, "p.json")));
        Assert.False(File.Exists(Path.Combine(folder.Path, "q.json")));
    }

    [Fact]
    public void The_flip_test_defaults_to_what_the_run_scored_with()
    {
        var output = Path.Combine(folder.Path, "p.csv");
        // No options.json: the run does not say, so no flip test (as evaluate reads it).
        Assert.Contains("flip test off", CliRunner.Run("predict", "--run", run, "--images", photos, "--out", output, "--format", "csv").Out);
        new NewtPose.Training.TrainingOptions { FlipTest = true }.Save(Path.Combine(run, "options.json"));
        Assert.Contains("flip test on", CliRunner.Run("predict", "--run", run, "--images", photos, "--out", output, "--format", "csv", "--force").Out);
        Assert.Contains("flip test off", CliRunner.Run("predict", "--run", run, "--images", photos, "--out", output, "--format", "csv", "--force", "--flip-test", "false").Out);
    }

    [Fact]
    public void A_model_trained_without_flips_refuses_the_flip_test_and_a_folder_without_photos_is_named()
    {
        EnginePhotos.SaveUntrainedModel(run, augmentation: NewtPose.Augmentation.AugmentationOptions.Rig);
        var flip = CliRunner.Run("predict", "--run", run, "--images", photos, "--out", Path.Combine(folder.Path, "p.json"), "--flip-test");
        Assert.Equal(ExitCodes.Failure, flip.Exit);
        Assert.Contains("trained without flips", flip.Error);

        var empty = Path.Combine(folder.Path, "empty");
        Directory.CreateDirectory(empty);
        var none = CliRunner.Run("predict", "--run", run, "--images", empty, "--out", Path.Combine(folder.Path, "p.json"));
        Assert.Equal(ExitCodes.Failure, none.Exit);
        Assert.Contains(empty, none.Error);

        var noModel = CliRunner.Run("predict", "--images", photos, "--out", Path.Combine(folder.Path, "p.json"));
        Assert.Equal(ExitCodes.Usage, noModel.Exit);
        Assert.Contains("--run RUN_DIR or --model model.onnx", noModel.Error);
    }

    [Fact]
    public void An_ensemble_predicts_the_average_of_its_members_and_a_member_of_another_input_size_is_refused()
    {
        // Two models of one architecture from different seeds: the ensemble's points are its own, not either member's.
        var other = EnginePhotos.SaveUntrainedModel(Path.Combine(folder.Path, "other"), seed: 2);
        string Predict(string name, params string[] extra)
        {
            var output = Path.Combine(folder.Path, name + ".csv");
            var (exit, stdout, stderr) = CliRunner.Run(["predict", .. extra, "--images", Path.Combine(photos, "a.png"), "--out", output, "--format", "csv"]);
            Assert.True(exit == 0, stderr);
            if (extra.Contains("--ensemble")) Assert.Contains("torch ensemble of 2 engine", stdout);
            return File.ReadAllText(output);
        }
        var (first, second) = (Predict("first", "--run", run), Predict("second", "--run", other));
        var ensemble = Predict("ensemble", "--run", run, "--ensemble", other);
        Assert.NotEqual(first, second);
        Assert.NotEqual(first, ensemble);
        Assert.NotEqual(second, ensemble);
        Assert.Equal(ensemble, Predict("reversed", "--run", other, "--ensemble", run).Replace("NewtPose_other", "NewtPose_run"));

        var larger = EnginePhotos.SaveUntrainedModel(Path.Combine(folder.Path, "larger"), size: 96);
        var refused = CliRunner.Run("predict", "--run", run, "--ensemble", larger, "--images", photos, "--out", Path.Combine(folder.Path, "x.csv"));
        Assert.Equal(ExitCodes.Failure, refused.Exit);
        Assert.Contains("input 64x64 vs 96x96", refused.Error);
        Assert.Contains("--ensemble averages", CliRunner.Run("predict", "--model", "m.onnx", "--ensemble", larger, "--images", photos, "--out", "x.csv").Error);
    }
}
