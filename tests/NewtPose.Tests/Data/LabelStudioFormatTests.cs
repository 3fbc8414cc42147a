using System.Text.Json;
using NewtPose.Data;
using NewtPose.Data.Formats.LabelStudio;

namespace NewtPose.Tests.Data;

public class LabelStudioFormatTests
{
    // Photo 1 (200×100): two animals, rectangles linked to their points by relations; photo 2 (meta.original_file, no
    // rectangle, one animal); photo 3: not on disk; a cancelled annotation; a second annotation of task 2.
    private const string Export = """
        [
         {"id": 1, "data": {"image": "/data/upload/1/3f2a9c1e-newt1.png"}, "file_upload": "3f2a9c1e-newt1.png",
          "annotations": [{"id": 10, "was_cancelled": false, "result": [
            {"id": "r1", "type": "rectanglelabels", "from_name": "box", "to_name": "image", "original_width": 200, "original_height": 100,
             "value": {"x": 5, "y": 10, "width": 40, "height": 50, "rotation": 0, "rectanglelabels": ["newt"]}},
            {"id": "r2", "type": "rectanglelabels", "from_name": "box", "to_name": "image", "original_width": 200, "original_height": 100,
             "value": {"x": 50, "y": 10, "width": 40, "height": 50, "rotation": 0, "rectanglelabels": ["newt"]}},
            {"id": "k1", "type": "keypointlabels", "from_name": "kp", "to_name": "image", "original_width": 200, "original_height": 100,
             "value": {"x": 10.125, "y": 20.5, "width": 0.5, "keypointlabels": ["snout"]}},
            {"id": "k2", "type": "keypointlabels", "from_name": "kp", "to_name": "image", "original_width": 200, "original_height": 100,
             "value": {"x": 60, "y": 30, "width": 0.5, "keypointlabels": ["snout"]}},
            {"id": "k3", "type": "keypointlabels", "from_name": "kp", "to_name": "image", "original_width": 200, "original_height": 100,
             "value": {"x": 70, "y": 40, "width": 0.5, "keypointlabels": ["vent"]}},
            {"type": "relation", "from_id": "r1", "to_id": "k1", "direction": "right"},
            {"type": "relation", "from_id": "k2", "to_id": "r2", "direction": "left"}]}]},
         {"id": 2, "data": {"image": "s3://bucket/lab/newt2.png"}, "meta": {"original_file": "newt2.png"},
          "annotations": [{"id": 11, "result": [
            {"id": "k4", "type": "keypointlabels", "from_name": "kp", "to_name": "image", "original_width": 200, "original_height": 100,
             "value": {"x": 50, "y": 50, "width": 0.5, "keypointlabels": ["vent"]}}]},
            {"id": 12, "result": []}]},
         {"id": 3, "data": {"image": "/data/upload/1/0badf00d-missing.png"},
          "annotations": [{"id": 13, "was_cancelled": true, "result": []}]}
        ]
        """;

    [Fact]
    public void Reads_keypoints_in_percent_grouped_into_animals_by_rectangles_and_relations()
    {
        using var folder = new TempFolder();
        folder.Png("photos/newt1.png", 200, 100);
        folder.Png("photos/newt2.png", 200, 100);
        var path = folder.File("export/project-1.json", Export);
        Assert.Equal(LabelFormat.LabelStudio, PoseData.Detect(path));
        var d = PoseData.Load(path, options: new PoseLoadOptions(ImageFolder: Path.Combine(folder.Path, "photos")));

        Assert.Equal(["snout", "vent"], d.Skeleton.Keypoints);
        Assert.Equal(["newt1.png", "newt2.png", "missing.png"], d.Images.Select(i => i.Path));
        var (a, b) = (d.Images[0].Instances[0], d.Images[0].Instances[1]);
        Assert.Equal(new Keypoint(20.25, 20.5, Visibility.Visible), a.Keypoints[0]);
        Assert.Equal(new BoundingBox(10, 10, 80, 50), a.Box);
        Assert.False(a.Keypoints[1].IsLabeled);
        Assert.Equal(new Keypoint(120, 30, Visibility.Visible), b.Keypoints[0]);
        // k3 has no relation: it lies inside r2 only.
        Assert.Equal(new Keypoint(140, 40, Visibility.Visible), b.Keypoints[1]);
        Assert.Equal(new Keypoint(100, 50, Visibility.Visible), d.Images[1].Instances.Single().Keypoints[1]);
        Assert.Empty(d.Images[2].Instances);

        Assert.Contains(d.Warnings, w => w.Contains("1 cancelled annotations were not read"));
        Assert.Contains(d.Warnings, w => w.Contains("1 annotations beyond the first of their task were not read"));
        Assert.Contains(d.Warnings, w => w.Contains("1 photos named by URL were not found") && w.Contains("0badf00d-missing.png"));
    }

