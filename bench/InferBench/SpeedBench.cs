using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using NewtPose.Export;
using NewtPose.Inference;
using NewtPose.MlNet;
using NewtPose.Models;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

// Inference throughput of one model through every way NewtPose runs it, beside the CPU's ceiling:
// TorchSharp eager, ONNX Runtime (full and basic graph optimisation, and int8), and the ML.NET pipeline, at each size and batch.
//   dotnet run -c Release --project bench/InferBench -- speed [--sizes 192,256] [--batches 1,8] [--backbone resnet18-imagenet]
//     [--head heatmap] [--threads 2] [--iterations 10] [--rounds 3] [--engines torch,onnx,onnx-basic,onnx-int8,mlnet]
internal static class SpeedBench
{
    public static int Run(string[] args)
    {
        var options = SpeedOptions.Parse(args);
        NewtPose.Runtime.TorchRuntime.EnsureLoaded();
        torch.set_num_threads(options.Threads);
        var keypoints = Enumerable.Range(0, 21).Select(i => $"k{i}").ToArray();
        var scratch = Directory.CreateTempSubdirectory("newtpose-inferbench-").FullName;
        var invariant = CultureInfo.InvariantCulture;
        try
        {
            var rates = CpuCeiling.Measure(options.Threads);
            var best = rates.Where(r => r.Name != CpuCeiling.PeakName).MaxBy(r => r.Gflops)!;
            Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {CpuCeiling.CpuName()}, {Environment.ProcessorCount} logical CPUs; {options.Backbone} + {options.Head} head, 21 keypoints, " +
                $"random weights; {options.Threads} threads everywhere; best of {options.Rounds} rounds of {options.Iterations} batches after 2 warm-up batches");
            foreach (var rate in rates) Console.WriteLine(string.Create(invariant, $"CPU {rate.Name}: {rate.Gflops:F1} GFLOP/s ({rate.How})"));
            Console.WriteLine($"Ceiling column: the best measured GEMM ({best.Name}); the theoretical peak is not used");
            Console.WriteLine($"ONNX Runtime {OrtEnv.Instance().GetVersionString()}: intra-op threads {options.Threads}, inter-op 1, sequential execution; 'onnx' = ORT_ENABLE_ALL, 'onnx-basic' = ORT_ENABLE_BASIC");
            if (options.Engines.Contains("onnx-int8"))
                Console.WriteLine("'onnx-int8' = the same graph quantised by OnnxQuantization.QuantizeStatic (QDQ: QLinearConv/QLinearAdd, deconvolutions and the last conv in float32; " +
                                  "calibrated on 8 seeded random inputs), ORT_ENABLE_ALL; its % of ceiling is against the float GEMM, which int8 arithmetic can exceed");
            Console.WriteLine("ML.NET: LoadImages (PNG at the input size) → ResizeImages → ExtractPixels → ApplyOnnxModel, one row at a time (its batch is always 1), decode included");
            Console.WriteLine();
            Console.WriteLine("| engine | input | batch | img/s | ms/img | GFLOPs/img | ceiling img/s | % of ceiling |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var size in options.Sizes)
            {
                torch.manual_seed(0);
                using var model = PoseModels.Create(PoseModels.Spec(options.Backbone, keypoints, size, size, options.Head), pretrained: false);
                model.eval();
                var onnxPath = Path.Combine(scratch, $"model{size}.onnx");
                OnnxExport.Export(model, onnxPath, new OnnxExportOptions(Overwrite: true));
                var gflops = GraphFlops.GigaFlopsPerImage(global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnxPath)), size, size);
                var ceiling = best.Gflops / gflops;
                string? int8Path = null;
                string Int8() => int8Path ??= Quantize(onnxPath, size, options.Threads);
                void Row(string engine, int batch, double rate) => Console.WriteLine(string.Create(invariant,
                    $"| {engine} | {size}² | {batch} | {rate:F1} | {1000 / rate:F1} | {gflops:F2} | {ceiling:F1} | {100 * rate / ceiling:F0} % |"));
                foreach (var engine in options.Engines)
                {
                    if (engine == "mlnet")
                    {
                        Row(engine, 1, MlNet(onnxPath, size, options, scratch));
                        continue;
                    }
                    foreach (var batch in options.Batches)
                    {
                        var pixels = new float[batch * 3 * size * size];
                        for (var i = 0; i < pixels.Length; i++) pixels[i] = (i * 7919 % 256) / 255f;
                        Row(engine, batch, engine switch
                        {
                            "torch" => Torch(model, pixels, batch, options),
                            "onnx" or "onnx-basic" => RunOnnx(onnxPath, pixels, batch, engine == "onnx" ? GraphOptimizationLevel.ORT_ENABLE_ALL : GraphOptimizationLevel.ORT_ENABLE_BASIC, options),
                            "onnx-int8" => RunOnnx(Int8(), pixels, batch, GraphOptimizationLevel.ORT_ENABLE_ALL, options),
                            _ => throw new ArgumentException($"Unknown engine {engine}: torch, onnx, onnx-basic, onnx-int8, mlnet."),
                        });
                    }
                }
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
        return 0;
    }

