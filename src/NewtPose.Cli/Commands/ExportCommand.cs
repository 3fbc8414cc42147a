using System.CommandLine;
using System.Globalization;
using NewtPose.Export;

namespace NewtPose.Cli.Commands;

/// <summary>
/// `newtpose export --run RUN_DIR --out model.onnx [--opset N] [--force] [--quantize int8 [--calibration-photos N]
/// [--calibration minmax|percentile]]`: the run's model as ONNX, checked against TorchSharp; with --quantize, int8
/// calibrated on the run's own training photos through the inference engine.
/// </summary>
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
        var quantize = new Option<string?>("--quantize") { Description = "int8: static int8 quantisation (QDQ), calibrated on the run's training photos." };
        quantize.AcceptOnlyFromAmong("int8");
        var photos = new Option<int>("--calibration-photos")
        {
            Description = "With --quantize: how many of the run's training photos calibrate the activation ranges.",
            DefaultValueFactory = _ => new RunCalibrationOptions().Photos,
        };
        var calibration = new Option<string>("--calibration") { Description = "With --quantize: minmax (default) or percentile (99.999 %).", DefaultValueFactory = _ => "minmax" };
        calibration.AcceptOnlyFromAmong("minmax", "percentile");
        var command = new Command("export", "Export a trained model to ONNX (normalisation inside, dynamic batch, keypoints and input size in the metadata).");
        foreach (var o in new Option[] { run, output, opset, force, quantize, photos, calibration }) command.Options.Add(o);
        command.Validators.Add(r =>
        {
            if (r.GetValue(quantize) is null && (r.GetResult(photos) is { Implicit: false } || r.GetResult(calibration) is { Implicit: false }))
                r.AddError("--calibration-photos and --calibration only apply with --quantize int8.");
        });
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            try
            {
                var options = new OnnxExportOptions(parse.GetValue(opset), Overwrite: parse.GetValue(force));
                if (parse.GetValue(quantize) is not null)
                {
                    var method = parse.GetValue(calibration) == "percentile" ? CalibrationMethod.Percentile : CalibrationMethod.MinMax;
                    var calibrated = OnnxQuantization.QuantizeRun(parse.GetValue(run)!, parse.GetValue(output)!, options,
                        new RunCalibrationOptions(parse.GetValue(photos), new OnnxQuantizationOptions(method)));
                    var q = calibrated.Quantization;
                    var all = calibrated.CalibrationPhotos.Count < parse.GetValue(photos) ? " (all the run has)" : "";
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{calibrated.Export.Path}: int8 (QDQ), opset {calibrated.Export.Opset}; float graph vs TorchSharp max |Δ| {calibrated.Export.MaxAbsDifference:E1}; " +
                        $"calibrated ({method}) on {q.CalibrationInputs} network inputs of {calibrated.CalibrationPhotos.Count} training photos{all}"));
                    stdout.WriteLine($"quantised: {Ops(q.QuantizedNodes)}; left in float32: {Ops(q.FloatNodes)}");
                    stdout.WriteLine($"ONNX Runtime runs it as: {Ops(calibrated.OptimizedOps)}");
                    return 0;
                }
                var result = OnnxExport.ExportRun(parse.GetValue(run)!, parse.GetValue(output)!, options);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{result.Path}: opset {result.Opset}, {result.Nodes} nodes, {result.Parameters:N0} weights; ONNX Runtime vs TorchSharp max |Δ| {result.MaxAbsDifference:E1}"));
                return 0;
            }
            catch (Exception e) when (e is OnnxExportException or ArgumentException or IOException or InvalidDataException or NewtPose.Data.DatasetFormatException)
            {
                stderr.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }

    private static string Ops(IReadOnlyDictionary<string, int> ops) => string.Join(", ", ops.Select(o => $"{o.Key} {o.Value}"));
}
