using System.CommandLine;
using NewtPose.ActiveLearning;
using NewtPose.Data;

namespace NewtPose.Cli.Commands;

/// <summary>
/// `newtpose merge --labels ORIGINAL --corrections FILE --out NEW [--round N] [--force]`: the corrected photos of a
/// refinement round folded into a new dataset file (<see cref="LabelMerge"/>). Exit 0 when merged, 1 for refused input.
/// </summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var labels = new Option<string>("--labels") { Description = "The labels so far (any supported format). Never written.", Required = true };
        var corrections = new Option<string>("--corrections") { Description = "A COCO file of corrected labels, e.g. what newtpose label saved (only photos marked corrected are taken).", Required = true };
        var output = new Option<string>("--out") { Description = "The merged COCO file to write (atomically).", Required = true };
        var round = new Option<int?>("--round") { Description = "Round recorded on the added labels (label_round); default: one more than the labels' highest." };
        var force = new Option<bool>("--force") { Description = "Replace --out if it exists." };
        var command = new Command("merge", "Fold corrected labels into a new dataset file, recording the round each label came from.");
        foreach (var o in new Option[] { labels, corrections, output, round, force }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            try
            {
                var (result, written) = LabelMerge.MergeFiles(parse.GetValue(labels)!, parse.GetValue(corrections)!, parse.GetValue(output)!,
                    new MergeOptions { Round = parse.GetValue(round) }, parse.GetValue(force));
                stdout.WriteLine($"round {result.Round}: added {result.PhotosAdded} photos, {result.AnimalsAdded} animals, {result.PointsAdded} points -> {written.OutputPath} " +
                                 $"({written.Images} photos, {written.Instances} animals, {written.LabeledPoints} points in all" + (written.CopiedImages > 0 ? $"; {written.CopiedImages} photos copied beside it" : "") + ")");
                foreach (var group in result.NotTaken.GroupBy(n => n.Reason))
                    stdout.WriteLine($"not taken: {group.Count()} photos {group.Key} (first: {string.Join(", ", group.Take(3).Select(n => n.Image))})");
                foreach (var loss in written.Losses) stdout.WriteLine($"note: {loss}");
                return 0;
            }
            catch (Exception e) when (e is DatasetFormatException or ArgumentException or IOException)
            {
                stderr.WriteLine($"merge: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
