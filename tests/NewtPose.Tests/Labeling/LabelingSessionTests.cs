using NewtPose.Data;
using NewtPose.Data.Inspection;
using NewtPose.Labeling;
using NewtPose.Tests.Data;

namespace NewtPose.Tests.Labeling;

public class LabelingSessionTests
{
    private static (IReadOnlyList<Keypoint>, IReadOnlyList<bool>) Change(PoseInstance instance, int k, Keypoint to)
    {
        var points = instance.Keypoints.ToArray();
        points[k] = to;
        return (points, points.Select((_, i) => i == k).ToArray());
    }

    [Fact]
    public void DefaultOutput_IsBesideTheLabels_WrittenOnTheFirstChange_AndRefusedOnceItExists()
    {
        using var folder = new TempFolder();
        var labels = LabelingTestData.TinyNewts(folder);
        var session = LabelingSession.Open(new LabelingOptions(labels));
        Assert.Equal(Path.Combine(Path.GetDirectoryName(labels)!, "annotations.corrected.json"), session.OutputPath);
        Assert.False(File.Exists(session.OutputPath));

        var instance = session.Image(1).Instances[0];
        session.Update(1, PhotoState.Corrected, [Change(instance, 0, instance.Keypoints[0] with { X = 10 })]);
        Assert.True(File.Exists(session.OutputPath));

        var refused = Assert.Throws<ArgumentException>(() => LabelingSession.Open(new LabelingOptions(labels)));
        Assert.Contains("already exists", refused.Message);
        Assert.Contains($"--out {session.OutputPath}", refused.Message);
    }

    [Fact]
    public void TheLabelFile_IsNeverTheOutput()
    {
        using var folder = new TempFolder();
        var labels = LabelingTestData.TinyNewts(folder);
        var before = File.ReadAllBytes(labels);
        var refused = Assert.Throws<ArgumentException>(() => LabelingSession.Open(new LabelingOptions(labels, OutputPath: labels)));
        Assert.Contains("never written", refused.Message);
        var suggestions = LabelingTestData.Suggestions(labels, [0]);
        Assert.Throws<ArgumentException>(() => LabelingSession.Open(new LabelingOptions(labels, suggestions, OutputPath: suggestions)));
        Assert.Equal(before, File.ReadAllBytes(labels));
    }

    [Fact]
    public void AnOutputThePhotosAreNotBelow_IsRefused()
    {
        using var folder = new TempFolder();
        var labels = LabelingTestData.TinyNewts(folder);
        var elsewhere = Path.Combine(folder.Path, "other", "out.json");
        var refused = Assert.Throws<ArgumentException>(() => LabelingSession.Open(new LabelingOptions(labels, OutputPath: elsewhere)));
        Assert.Contains("'..'", refused.Message);
        Assert.False(File.Exists(elsewhere));
    }

    [Fact]
    public void EveryChange_IsSavedAsCocoThatInspectReads_WithTheStateAndTheCorrectedPoints_AndEveryOtherLabelKept()
    {
        using var folder = new TempFolder();
        var labels = LabelingTestData.TinyNewts(folder);
        // An output in the folder above the photos' dataset: the photos get longer relative names and still resolve.
        var output = Path.Combine(folder.Path, "corrected.json");
        var session = LabelingSession.Open(new LabelingOptions(labels, OutputPath: output));
        var original = PoseData.Load(labels);
        var instance = session.Image(2).Instances[0];
        session.Update(2, PhotoState.Corrected, [Change(instance, 5, new Keypoint(100.25, 50.5, Visibility.Occluded))]);
        session.Update(3, PhotoState.Skipped, [(session.Image(3).Instances[0].Keypoints, new bool[21])]);

        var saved = PoseData.Load(output);
        Assert.Equal(original.Images.Select(original.FullPath), saved.Images.Select(saved.FullPath));
        Assert.Equal(["todo", "todo", "corrected", "skipped", "todo", "todo", "todo", "todo"],
            saved.Images.Select(i => i.Attributes[LabelAttributes.State]));
        Assert.Equal(new Keypoint(100.25, 50.5, Visibility.Occluded), saved.Images[2].Instances[0].Keypoints[5]);
        Assert.Equal("[\"left_shoulder\"]", saved.Images[2].Instances[0].Attributes[LabelAttributes.CorrectedKeypoints]);
        Assert.False(saved.Images[3].Instances[0].Attributes.ContainsKey(LabelAttributes.CorrectedKeypoints));
        for (var i = 0; i < original.Images.Count; i++)
        for (var k = 0; k < 21; k++)
            if (!(i == 2 && k == 5)) Assert.Equal(original.Images[i].Instances[0].Keypoints[k], saved.Images[i].Instances[0].Keypoints[k]);
        Assert.Equal(original.Images[0].Instances[0].Individual, saved.Images[0].Instances[0].Individual);

        var summary = DatasetInspector.Inspect(saved, LabelFormat.Coco);
        Assert.Equal(8, summary.Images);
        Assert.Equal(0, summary.MissingImageFiles);
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp-*", SearchOption.AllDirectories));
    }

