using System.CommandLine;
using System.Diagnostics;
using NewtPose.Data;
using NewtPose.Drawing;
using NewtPose.Inference;
using Spectre.Console;

namespace NewtPose.Cli.Commands;

/// <summary>
/// `newtpose predict --run RUN_DIR [--ensemble RUN,…] --images DIR|GLOB|FILE… --out FILE [--format coco|csv|dlc] [--overlays DIR]
/// [--flip-test true|false] [--batch N] [--force]`: keypoints on photos nobody labelled, through the <see cref="PoseEngine"/>
/// (the animal found by the model, then cropped as in training), with the test-time views the run was scored with. Streamed: a batch of photos at a time. Exit code 0
/// when every photo was predicted, 1 when some could not be read (they are named in the output and on stderr), 2 for
/// bad arguments.
/// </summary>
internal static class PredictCommand
{
    private static readonly string[] PhotoExtensions = [".jpg", ".jpeg", ".png"];

    public static Command Create()
    {
        var run = new Option<string?>("--run") { Description = "Run folder (or any folder with model.json + model.weights): the TorchSharp engine." };
        var model = new Option<string?>("--model") { Description = "An exported model.onnx (`newtpose export`): the ONNX Runtime engine, which never loads libtorch. Give --run or --model." };
        var ensemble = CliOptions.Ensemble("");
        var images = new Option<string[]>("--images") { Description = "Photos: a folder (searched recursively for .jpg/.jpeg/.png), a glob such as 'photos/*.jpg', or files.", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "The predictions file to write (atomically).", Required = true };
        var format = new Option<string>("--format") { Description = "coco (default: COCO keypoint JSON with scores), csv (image, keypoint, x, y, confidence) or dlc (DeepLabCut-style CSV).", DefaultValueFactory = _ => "coco" };
        var overlays = new Option<string?>("--overlays") { Description = "Also write each photo with its predicted points and skeleton drawn into this folder (not a folder of the photos)." };
        var flipTest = new Option<bool?>("--flip-test") { Description = "Average with the mirrored crop's prediction (true/false; default: as the run scored, from its options.json or the exported file's; only for models trained with flips)." };
        var batch = new Option<int>("--batch") { Description = "Photos per batch (memory holds one batch of decoded photos).", DefaultValueFactory = _ => 8 };
        var engineFlags = new EngineFlags();
        var force = new Option<bool>("--force") { Description = "Overwrite --out if it exists." };
        var command = new Command("predict", "Predict keypoints on new photos with a trained model: finds the animal, writes COCO/CSV/DLC and optional overlays.");
        Option[] options = [run, model, ensemble, images, output, format, overlays, flipTest, batch, .. engineFlags.Options, force];
        foreach (var o in options) command.Options.Add(o);
        command.Validators.Add(r =>
        {
            if ((r.GetValue(run) is null) == (r.GetValue(model) is null)) r.AddError("predict needs the model: give either --run RUN_DIR or --model model.onnx.");
            if (r.GetValue(ensemble) is not null && r.GetValue(run) is null) r.AddError("--ensemble averages run folders' models with --run's: give --run (an exported --model runs alone).");
        });
        command.SetAction((parse, cancellationToken) => Task.FromResult(CommandRunner.Run(parse, (stdout, stderr) =>
        {
            var outPath = Path.GetFullPath(parse.GetValue(output)!);
            CommandRunner.RefuseExisting(outPath, parse.GetValue(force), "the predictions file");
            var fileFormat = PredictionFiles.Parse(parse.GetValue(format)!);
            var (photos, root) = FindPhotos(parse.GetValue(images)!);
            var overlayFolder = parse.GetValue(overlays) is { } o ? Path.GetFullPath(o).TrimEnd(Path.DirectorySeparatorChar) : null;
            // Nothing is written among the user's photos: no sidecar files, and no overlay a later run would take for a photo.
            if (Inside(outPath, root)) throw new ArgumentException($"--out {outPath} lies in the photos' folder {root}; write predictions elsewhere.");
            if (overlayFolder is not null && (overlayFolder == root || Inside(overlayFolder, root)))
                throw new ArgumentException($"--overlays {overlayFolder} lies in the photos' folder {root}; choose a folder outside it.");
            var source = Path.GetFullPath((parse.GetValue(run) ?? parse.GetValue(model))!).TrimEnd(Path.DirectorySeparatorChar);
            // Unset, the flip test is the one the run's own scores were measured with (the engine resolves it, as for
            // evaluate), so the figures in its metrics.json are what predict delivers.
            var engineOptions = engineFlags.Apply(parse, new EngineOptions { FlipTest = parse.GetValue(flipTest), BatchSize = parse.GetValue(batch) });
            var members = parse.GetValue(run) is { } r ? CliOptions.EnsembleMembers(r, parse.GetValue(ensemble)) : null;
            using var engine = parse.GetValue(model) is { } onnx ? OnnxBackend.OpenEngine(onnx, engineOptions)
                : members is not null ? PoseEngine.Open(members, engineOptions) : PoseEngine.Open(source, engineOptions);
            stdout.WriteLine($"{photos.Count} photos under {root}; model {source} ({engine.Model.Spec.Backbone}, {engine.Model.Spec.InputWidth}x{engine.Model.Spec.InputHeight}, " +
                             $"{engine.Model.Keypoints.Count} keypoints, {engine.BackendName} engine), flip test {(engine.FlipTest ? "on" : "off")}, {engine.Options.RefinePasses} refine passes{EngineFlags.Describe(engine.LinkedPairs, engine.Options.LinkMisfitNu, engine.OffsetVoting, engine.QuarterTurns)}, batch {engine.Options.BatchSize}");
            var watch = Stopwatch.StartNew();
            var results = Predict(engine, photos, root, overlayFolder, stderr, cancellationToken);
            PredictionFiles.Write(results, engine.Model, root, outPath, fileFormat, scorer: "NewtPose_" + Path.GetFileNameWithoutExtension(source));
            var failed = results.Where(r => r.Error is not null).ToArray();
            foreach (var f in failed) stderr.WriteLine($"skipped {f.Path}: {f.Error}");
            stdout.WriteLine($"predicted {results.Count - failed.Length} of {results.Count} photos in {watch.Elapsed.TotalSeconds:F1} s " +
                             $"({(results.Count - failed.Length) / Math.Max(watch.Elapsed.TotalSeconds, 1e-9):F2} photos/s) -> {outPath}" +
                             (overlayFolder is null ? "" : $", overlays in {overlayFolder}") + (failed.Length == 0 ? "" : $"; {failed.Length} could not be read"));
            return failed.Length == 0 ? ExitCodes.Ok : ExitCodes.Partial;
        })));
        return command;
    }

