using System.Text.Json;
using NewtPose.ActiveLearning;
using NewtPose.Data;
using NewtPose.Labeling;
using NewtPose.Tests.Cli;
using NewtPose.Tests.Data;
using NewtPose.Tests.Inference;

namespace NewtPose.Tests.ActiveLearning;

/// <summary>`newtpose suggest` over a saved (untrained, flip-trained card) model: labelled photos skipped, the COCO file
/// readable as a dataset and by the label page, the CSV, the overlays, the refusals.</summary>
public sealed class SuggestCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _run;
    private readonly string _photos;
    private readonly string _labels;

    public SuggestCommandTests()
    {
        _run = EnginePhotos.SaveUntrainedModel(Path.Combine(_folder.Path, "run"));
        _photos = Path.Combine(_folder.Path, "data", "pool");
        Directory.CreateDirectory(_photos);
        var labelled = new List<LabeledImage>();
        for (var i = 0; i < 5; i++)
        {
            var animal = EnginePhotos.Animal(90 + 5 * i, 70 + 3 * i, 8 + i);
            EnginePhotos.WritePng(_photos, $"l{i}.png", EnginePhotos.Draw(200, 150, animal, 3));
            labelled.Add(new LabeledImage($"pool/l{i}.png", 200, 150, [new PoseInstance(animal.Select(p => new Keypoint(p.X, p.Y, Visibility.Visible)).ToArray())]));
        }
        for (var i = 0; i < 3; i++) EnginePhotos.WritePng(_photos, $"u{i}.png", EnginePhotos.Draw(200, 150, EnginePhotos.Animal(60 + 30 * i, 80 - 5 * i, 7 + 2 * i), 3));
        File.Copy(Path.Combine(_photos, "u1.png"), Path.Combine(_photos, "u1-twin.png"));
        _labels = Path.Combine(_folder.Path, "data", "labels.json");
        PoseData.Save(new PoseDataset(EnginePhotos.Card().Skeleton(), labelled, Path.Combine(_folder.Path, "data")), _labels, LabelFormat.Coco);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Suggests_unlabelled_photos_without_twins_as_predictions_the_label_page_opens()
    {
        var output = Path.Combine(_folder.Path, "data", "round1", "..", "suggest.json");
        var overlays = Path.Combine(_folder.Path, "overlays");

        var (exit, stdout, stderr) = CliRunner.Run("suggest", "--run", _run, "--images", _photos, "--count", "3", "--out", output,
            "--labels", _labels, "--overlays", overlays, "--batch", "3",
            // An untrained model puts the same pose on every photo: no near-duplicate check here (PoolScoringTests has it).
            "--min-pose-distance", "0");

        Assert.True(exit == 0, stderr + stdout);
        Assert.Contains("4 photos in the pool (5 already labelled, skipped)", stdout);
        Assert.Contains("flip test on", stdout);
        Assert.Contains("against 3 bones", stdout);
        var rows = File.ReadAllLines(Path.Combine(_folder.Path, "data", "suggest.csv"));
        Assert.StartsWith("image,chosen,order,combined,low_confidence,flip_disagreement,implausibility", rows[0]);
        Assert.Equal(["pool/u0.png", "pool/u1-twin.png", "pool/u1.png", "pool/u2.png"], rows.Skip(1).Select(r => r.Split(',')[0]).Order(StringComparer.Ordinal));
        Assert.Equal(["", "1", "2", "3"], rows.Skip(1).Select(r => r.Split(',')[1]).Order(StringComparer.Ordinal));

        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder.Path, "data", "suggest.json"))))
        {
            var annotations = json.RootElement.GetProperty("annotations").EnumerateArray().ToArray();
            Assert.Equal(3, annotations.Length);
            Assert.All(annotations, a => Assert.Equal(SuggestionFiles.Source, a.GetProperty("source").GetString()));
            Assert.Equal([1, 2, 3], annotations.Select(a => a.GetProperty("suggest_rank").GetInt32()));
            Assert.All(annotations, a => Assert.Equal(4, a.GetProperty("keypoint_scores").GetArrayLength()));
            Assert.All(annotations, a => Assert.True(a.GetProperty("uncertainty").GetProperty("flip_disagreement").ValueKind == JsonValueKind.Number));
        }
        // Readable as a dataset (what `newtpose inspect` does), its photos found from where it lies.
        var suggestions = PoseData.Load(Path.Combine(_folder.Path, "data", "suggest.json"));
        Assert.Equal(3, suggestions.Images.Count);
        Assert.All(suggestions.Images, i => Assert.True(File.Exists(suggestions.FullPath(i))));
        // The label page opens it as the photos to correct, with the scores shown.
        var session = LabelingSession.Open(new LabelingOptions(Path.Combine(_folder.Path, "data", "suggest.json"), OutputPath: Path.Combine(_folder.Path, "data", "corrected.json")));
        Assert.Equal(3, session.Count);
        Assert.NotNull(LabelingSession.Scores(session.Image(0).Instances[0]));
        Assert.Equal(3, Directory.GetFiles(overlays, "*.jpg", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public void Pseudo_labels_of_the_pool_merge_into_new_labels_and_stay_on_the_train_side()
    {
        var output = Path.Combine(_folder.Path, "data", "pseudo.json");
        // Every point in the photo kept (an untrained model's branches disagree by more than its small found box, so the
        // threshold is far above it); which points an untrained model puts off the photo is up to its random weights.
        var (exit, stdout, stderr) = CliRunner.Run("suggest", "--run", _run, "--images", _photos, "--out", output, "--labels", _labels,
            "--pseudo-labels", "--max-disagreement", "1000", "--min-kept", "0.25");
        Assert.True(exit == 0, stderr + stdout);
        var summary = System.Text.RegularExpressions.Regex.Match(stdout, @"pseudo-labelled (\d) of 4 photos, (\d+) of their (\d+) points kept \(agreement within 1000 of the box size\)");
        Assert.True(summary.Success, stdout);
        var (taken, kept, points) = (int.Parse(summary.Groups[1].Value), int.Parse(summary.Groups[2].Value), int.Parse(summary.Groups[3].Value));
        Assert.Equal(4 * taken, points);
        Assert.Contains("merge them with: newtpose merge", stdout);
        Assert.True(File.Exists(Path.Combine(_folder.Path, "data", "pseudo.csv")));
        var pseudo = PoseData.Load(output);
        Assert.Equal(taken, pseudo.Images.Count);
        Assert.All(pseudo.Images, i => Assert.True(i.IsPseudoLabelled));
        var labelledPoints = pseudo.Images.SelectMany(i => i.Instances).SelectMany(a => a.Keypoints).Where(k => k.IsLabeled).ToArray();
        Assert.Equal(kept, labelledPoints.Length);
        Assert.All(labelledPoints, k => Assert.True(k.X is >= 0 and <= 200 && k.Y is >= 0 and <= 150, $"({k.X}, {k.Y}) is off the photo"));

        var merged = Path.Combine(_folder.Path, "data", "merged.json");
        LabelMerge.MergeFiles(_labels, output, merged);
        var dataset = PoseData.Load(merged);
        Assert.Equal(5 + taken, dataset.Images.Count(i => i.IsLabeled));
        var split = NewtPose.Training.PoseTraining.DefaultSplit(dataset, 3);
        Assert.Subset(split.Train.ToHashSet(), pseudo.Images.Select(i => i.Path).ToHashSet());
        Assert.DoesNotContain(split.Val.Concat(split.Test), p => p.StartsWith("pool/u", StringComparison.Ordinal));

        (exit, stdout, stderr) = CliRunner.Run("suggest", "--run", _run, "--images", _photos, "--out", output, "--labels", _labels,
            "--pseudo-labels", "--max-disagreement", "0.000001", "--force");
        Assert.True(exit == 0, stderr + stdout);
        Assert.Contains("pseudo-labelled 0 of 4 photos", stdout);
        Assert.Contains("not taken: ", stdout);
        Assert.Contains("keypoints agree within 1E-06 of the box size", stdout);

        (exit, _, stderr) = CliRunner.Run("suggest", "--run", _run, "--images", _photos, "--out", output, "--pseudo-labels", "--overlays", Path.Combine(_folder.Path, "o"), "--force");
        Assert.Equal(2, exit);
        Assert.Contains("--overlays draws the suggested photos", stderr);
    }

    [Fact]
    public void Refuses_a_suggestions_file_that_could_not_name_the_photos_and_an_existing_output()
    {
        var elsewhere = Path.Combine(_folder.Path, "elsewhere", "s.json");
        var existing = Path.Combine(_folder.Path, "data", "s.json");
        File.WriteAllText(existing, "keep");

        var outside = CliRunner.Run("suggest", "--run", _run, "--images", _photos, "--out", elsewhere);
        var exists = CliRunner.Run("suggest", "--run", _run, "--images", _photos, "--out", existing);

        Assert.Equal(NewtPose.Cli.ExitCodes.Failure, outside.Exit);
        Assert.Contains("is not under its folder", outside.Error);
        Assert.Equal(NewtPose.Cli.ExitCodes.Failure, exists.Exit);
        Assert.Contains("already exists", exists.Error);
        Assert.Equal("keep", File.ReadAllText(existing));
    }
}