    [Fact]
    public void A_point_that_belongs_to_no_single_animal_is_refused_naming_the_task_and_result()
    {
        using var folder = new TempFolder();
        var path = folder.File("export.json", Export.Replace("\"x\": 70, \"y\": 40", "\"x\": 99, \"y\": 99"));
        var e = Assert.Throws<DatasetFormatException>(() => PoseData.Load(path));
        Assert.Contains("tasks[0].annotations[0].result[4]", e.Message);
        Assert.Contains("'vent'", e.Message);
        Assert.Contains("0 of the 2 rectangles", e.Message);
    }

    [Fact]
    public void Predictions_are_written_in_label_studios_format_with_every_point_in_percent()
    {
        using var folder = new TempFolder();
        var dataset = TestData.Newts(folder);
        dataset = dataset with
        {
            Images = dataset.Images.Select(i => i with { Instances = i.Instances.Select(x => x with { Attributes = new Dictionary<string, string> { ["score"] = "0.75" } }).ToArray() }).ToArray(),
        };
        var report = PoseData.Save(dataset, Path.Combine(folder.Path, "ls"), LabelFormat.LabelStudio);
        Assert.Contains(report.Losses, l => l.Contains("occluded points (v=1) were written as plain keypoints"));
        using var json = JsonDocument.Parse(File.ReadAllText(report.OutputPath));
        var tasks = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(dataset.Images.Count, tasks.Length);
        for (var i = 0; i < tasks.Length; i++)
        {
            var image = dataset.Images[i];
            Assert.Equal(LabelStudioFormat.LocalFilesUrl + image.Path, tasks[i].GetProperty("data").GetProperty("image").GetString());
            var prediction = tasks[i].GetProperty("predictions").EnumerateArray().Single();
            Assert.Equal("newtpose", prediction.GetProperty("model_version").GetString());
            var result = prediction.GetProperty("result").EnumerateArray().ToArray();
            var points = result.Where(r => r.GetProperty("type").GetString() == "keypointlabels").ToArray();
            Assert.Equal(image.Instances.Sum(x => x.LabeledCount), points.Length);
            Assert.Equal(points.Length, result.Count(r => r.GetProperty("type").GetString() == "relation"));
            Assert.Equal(image.Instances.Count(x => x.LabeledCount > 0), result.Count(r => r.GetProperty("type").GetString() == "rectanglelabels"));
            if (image.Instances.Count > 0) Assert.Equal(0.75, prediction.GetProperty("score").GetDouble());
            foreach (var p in points)
            {
                Assert.Equal("keypoints", p.GetProperty("from_name").GetString());
                Assert.Equal("image", p.GetProperty("to_name").GetString());
                var value = p.GetProperty("value");
                var name = value.GetProperty("keypointlabels")[0].GetString()!;
                var k = dataset.Skeleton.IndexOf(name);
                var (x, y) = (value.GetProperty("x").GetDouble() * image.Width / 100, value.GetProperty("y").GetDouble() * image.Height / 100);
                Assert.Contains(image.Instances, inst => inst.Keypoints[k].IsLabeled && Math.Abs(inst.Keypoints[k].X - x) < 1e-3 && Math.Abs(inst.Keypoints[k].Y - y) < 1e-3);
            }
        }
    }

    [Fact]
    public void Written_predictions_read_back_as_an_export_once_accepted_as_annotations()
    {
        // A lab accepts the model's points in Label Studio: the export then holds them as annotations.
        using var folder = new TempFolder();
        var dataset = TestData.Newts(folder);
        var written = PoseData.Save(dataset, Path.Combine(folder.Path, "predictions.json"), LabelFormat.LabelStudio).OutputPath;
        var accepted = File.ReadAllText(written).Replace("\"predictions\"", "\"annotations\"").Replace(LabelStudioFormat.LocalFilesUrl, "/data/local-files/?d=src/");
        var export = folder.File("export.json", accepted);
        var back = PoseData.Load(export);
        Assert.Equal(dataset.Images.Count, back.Images.Count);
        foreach (var image in dataset.Images.Where(i => i.IsLabeled))
        {
            var other = back.Images.Single(i => i.Path == "src/" + image.Path);
            var labeled = image.Instances.Where(x => x.LabeledCount > 0).ToArray();
            Assert.Equal(labeled.Length, other.Instances.Count);
            for (var n = 0; n < labeled.Length; n++)
                for (var k = 0; k < dataset.Skeleton.Count; k++)
                {
                    var p = labeled[n].Keypoints[k];
                    var q = other.Instances[n].Keypoints[back.Skeleton.IndexOf(dataset.Skeleton.Keypoints[k])];
                    Assert.Equal(p.IsLabeled, q.IsLabeled);
                    if (p.IsLabeled) Assert.True(Math.Abs(p.X - q.X) < 1e-3 && Math.Abs(p.Y - q.Y) < 1e-3, $"{image.Path} {k}: ({p.X}, {p.Y}) → ({q.X}, {q.Y})");
                }
        }
    }
}
