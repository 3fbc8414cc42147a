using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using static TorchSharp.torch;

/// <summary>One GFLOP/s figure and how it was obtained.</summary>
internal sealed record GflopRate(string Name, double Gflops, string How);

/// <summary>
/// What the CPU can do, three ways: a large float32 matrix multiply in libtorch and in ONNX Runtime (same process, same
/// threads: the two GEMM libraries differ, e.g. in how well they use AVX-512 on a given vendor's CPU), and a theoretical
/// peak from the CPU's vector width and clock. The ceiling of the speed table is the best measured GEMM, never the peak.
/// </summary>
internal static class CpuCeiling
{
    private const int N = 2048;

    /// <summary>The name of the estimated rate, which is printed but never used as the ceiling.</summary>
    public const string PeakName = "theoretical peak";

    public static string CpuName() => CpuInfo("model name") ?? "unknown CPU";

    public static IReadOnlyList<GflopRate> Measure(int threads) =>
    [
        new("libtorch GEMM", Torch(), $"{N}×{N} float32 matrix multiply, {threads} threads"),
        new("ONNX Runtime GEMM", Onnx(threads), $"{N}×{N} float32 MatMul graph, intra-op threads {threads}, ORT_ENABLE_ALL"),
        Peak(threads),
    ];

    private static double Torch()
    {
        using var a = rand(N, N);
        using var b = rand(N, N);
        return Gflops(() => a.matmul(b).Dispose());
    }

    private static double Onnx(int threads)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        using var session = new InferenceSession(MatMulModel().ToByteArray(), options);
        var random = new Random(0);
        var values = Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, N * N).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        using var a = OrtValue.CreateTensorValueFromMemory(values[0], [N, N]);
        using var b = OrtValue.CreateTensorValueFromMemory(values[1], [N, N]);
        using var run = new RunOptions();
        return Gflops(() => session.Run(run, ["a", "b"], [a, b], ["c"]).Dispose());
    }

    /// <summary>c = a · b, both inputs N × N float32.</summary>
    private static ModelProto MatMulModel()
    {
        var graph = new GraphProto { Name = "gemm" };
        graph.Input.Add(Matrix("a"));
        graph.Input.Add(Matrix("b"));
        graph.Output.Add(Matrix("c"));
        var node = new NodeProto { OpType = "MatMul", Name = "c" };
        node.Input.Add("a");
        node.Input.Add("b");
        node.Output.Add("c");
        graph.Node.Add(node);
        var model = new ModelProto { IrVersion = 8, ProducerName = "InferBench", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }

    private static ValueInfoProto Matrix(string name)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = N });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = N });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    /// <summary>2 N³ FLOPs over the best of 5 timed runs after 2 warm-ups.</summary>
    private static double Gflops(Action multiply)
    {
        for (var i = 0; i < 2; i++) multiply();
        var best = double.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var watch = Stopwatch.StartNew();
            multiply();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return 2.0 * N * N * N / best / 1e9;
    }

    /// <summary>
    /// An estimate, not a measurement of useful work: cores × FLOP/cycle × clock. FLOP/cycle = 2 (a fused multiply-add)
    /// × float32 lanes of the widest vector the CPU reports (avx512f 16, avx/avx2 with fma 8, else SSE 4) × 2 FMA units
    /// per core (assumed: most x86 server cores since Haswell/Zen 2 have two; /proc/cpuinfo cannot say). The clock is
    /// the higher of /proc/cpuinfo's "cpu MHz" (in a VM often the nominal base clock) and a timing of a chain of dependent
    /// integer adds (one per cycle; turbo shows there, contention only lowers it); cores = min(threads, logical CPUs) —
    /// a VM's vCPUs may be hyper-threads of fewer physical cores, which would halve the real peak.
    /// </summary>
    private static GflopRate Peak(int threads)
    {
        var flags = CpuInfo("flags")?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet() ?? [];
        var (lanes, isa) = flags.Contains("avx512f") ? (16, "AVX-512") : flags.Contains("fma") && flags.Contains("avx") ? (8, "AVX2+FMA") : (4, "SSE");
        const int fmaUnits = 2;
        var cores = Math.Min(threads, Environment.ProcessorCount);
        var timedGhz = TimedClockGhz();
        var reportedMhz = double.TryParse(CpuInfo("cpu MHz"), NumberStyles.Float, CultureInfo.InvariantCulture, out var mhz) ? mhz : double.NaN;
        // Another process can only slow the timing down, and a VM's reported clock can be below its turbo: take the higher.
        var ghz = double.IsFinite(reportedMhz) ? Math.Max(timedGhz, reportedMhz / 1000) : timedGhz;
        var flopPerCycle = 2 * lanes * fmaUnits;
        var how = string.Create(CultureInfo.InvariantCulture,
            $"estimate: {cores} cores × {flopPerCycle} FLOP/cycle (FMA × {lanes} float32 lanes of {isa} × {fmaUnits} FMA units, assumed) × {ghz:F2} GHz " +
            $"(the higher of a timed dependent-add chain, {timedGhz:F2} GHz, and /proc/cpuinfo's {reportedMhz / 1000:F2} GHz)");
        return new GflopRate(PeakName, cores * flopPerCycle * ghz, how);
    }

    /// <summary>Cycles per second from a dependency chain of 1-cycle integer adds (best of several runs).</summary>
    private static double TimedClockGhz()
    {
        const long iterations = 50_000_000;
        var best = double.MaxValue;
        long sink = 0;
        for (var round = 0; round < 5; round++)
        {
            var watch = Stopwatch.StartNew();
            sink += AddChain(iterations, round + 1);
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        GC.KeepAlive(sink);
        return 8.0 * iterations / best / 1e9;
    }

    /// <summary>8 dependent adds per iteration: x cannot be computed ahead, so the loop takes 8 cycles per iteration
    /// (its counter and branch run alongside on other ports).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static long AddChain(long iterations, long step)
    {
        var x = step;
        for (long i = 0; i < iterations; i++)
        {
            x += step; x += i; x += step; x += i;
            x += step; x += i; x += step; x += i;
        }
        return x;
    }

    private static string? CpuInfo(string key)
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal) && l.Split(':', 2)[0].Trim() == key);
            return line?.Split(':', 2)[1].Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