    [Fact]
    public void OpeningTheOutputAgain_ResumesFromIt_AndAnOutputForOtherLabelsIsRefused()
    {
        using var folder = new TempFolder();
        var labels = LabelingTestData.TinyNewts(folder);
        var output = Path.Combine(Path.GetDirectoryName(labels)!, "work.json");
        var first = LabelingSession.Open(new LabelingOptions(labels, OutputPath: output));
        var instance = first.Image(4).Instances[0];
        first.Update(4, PhotoState.Corrected, [Change(instance, 20, instance.Keypoints[20] with { X = 33.125, Y = 44.5 })]);

        var resumed = LabelingSession.Open(new LabelingOptions(labels, OutputPath: output));
        Assert.True(resumed.Resumed);
        Assert.Contains(resumed.Notes, n => n.Contains("resumed") && n.Contains("1 corrected"));
        Assert.Equal(PhotoState.Corrected, LabelingSession.StateOf(resumed.Image(4)));
        Assert.Equal((33.125, 44.5), (resumed.Image(4).Instances[0].Keypoints[20].X, resumed.Image(4).Instances[0].Keypoints[20].Y));
        Assert.Equal(["tail_tip"], LabelingSession.Named(resumed.Image(4).Instances[0], LabelAttributes.CorrectedKeypoints));

        // The same photos less one: the saved file does not belong to them.
        var other = LabelingTestData.TinyNewts(folder, "other");
        var fewer = PoseData.Load(other);
        NewtPose.Data.Formats.Coco.CocoFormat.Write(fewer with { Images = fewer.Images.Take(7).ToArray() }, other);
        File.Copy(output, Path.Combine(Path.GetDirectoryName(other)!, "work.json"));
        var refused = Assert.Throws<ArgumentException>(() => LabelingSession.Open(new LabelingOptions(other, OutputPath: Path.Combine(Path.GetDirectoryName(other)!, "work.json"))));
        Assert.Contains("not written for", refused.Message);
    }

    [Fact]
    public void Suggestions_FillTheUnlabelledPoints_KeepTheLabels_AndCarryTheirScores()
    {
        using var folder = new TempFolder();
        var tiny = LabelingTestData.TinyNewts(folder);
        var labels = LabelingTestData.WithGaps(tiny, unlabel: [3, 7], emptyPhoto: 1);
        var suggestions = LabelingTestData.Suggestions(labels, [0, 1], pointsFrom: tiny);
        var original = PoseData.Load(labels);
        var session = LabelingSession.Open(new LabelingOptions(labels, suggestions, Path.Combine(Path.GetDirectoryName(labels)!, "out.json")));

        var photo0 = session.Image(0).Instances[0];
        Assert.True(LabelingSession.Named(photo0, LabelAttributes.SuggestedKeypoints).SetEquals(["throat", "left_elbow"]));
        for (var k = 0; k < 21; k++)
            if (k is not (3 or 7)) Assert.Equal(original.Images[0].Instances[0].Keypoints[k], photo0.Keypoints[k]);
        Assert.Equal(Visibility.Visible, photo0.Keypoints[3].Visibility);
        Assert.Equal(3.0 / 21, LabelingSession.Scores(photo0)![3], 3);
        // The photo without an animal gets every suggested point.
        Assert.Equal(21, session.Image(1).Instances[0].LabeledCount);
        Assert.Contains(session.Notes, n => n.Contains("23 points on 2 photos"));

        var view = LabelingApi.Photo(session, 0).Instances[0].Points;
        Assert.Equal(3.0 / 21, view[3].Score!.Value, 3);
        Assert.True(view[3].Suggested);
        Assert.Null(view[0].Score);
    }

