using System.CommandLine;
using System.Runtime.InteropServices;
using NewtPose.Data;
using NewtPose.Labeling;

namespace NewtPose.Cli.Commands;

/// <summary>`newtpose label --data LABELS [--suggestions FILE] [--out FILE] [--port N]`: correct keypoints in the browser.</summary>
internal static class LabelCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Labels to correct (COCO JSON, DeepLabCut project/CSV/H5, YOLO data.yaml). Never written.", Required = true };
        var suggestions = new Option<string?>("--suggestions") { Description = "COCO predictions (keypoint_scores per annotation) whose points fill the photos' unlabelled points." };
        var replace = new Option<bool>("--replace") { Description = "Suggested points also replace labelled points (default: they fill only unlabelled ones)." };
        var output = new Option<string?>("--out") { Description = "COCO file every change is saved to; an existing one is resumed (default: <labels>.corrected.json, which must not exist)." };
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (default 0: a free one).", DefaultValueFactory = _ => 0 };
        var lowScore = new Option<double>("--low-score") { Description = "Suggested points scored below this are highlighted and selected first.", DefaultValueFactory = _ => 0.5 };
        var command = new Command("label", "Correct keypoints in the browser: a local page (127.0.0.1, session token) that saves every change to a COCO file.");
        foreach (var o in new Option[] { data, suggestions, replace, output, port, lowScore }) command.Options.Add(o);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            try
            {
                var options = new LabelingOptions(parse.GetValue(data)!, parse.GetValue(suggestions), parse.GetValue(output),
                    parse.GetValue(replace), parse.GetValue(lowScore));
                var session = LabelingSession.Open(options);
                foreach (var note in session.Notes) stderr.WriteLine(note);
                stdout.WriteLine($"{session.Count} photos, {session.Labels.Skeleton.Count} keypoints; every change is saved to {session.OutputPath}");
                // Ctrl+C / SIGTERM stop the server here, whatever the host or the parser would otherwise do with the signal.
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                void Stop(PosixSignalContext context) { context.Cancel = true; stop.Cancel(); }
                using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
                using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
                await LabelingServer.RunAsync(session, parse.GetValue(port), url =>
                {
                    stdout.WriteLine($"open {url}");
                    stdout.WriteLine("(only this machine can reach it; Ctrl+C stops the server)");
                }, stop.Token);
                var states = Enumerable.Range(0, session.Count).Select(i => LabelingSession.StateOf(session.Image(i))).ToArray();
                stdout.WriteLine($"stopped: {states.Count(s => s == PhotoState.Corrected)} corrected, {states.Count(s => s == PhotoState.Skipped)} skipped, " +
                                 $"{states.Count(s => s == PhotoState.ToDo)} to do, in {session.OutputPath}");
                return 0;
            }
            catch (Exception e) when (e is DatasetFormatException or ArgumentException or IOException or InvalidDataException)
            {
                stderr.WriteLine(e.Message.ReplaceLineEndings(" "));
                return 1;
            }
        });
        return command;
    }
}
