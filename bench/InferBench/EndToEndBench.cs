using System.Diagnostics;
using System.Globalization;
using NewtPose.Export;
using NewtPose.Inference;

// End-to-end photos/s of the inference engine (decode + find the animal + crop + network + decode) on a folder of
// photos, through ONNX Runtime (a .onnx file) or TorchSharp (a run folder), and whether this process mapped libtorch.
//   dotnet run -c Release --project bench/InferBench -- e2e --model model.onnx|RUN_DIR --photos DIR [--batch 8] [--passes 2] [--threads 2] [--rounds 2]
//       [--flip-test off|on] [--quarter-turns auto|on|off]
// The flip test is off unless asked (EngineOptions' default); quarter turns follow the engine's default (auto: on for a
// square model trained at any angle), and the line printed says which ran, since each multiplies the final pass's cost.
internal static class EndToEndBench
{
    /// <summary>The line a test reads to check that an ONNX-only prediction never loads libtorch.</summary>
    public const string LibtorchLine = "libtorch mapped:";

    public static int Run(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["batch"] = "8", ["passes"] = EngineOptions.DefaultRefinePasses.ToString(CultureInfo.InvariantCulture), ["threads"] = "2", ["rounds"] = "2", ["flip-test"] = "off", ["quarter-turns"] = "auto" };
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"expected '--name value' at '{args[i]}'");
            values[args[i][2..]] = args[i + 1];
        }
        if (!values.TryGetValue("model", out var model) || !values.TryGetValue("photos", out var photos))
            throw new ArgumentException("e2e needs --model (a .onnx file or a run folder) and --photos (a folder of .jpg/.png).");
        var (batch, passes, threads, rounds) = (Int("batch"), Int("passes"), Int("threads"), Int("rounds"));
        var paths = Directory.EnumerateFiles(photos).Where(p => p.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).ToArray();
        if (paths.Length == 0) throw new ArgumentException($"No .jpg or .png photos in {photos}.");
        var flipTest = values["flip-test"] switch
        {
            "on" => true,
            "off" => false,
            var f => throw new ArgumentException($"--flip-test must be on or off, not '{f}'"),
        };
        bool? quarterTurns = values["quarter-turns"] switch
        {
            "auto" => null,
            "on" => true,
            "off" => false,
            var q => throw new ArgumentException($"--quarter-turns must be auto, on or off, not '{q}'"),
        };
        var options = new EngineOptions { BatchSize = batch, RefinePasses = passes, FlipTest = flipTest, QuarterTurns = quarterTurns };
        var onnx = model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
        // The same engine runs a float or an int8 file; only the label says which this was.
        var name = !onnx ? "torch"
            : global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(model)).MetadataProps.Any(p => p.Key == OnnxQuantization.MetadataKey) ? "onnx-int8" : "onnx";
        using (var engine = onnx ? OnnxBackend.OpenEngine(model, options, new OnnxBackendOptions(IntraOpThreads: threads)) : TorchEngine(model, options, threads))
        {
            var best = double.MaxValue;
            var predicted = 0;
            for (var round = 0; round < rounds; round++)
            {
                var watch = Stopwatch.StartNew();
                predicted = engine.PredictMany(paths).Count(r => r.Prediction is not null);
                best = Math.Min(best, watch.Elapsed.TotalSeconds);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: {predicted} of {paths.Length} photos, batch {batch}, {passes} refine pass(es), flip test {(flipTest ? "on" : "off")}, quarter turns {(engine.QuarterTurns ? "on" : "off")}, {threads} threads: {paths.Length / best:F2} photos/s (best of {rounds} rounds)"));
        }
        Console.WriteLine($"{LibtorchLine} {(LibtorchMapped() ? "yes" : "no")}");
        return 0;

        int Int(string name) => int.Parse(values[name], CultureInfo.InvariantCulture);
    }

    /// <summary>The TorchSharp engine, in a method of its own: only this path may touch libtorch.</summary>
    private static PoseEngine TorchEngine(string run, EngineOptions options, int threads)
    {
        TorchSharp.torch.set_num_threads(threads);
        return PoseEngine.Open(run, options);
    }

    /// <summary>Whether libtorch (or TorchSharp's native shim) is mapped into this process (Linux: /proc/self/maps).</summary>
    private static bool LibtorchMapped() =>
        File.ReadLines("/proc/self/maps").Any(line => line.Contains("libtorch", StringComparison.Ordinal) || line.Contains("LibTorchSharp", StringComparison.Ordinal));
}