    [Fact]
    public void SuggestedPhotosTheLabelsLack_AreAddedAfterTheirs_SavedResumedAndMerged()
    {
        using var folder = new TempFolder();
        var tiny = LabelingTestData.TinyNewts(folder);
        var all = PoseData.Load(tiny);
        var labels = Path.Combine(Path.GetDirectoryName(tiny)!, "first-six.json");
        NewtPose.Data.Formats.Coco.CocoFormat.Write(all with { Images = all.Images.Take(6).ToArray() }, labels);
        // What `newtpose suggest` writes: photos not labelled yet (6 and 7), and one the labels have (0).
        var suggestions = LabelingTestData.Suggestions(tiny, [0, 6, 7]);
        var output = Path.Combine(Path.GetDirectoryName(labels)!, "corrected.json");

        var session = LabelingSession.Open(new LabelingOptions(labels, suggestions, output));

        Assert.Equal(8, session.Count);
        Assert.Equal([all.Images[6].Path, all.Images[7].Path], new[] { session.Image(6).Path, session.Image(7).Path });
        Assert.Equal(all.FullPath(all.Images[7]), session.ImageFile(7));
        Assert.Equal(21, session.Image(7).Instances[0].LabeledCount);
        Assert.Equal(21, LabelingSession.Named(session.Image(7).Instances[0], LabelAttributes.SuggestedKeypoints).Count);
        Assert.Equal(Math.Round(all.Images[7].Instances[0].Keypoints[5].X + 3, 3), session.Image(7).Instances[0].Keypoints[5].X, 6);
        Assert.Contains(session.Notes, n => n.Contains("2 photos") && n.Contains("added after the labels' 6 photos"));
        var instance = session.Image(7).Instances[0];
        session.Update(7, PhotoState.Corrected, [Change(instance, 5, all.Images[7].Instances[0].Keypoints[5])]);

        var resumed = LabelingSession.Open(new LabelingOptions(labels, OutputPath: output));
        Assert.Equal(8, resumed.Count);
        Assert.Equal(PhotoState.Corrected, LabelingSession.StateOf(resumed.Image(7)));
        Assert.Equal(PhotoState.ToDo, LabelingSession.StateOf(resumed.Image(6)));
        Assert.Equal(all.FullPath(all.Images[7]), resumed.ImageFile(7));

        // The corrected photo is what the merge adds; the one left to do is reported, not taken.
        var (merged, _) = NewtPose.ActiveLearning.LabelMerge.MergeFiles(labels, output, Path.Combine(Path.GetDirectoryName(labels)!, "merged.json"));
        Assert.Equal(1, merged.PhotosAdded);
        Assert.Equal(all.Images[7].Path, merged.Merged.Images[^1].Path);
        Assert.Contains(merged.NotTaken, n => n.Image == all.Images[6].Path);
    }

    [Fact]
    public void Suggestions_WithReplace_ReplaceTheLabelledPoints()
    {
        using var folder = new TempFolder();
        var labels = LabelingTestData.TinyNewts(folder);
        var suggestions = LabelingTestData.Suggestions(labels, [2]);
        var original = PoseData.Load(labels).Images[2].Instances[0].Keypoints;
        var session = LabelingSession.Open(new LabelingOptions(labels, suggestions, Path.Combine(Path.GetDirectoryName(labels)!, "out.json"), ReplaceLabels: true));
        var replaced = session.Image(2).Instances[0].Keypoints;
        for (var k = 0; k < 21; k++) Assert.Equal(Math.Round(original[k].X + 3, 3), replaced[k].X, 6);
        Assert.Contains(session.Notes, n => n.Contains("21 labelled points replaced"));
    }

    [Fact]
    public void SuggestionsThatMatchNoPhoto_OrHaveBadScores_AreRefusedNamingTheFile()
    {
        using var folder = new TempFolder();
        var labels = LabelingTestData.TinyNewts(folder);
        var other = LabelingTestData.Suggestions(LabelingTestData.TinyNewts(folder, "elsewhere"), [0]);
        var moved = Path.Combine(folder.Path, "elsewhere", "renamed");
        Directory.Move(Path.Combine(folder.Path, "elsewhere", "images"), moved);
        File.WriteAllText(other, File.ReadAllText(other).Replace("images/", "renamed/"));
        var none = Assert.Throws<DatasetFormatException>(() => LabelingSession.Open(new LabelingOptions(labels, other, Path.Combine(folder.Path, "newts", "o.json"))));
        Assert.Contains("1 of its photos are not in the labels and lie outside the labels' folder", none.Message);
        Assert.Contains(Path.Combine(moved, "newt_0001.jpg"), none.Message);
        Assert.Contains(other, none.Message);

        var bad = LabelingTestData.Suggestions(labels, [0], "bad.json");
        File.WriteAllText(bad, File.ReadAllText(bad).Replace("\"keypoint_scores\":[0,", "\"keypoint_scores\":[\"x\","));
        var scores = Assert.Throws<DatasetFormatException>(() => LabelingSession.Open(new LabelingOptions(labels, bad, Path.Combine(folder.Path, "newts", "o.json"))));
        Assert.Contains("bad.json", scores.Message);
        Assert.Contains("keypoint_scores", scores.Message);
    }

    [Fact]
    public void AChangeThePhotoCannotTake_IsRefused_AndNothingIsWritten()
    {
        using var folder = new TempFolder();
        var labels = LabelingTestData.TinyNewts(folder);
        var session = LabelingSession.Open(new LabelingOptions(labels));
        var instance = session.Image(0).Instances[0];
        Assert.Throws<ArgumentException>(() => session.Update(0, PhotoState.Corrected, [Change(instance, 0, new Keypoint(321, 10, Visibility.Visible))]));
        Assert.Throws<ArgumentException>(() => session.Update(0, PhotoState.Corrected, [Change(instance, 0, new Keypoint(double.NaN, 10, Visibility.Visible))]));
        Assert.Throws<ArgumentException>(() => session.Update(0, PhotoState.Corrected, [(instance.Keypoints.Take(20).ToArray(), new bool[20])]));
        Assert.Throws<ArgumentException>(() => session.Update(0, PhotoState.Corrected, []));
        Assert.Throws<KeyNotFoundException>(() => session.Update(8, PhotoState.Corrected, [Change(instance, 0, instance.Keypoints[0])]));
        Assert.False(File.Exists(session.OutputPath));
    }
}
