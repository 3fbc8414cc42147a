using System.Diagnostics;
using NewtPose.Data;
using NewtPose.Data.Inspection;

// Generates a COCO keypoint file of N images x 21 keypoints (one newt each, every visibility, 3000-4000 px photos),
// then times PoseData.Load (parse, validate, swap pairs, mirror check, missing-file check) and DatasetInspector.Inspect.
// Usage: DataBench [images=10000] [repeats=3]
var count = args.Length > 0 ? int.Parse(args[0]) : 10_000;
var repeats = args.Length > 1 ? int.Parse(args[1]) : 3;
var folder = Path.Combine(Path.GetTempPath(), "newtpose-bench-" + Environment.ProcessId);
Directory.CreateDirectory(folder);
try
{
    var names = new[] { "snout", "left_eye", "right_eye", "neck", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
        "left_hand", "right_hand", "belly_1", "belly_2", "belly_3", "left_hip", "right_hip", "left_knee", "right_knee",
        "left_foot", "right_foot", "vent", "tail_tip" };
    var random = new Random(1);
    var images = Enumerable.Range(0, count).Select(i =>
    {
        var (w, h) = (3000 + random.Next(1000), 3000 + random.Next(1000));
        var keypoints = names.Select(_ => random.Next(10) switch
        {
            0 => Keypoint.Missing,
            1 => new Keypoint(random.NextDouble() * w, random.NextDouble() * h, Visibility.Occluded),
            _ => new Keypoint(random.NextDouble() * w, random.NextDouble() * h, Visibility.Visible),
        }).ToArray();
        return new LabeledImage($"photos/batch{i % 17}/newt_{i:00000}.jpg", w, h, [new PoseInstance(keypoints, individual: $"N{i % 300}")]);
    }).ToArray();
    var path = Path.Combine(folder, "labels.json");
    var dataset = new PoseDataset(new Skeleton(names), images, folder);
    NewtPose.Data.Formats.Coco.CocoFormat.Write(dataset, path);
    Console.WriteLine($"COCO file: {count} images x {names.Length} keypoints, {new FileInfo(path).Length / 1e6:0.0} MB");

    for (var r = 0; r < repeats; r++)
    {
        // Wall time depends on what else runs on the machine; CPU time of this process says what the code costs.
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var loaded = PoseData.Load(path);
        var read = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpu1 = process.TotalProcessorTime;
        clock.Restart();
        var summary = DatasetInspector.Inspect(loaded, LabelFormat.Coco);
        var inspect = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpu2 = process.TotalProcessorTime;
        Console.WriteLine($"run {r + 1}: read {read:0.000} s wall / {(cpu1 - cpu0).TotalSeconds:0.000} s CPU, " +
            $"inspect {inspect:0.000} s wall / {(cpu2 - cpu1).TotalSeconds:0.000} s CPU " +
            $"({summary.Images} images, {summary.LabeledPoints} labelled points, {summary.MissingImageFiles} missing files)");
    }
}
finally
{
    Directory.Delete(folder, recursive: true);
}