    /// <summary>
    /// The exported file quantised to int8 by the library's quantiser, next to it. The weights are random, so the
    /// calibration inputs are too (seeded uniform pixels); int8 speed does not depend on the ranges.
    /// </summary>
    private static string Quantize(string onnxPath, int size, int threads)
    {
        var random = new Random(4);
        var calibration = Enumerable.Range(0, 8).Select(_ => Enumerable.Range(0, 3 * size * size).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        var model = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnxPath));
        var result = OnnxQuantization.QuantizeStatic(model, calibration, "8 seeded random inputs (benchmark)", new OnnxQuantizationOptions(Threads: threads));
        var path = Path.ChangeExtension(onnxPath, ".int8.onnx");
        File.WriteAllBytes(path, result.Model.ToByteArray());
        return path;
    }

    private static double RunOnnx(string path, float[] pixels, int batch, GraphOptimizationLevel level, SpeedOptions options)
    {
        using var backend = OnnxBackend.Open(path, new OnnxBackendOptions(options.Threads, 1, level));
        return Measure(() => backend.Run(pixels, batch), batch, options);
    }

    private static double Torch(PoseModel model, float[] pixels, int batch, SpeedOptions options)
    {
        // The engine's TorchBackend (eval, no_grad, output copied out as floats), as OnnxBackend copies its output too.
        // Not disposed: it would dispose the model, which the caller owns.
        var backend = new TorchBackend(model);
        return Measure(() => backend.Run(pixels, batch), batch, options);
    }

    private static double MlNet(string onnxPath, int size, SpeedOptions options, string scratch)
    {
        var folder = Directory.CreateDirectory(Path.Combine(scratch, $"images{size}")).FullName;
        var random = new Random(2);
        var names = new List<string>();
        for (var i = 0; i < options.Iterations; i++)
        {
            using var bitmap = new SKBitmap(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque);
            for (var y = 0; y < size; y++)
                for (var x = 0; x < size; x++)
                    bitmap.SetPixel(x, y, new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
            using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            var name = $"img{i}.png";
            File.WriteAllBytes(Path.Combine(folder, name), png.ToArray());
            names.Add(name);
        }
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(names.Select(n => new SpeedImageRow { ImagePath = n }));
        var transformer = PosePipeline.Network(ml, onnxPath, new PosePipelineOptions(folder, IntraOpThreads: options.Threads, InterOpThreads: 1)).Fit(data);
        // Each round transforms every image once; ML.NET is lazy, so reading the output column is the work.
        return Measure(() => transformer.Transform(data).GetColumn<float[]>(OnnxMetadata.OutputName).Count(), names.Count, options with { Iterations = 1 });
    }

    private static double Measure(Func<object> run, int imagesPerCall, SpeedOptions options)
    {
        for (var i = 0; i < 2; i++) run();
        // Best of several rounds: on a shared machine other processes only ever make a round slower.
        var best = double.MaxValue;
        for (var round = 0; round < options.Rounds; round++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < options.Iterations; i++) run();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return imagesPerCall * options.Iterations / best;
    }
}

internal sealed class SpeedImageRow
{
    public string ImagePath { get; set; } = "";
}

internal sealed record SpeedOptions(int[] Sizes, int[] Batches, string Backbone, string Head, int Threads, int Iterations, int Rounds, string[] Engines)
{
    public static SpeedOptions Parse(string[] args)
    {
        var o = new SpeedOptions([192, 256], [1, 8], "resnet18-imagenet", "heatmap", 2, 10, 3, ["torch", "onnx", "onnx-basic", "onnx-int8", "mlnet"]);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var v = args[i + 1];
            o = args[i] switch
            {
                "--sizes" => o with { Sizes = v.Split(',').Select(int.Parse).ToArray() },
                "--batches" => o with { Batches = v.Split(',').Select(int.Parse).ToArray() },
                "--backbone" => o with { Backbone = v },
                "--head" => o with { Head = v },
                "--threads" => o with { Threads = int.Parse(v) },
                "--iterations" => o with { Iterations = int.Parse(v) },
                "--rounds" => o with { Rounds = int.Parse(v) },
                "--engines" => o with { Engines = v.Split(',') },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }
        if (o.Sizes.Length == 0 || o.Sizes.Any(s => s < 32 || s % 32 != 0)) throw new ArgumentException("--sizes must be multiples of 32.");
        if (o.Batches.Any(b => b < 1) || o.Threads < 1 || o.Iterations < 1 || o.Rounds < 1) throw new ArgumentException("--batches, --threads, --iterations and --rounds must be positive.");
        return o;
    }
}
