using System.CommandLine;
using System.Globalization;
using NewtPose.Export;

namespace NewtPose.Cli.Commands;

/// <summary>`newtpose export --run RUN_DIR --out model.onnx [--opset N] [--force]`: the run's model as ONNX, checked against TorchSharp.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run folder of `newtpose train` (model.json + model.weights).", Required = true };
        var output = new Option<string>("--out") { Description = "ONNX file to write.", Required = true };
        var opset = new Option<int>("--opset")
        {
            Description = $"ONNX opset, {OnnxExportOptions.MinOpset}–{OnnxExportOptions.MaxOpset}.",
            DefaultValueFactory = _ => new OnnxExportOptions().Opset,
        };
        var force = new Option<bool>("--force") { Description = "Replace an existing file." };
        var command = new Command("export", "Export a trained model to ONNX (normalisation inside, dynamic batch, keypoints and input size in the metadata).");
        foreach (var o in new Option[] { run, output, opset, force }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            try
            {
                var options = new OnnxExportOptions(parse.GetValue(opset), Overwrite: parse.GetValue(force));
                var result = OnnxExport.ExportRun(parse.GetValue(run)!, parse.GetValue(output)!, options);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{result.Path}: opset {result.Opset}, {result.Nodes} nodes, {result.Parameters:N0} weights; ONNX Runtime vs TorchSharp max |Δ| {result.MaxAbsDifference:E1}"));
                return 0;
            }
            catch (Exception e) when (e is OnnxExportException or ArgumentException or IOException or InvalidDataException)
            {
                stderr.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }
}
