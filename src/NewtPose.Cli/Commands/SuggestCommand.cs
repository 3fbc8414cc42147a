using System.CommandLine;
using NewtPose.ActiveLearning;
using NewtPose.Data;
using NewtPose.Drawing;
using NewtPose.Inference;

namespace NewtPose.Cli.Commands;

/// <summary>
/// `newtpose suggest --run RUN_DIR [--run RUN_DIR2 …] --images DIR|GLOB --count K --out FILE [--labels EXISTING]
/// [--overlays DIR] [--min-pose-distance D] [--batch N] [--force]`: the K photos of a pool most worth labelling next (<see cref="PoolScoring"/>),
/// as a COCO file of the model's predictions (to correct with `newtpose label --data FILE`), a CSV of every photo's
/// scores and rank beside it, and optional overlays. Exit 0 when written, 1 when some photos could not be read, 2 for bad
/// arguments.
/// </summary>
internal static class SuggestCommand
{
    public static Command Create()
    {
        var runs = new Option<string[]>("--run") { Description = "Run folder; give it more than once for ensemble disagreement (the first run's points are suggested).", Required = true };
        var images = new Option<string[]>("--images") { Description = "The unlabelled pool: a folder (searched recursively for .jpg/.jpeg/.png), a glob or files.", Required = true, AllowMultipleArgumentsPerToken = true };
        var count = new Option<int>("--count") { Description = "Photos to suggest.", DefaultValueFactory = _ => 10 };
        var output = new Option<string>("--out") { Description = "The COCO file of suggestions; it must sit in the photos' folder or a folder above them (it names them relative to itself). The scores go to the same name with .csv.", Required = true };
        var labels = new Option<string?>("--labels") { Description = "The labels so far: their photos are skipped, and their poses are what plausible looks like." };
        var overlays = new Option<string?>("--overlays") { Description = "Also draw each suggested photo with its predicted points into this folder (outside the photos' folder)." };
        var minDistance = new Option<double>("--min-pose-distance") { Description = "Pass over a photo whose predicted pose (normalised for position, scale and turn) is closer than this, in body sizes, to one already suggested.", DefaultValueFactory = _ => new RankingOptions().MinPoseDistance };
        var batch = new Option<int>("--batch") { Description = "Photos per batch.", DefaultValueFactory = _ => 8 };
        var force = new Option<bool>("--force") { Description = "Overwrite --out and its .csv if they exist." };
        var pseudo = new Option<bool>("--pseudo-labels")
        {
            Description = "Instead of the photos to label next, write every photo's agreed points as pseudo-labels (source newtpose-pseudo) to merge and train on (semi-supervised; docs/active-learning.md).",
        };
        var maxDisagreement = new Option<double>("--max-disagreement")
        {
            Description = "With --pseudo-labels: keep a point when the flip test's branches (and the runs) agree within this fraction of the box size.",
            DefaultValueFactory = _ => new PseudoLabelOptions().MaxDisagreement,
        };
        var minKept = new Option<double>("--min-kept")
        {
            Description = "With --pseudo-labels: take a photo when at least this fraction of its keypoints is kept.",
            DefaultValueFactory = _ => new PseudoLabelOptions().MinKeptFraction,
        };
        var command = new Command("suggest", "Rank unlabelled photos by how unsure the model is and write the top ones as pre-annotations to correct.");
        foreach (var o in new Option[] { runs, images, count, output, labels, overlays, minDistance, batch, force, pseudo, maxDisagreement, minKept }) command.Options.Add(o);
        command.Validators.Add(r =>
        {
            if (r.GetValue(pseudo) && r.GetValue(overlays) is not null) r.AddError("--overlays draws the suggested photos; with --pseudo-labels there are none (draw the pseudo-labels with newtpose label --data FILE).");
        });
        command.SetAction((parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            try
            {
                var outPath = Path.GetFullPath(parse.GetValue(output)!);
                var csvPath = Path.ChangeExtension(outPath, ".csv");
                if (!parse.GetValue(force))
                    foreach (var file in new[] { outPath, csvPath })
                        if (File.Exists(file)) throw new ArgumentException($"{file} already exists; choose another --out or pass --force.");
                var root = Path.GetDirectoryName(outPath)!;
                var (found, photosFolder) = PredictCommand.FindPhotos(parse.GetValue(images)!);
                foreach (var photo in found)
                    if (!PredictCommand.Inside(photo, root))
                        throw new ArgumentException($"--out {outPath}: the photo {photo} is not under its folder {root}; put the suggestions file in the photos' folder or a folder above them, so it can name them.");
                var overlayFolder = parse.GetValue(overlays) is { } o ? Path.GetFullPath(o).TrimEnd(Path.DirectorySeparatorChar) : null;
                if (overlayFolder is not null && (overlayFolder == photosFolder || PredictCommand.Inside(overlayFolder, photosFolder)))
                    throw new ArgumentException($"--overlays {overlayFolder} lies in the photos' folder {photosFolder}; choose a folder outside it.");

                var existing = parse.GetValue(labels) is { } l ? PoseData.Load(l) : null;
                var labelled = existing?.Images.Select(existing.FullPath).ToHashSet(StringComparer.Ordinal) ?? [];
                var pool = found.Where(p => !labelled.Contains(p)).ToArray();
                if (pool.Length == 0) throw new ArgumentException($"every one of the {found.Count} photos is already in --labels; nothing to suggest.");

                var engines = new List<PoseEngine>();
                try
                {
                    foreach (var run in parse.GetValue(runs)!) engines.Add(PoolScoring.OpenEngine(run, parse.GetValue(batch)));
                    var model = engines[0].Model;
                    var prior = existing is null ? PosePrior.None(model.Skeleton()) : PosePrior.FromLabels(existing);
                    stdout.WriteLine($"{pool.Length} photos in the pool ({found.Count - pool.Length} already labelled, skipped); {engines.Count} run(s), flip test " +
                                     $"{(engines[0].FlipTest ? "on" : "off (the model was not trained with flips)")}; implausibility {(prior.IsEmpty ? "not scored (no --labels)" : $"against {prior.Bones.Count} bones of the labels")}");
                    var pseudoOptions = parse.GetValue(pseudo)
                        ? new PseudoLabelOptions { MaxDisagreement = parse.GetValue(maxDisagreement), MinKeptFraction = parse.GetValue(minKept) }.Validate()
                        : null;
                    var scores = PoolScoring.Score(engines, pool, prior, new RankingOptions { Count = parse.GetValue(count), MinPoseDistance = parse.GetValue(minDistance) }, cancellationToken: cancellationToken);
                    var scorer = "NewtPose_" + Path.GetFileName(Path.GetFullPath(parse.GetValue(runs)![0]).TrimEnd(Path.DirectorySeparatorChar));
                    if (pseudoOptions is not null)
                        return Task.FromResult(WritePseudoLabels(PseudoLabels.From(scores, pseudoOptions), scores, model, root, outPath, csvPath, scorer, parse.GetValue(labels), stdout, stderr));
                    SuggestionFiles.WriteCoco(scores, model, root, outPath, scorer);
                    SuggestionFiles.WriteCsv(scores, root, csvPath);
                    if (overlayFolder is not null)
                        foreach (var (_, prediction) in scores.Chosen)
                            PredictionOverlay.WriteJpeg(prediction, model.Skeleton(), PredictCommand.OverlayPath(overlayFolder, PredictionFiles.ImageName(prediction.Path, photosFolder)), model.Locator.MinConfidence);
                    var failed = scores.Results.Where(r => r.Prediction is null).ToArray();
                    foreach (var f in failed) stderr.WriteLine($"skipped {f.Path}: {f.Error}");
                    stdout.WriteLine($"suggested {scores.Chosen.Count} of {scores.Ranked.Count} photos -> {outPath}; scores of every photo -> {csvPath}" +
                                     (overlayFolder is null ? "" : $"; overlays in {overlayFolder}") +
                                     $"; {scores.Ranked.Count(r => r.NearDuplicateOf is not null)} near-duplicates passed over");
                    stdout.WriteLine($"correct them with: newtpose label --data {outPath}");
                    return Task.FromResult(failed.Length == 0 ? ExitCodes.Ok : ExitCodes.Partial);
                }
                finally
                {
                    foreach (var engine in engines) engine.Dispose();
                }
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or InvalidOperationException or DatasetFormatException)
            {
                stderr.WriteLine($"suggest: {e.Message.ReplaceLineEndings(" ")}");
                return Task.FromResult(ExitCodes.Failure);
            }
            catch (OperationCanceledException)
            {
                stderr.WriteLine("suggest: cancelled; nothing was written.");
                return Task.FromResult(ExitCodes.Cancelled);
            }
        });
        return command;
    }

