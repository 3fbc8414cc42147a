// Training throughput of every registered backbone with its default head:
// images/s of forward + loss + backward + Adam step on a fixed random batch.
//   dotnet run -c Release --project bench/ModelBench -- [--sizes 128,256] [--batch 8] [--steps 5] [--warmup 1] [--threads 2] [--rounds 3] [--backbones a,b] [--head heatmap]
using System.Diagnostics;
using NewtPose.Models;
using TorchSharp;
using static TorchSharp.torch;

var options = BenchOptions.Parse(args);
NewtPose.Runtime.TorchRuntime.EnsureLoaded();
torch.set_num_threads(options.Threads);
var keypoints = Enumerable.Range(0, 21).Select(i => $"k{i}").ToArray();
var backbones = options.Backbones ?? PoseModels.Names.Select(b => b.Name).ToArray();

// The first measurement in a process runs 2–7× slow (allocator, thread-pool and OpenMP warm-up): pay it before the table.
using (var warm = PoseModels.Create(PoseModels.Spec("resnet18", keypoints, 64, 64, head: options.Head), pretrained: false))
    Measure(warm, 64, options with { Steps = 2 });

Console.WriteLine($"threads {options.Threads}, batch {options.Batch}, best of {options.Rounds} rounds of {options.Steps} steps after {options.Warmup} warm-up, head {options.Head}, 21 keypoints, {Environment.ProcessorCount} logical CPUs");
Console.WriteLine();
Console.WriteLine("| backbone | params (M) | " + string.Join(" | ", options.Sizes.Select(s => $"train img/s {s}²")) + " |");
Console.WriteLine("|---|---:|" + string.Concat(options.Sizes.Select(_ => "---:|")));
foreach (var name in backbones)
{
    torch.manual_seed(0);
    using var model = PoseModels.Create(PoseModels.Spec(name, keypoints, options.Sizes[0], options.Sizes[0], head: options.Head), pretrained: false);
    var parameters = model.parameters().Sum(p => p.numel()) / 1e6;
    var rates = options.Sizes.Select(size => Measure(model, size, options)).ToArray();
    Console.WriteLine($"| {name} | {parameters:F1} | " + string.Join(" | ", rates.Select(r => r.ToString("F1", System.Globalization.CultureInfo.InvariantCulture))) + " |");
}

static double Measure(PoseModel model, int size, BenchOptions options)
{
    model.train();
    model.FreezeBackboneNormalization();
    using var optimizer = optim.Adam(model.parameters(), lr: 1e-4);
    using var images = rand(options.Batch, 3, size, size);
    using var targets = rand(options.Batch, 21, 2) * (size - 1);
    using var weights = ones(options.Batch, 21);
    for (var step = 0; step < options.Warmup; step++) Step();
    // Best of several timed rounds: on a shared machine other processes only ever make a round slower.
    var best = double.MaxValue;
    for (var round = 0; round < options.Rounds; round++)
    {
        var watch = Stopwatch.StartNew();
        for (var step = 0; step < options.Steps; step++) Step();
        best = Math.Min(best, watch.Elapsed.TotalSeconds);
    }
    return options.Batch * options.Steps / best;

    void Step()
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        var loss = model.Loss(model.forward(images), targets, weights);
        loss.backward();
        optimizer.step();
    }
}

internal sealed record BenchOptions(int[] Sizes, int Batch, int Steps, int Warmup, int Threads, string[]? Backbones, string Head, int Rounds)
{
    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions([128, 256], 8, 5, 1, 2, null, "heatmap", 3);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var v = args[i + 1];
            o = args[i] switch
            {
                "--sizes" => o with { Sizes = v.Split(',').Select(int.Parse).ToArray() },
                "--batch" => o with { Batch = int.Parse(v) },
                "--steps" => o with { Steps = int.Parse(v) },
                "--warmup" => o with { Warmup = int.Parse(v) },
                "--threads" => o with { Threads = int.Parse(v) },
                "--backbones" => o with { Backbones = v.Split(',') },
                "--head" => o with { Head = v },
                "--rounds" => o with { Rounds = int.Parse(v) },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }
        if (o.Sizes.Length == 0 || o.Sizes.Any(s => s % 32 != 0)) throw new ArgumentException("--sizes must be multiples of 32.");
        if (o.Batch < 1 || o.Steps < 1 || o.Warmup < 0 || o.Threads < 1 || o.Rounds < 1) throw new ArgumentException("--batch, --steps --threads and --rounds must be positive.");
        return o;
    }
}