    /// <summary>Runs the engine over the photos with a progress bar (rate and time left) when stderr is a terminal.</summary>
    private static List<PhotoResult> Predict(PoseEngine engine, IReadOnlyList<string> photos, string root, string? overlays, TextWriter stderr, CancellationToken cancellationToken)
    {
        var results = new List<PhotoResult>(photos.Count);
        var skeleton = engine.Model.Skeleton();
        void Each(Action<int> done)
        {
            foreach (var result in engine.PredictMany(photos, cancellationToken))
            {
                if (overlays is not null && result.Prediction is { } p)
                    PredictionOverlay.WriteJpeg(p, skeleton, OverlayPath(overlays, PredictionFiles.ImageName(p.Path, root)));
                results.Add(result);
                done(results.Count);
            }
        }
        if (!ReferenceEquals(stderr, Console.Error) || Console.IsErrorRedirected)
        {
            Each(_ => { });
            return results;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask("predicting", maxValue: photos.Count);
                var watch = Stopwatch.StartNew();
                Each(n =>
                {
                    task.Value = n;
                    task.Description = $"{n}/{photos.Count} photos, {n / Math.Max(watch.Elapsed.TotalSeconds, 1e-9):F1}/s";
                });
            });
        return results;
    }

    /// <summary>
    /// The photos named by the --images arguments, in order (a folder's files sorted by path), and the folder their names
    /// are written relative to (the deepest folder holding them all). A named file that is missing is kept: the engine
    /// reports it as unreadable. A folder with no photos or a glob that matches nothing is an error.
    /// </summary>
    internal static (IReadOnlyList<string> Photos, string Root) FindPhotos(IReadOnlyList<string> arguments)
    {
        var photos = new List<string>();
        foreach (var argument in arguments)
        {
            if (Directory.Exists(argument))
            {
                var found = Directory.EnumerateFiles(argument, "*", SearchOption.AllDirectories)
                    .Where(f => PhotoExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Select(Path.GetFullPath).Order(StringComparer.Ordinal).ToArray();
                if (found.Length == 0) throw new ArgumentException($"--images {argument}: the folder holds no .jpg, .jpeg or .png file.");
                photos.AddRange(found);
            }
            else if (argument.IndexOfAny(['*', '?']) >= 0)
            {
                var folder = Path.GetDirectoryName(argument) is { Length: > 0 } d ? d : ".";
                if (folder.IndexOfAny(['*', '?']) >= 0) throw new ArgumentException($"--images {argument}: wildcards are supported in the file name only.");
                if (!Directory.Exists(folder)) throw new ArgumentException($"--images {argument}: the folder {folder} does not exist.");
                var found = Directory.EnumerateFiles(folder, Path.GetFileName(argument)).Select(Path.GetFullPath).Order(StringComparer.Ordinal).ToArray();
                if (found.Length == 0) throw new ArgumentException($"--images {argument}: no file matches.");
                photos.AddRange(found);
            }
            else
            {
                photos.Add(Path.GetFullPath(argument));
            }
        }
        if (photos.Count == 0) throw new ArgumentException("--images named no photo.");
        return (photos, CommonFolder(photos));
    }

    /// <summary>The overlay of a photo: its relative path under the overlay folder, as a JPEG (photo.png → photo.png.jpg, so names never collide).</summary>
    internal static string OverlayPath(string folder, string imageName)
    {
        var extension = Path.GetExtension(imageName).ToLowerInvariant();
        return Path.Combine(folder, extension is ".jpg" or ".jpeg" ? imageName : imageName + ".jpg");
    }

    internal static bool Inside(string path, string folder) =>
        path.StartsWith(folder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string CommonFolder(IReadOnlyList<string> files)
    {
        var root = Path.GetDirectoryName(files[0])!;
        foreach (var file in files)
            while (!file.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                root = Path.GetDirectoryName(root) ?? throw new ArgumentException("The photos share no folder.");
        return root;
    }
}