    /// <summary>The pseudo-labels file, the scores CSV beside it, and what was not taken (each photo with its reason).</summary>
    private static int WritePseudoLabels(PseudoLabelSet set, PoolScores scores, ModelCard model, string root, string outPath, string csvPath, string scorer,
        string? labels, TextWriter stdout, TextWriter stderr)
    {
        PseudoLabels.WriteCoco(set, model, root, outPath, scorer);
        SuggestionFiles.WriteCsv(scores, root, csvPath);
        var failed = scores.Results.Where(r => r.Prediction is null).ToArray();
        foreach (var f in failed) stderr.WriteLine($"skipped {f.Path}: {f.Error}");
        foreach (var n in set.NotTaken.Where(n => failed.All(f => f.Path != n.Image))) stdout.WriteLine($"not taken: {n.Image}: {n.Reason}");
        var points = set.Taken.Sum(t => t.Kept.Count);
        stdout.WriteLine(FormattableString.Invariant(
            $"pseudo-labelled {set.Taken.Count} of {scores.Ranked.Count} photos, {set.PointsKept} of their {points} points kept (agreement within {set.Options.MaxDisagreement:G4} of the box size) -> {outPath}; scores of every photo -> {csvPath}"));
        stdout.WriteLine($"merge them with: newtpose merge --labels {labels ?? "LABELS"} --corrections {outPath} --out MERGED.json (the default split keeps them on the train side)");
        return failed.Length == 0 ? ExitCodes.Ok : ExitCodes.Partial;
    }
}
