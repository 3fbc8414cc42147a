// The simulated refinement experiment (issue 12; results in docs/active-learning.md): does picking the photos to label by
// `newtpose suggest`'s ranking beat picking them at random?
//   dotnet run -c Release --project bench/ActiveBench -- --out /tmp/al-exp                 # the experiment (resumes from --out)
//   dotnet run -c Release --project bench/ActiveBench -- --quick --out /tmp/al-quick        # a smoke run on the tiny test fixture
// Options: --data FILE (default data-samples/newts/annotations.json), --config FILE (default bench/configs/demo.json),
// --seeds 1,2,3, --start 20, --add 10, --rounds 4, --start-steps 600, --steps 200, --threads 2, --split-seed 42.
// Round 0 (shared by both arms) trains --start-steps from ImageNet; every later round of both arms trains the same
// --steps, starting from the previous round's model
// (init_from, the step `newtpose train --init-from` takes in the loop), and is scored on the test split with found crops.
using System.Globalization;
using NewtPose.Training;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

try
{
    var (config, outFolder) = Arguments.Parse(args);
    var command = "ActiveBench " + string.Join(' ', args);
    Console.WriteLine($"# ActiveBench — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} logical CPUs, {config.Training.Threads} threads");
    Console.WriteLine($"command: {command}");
    var experiment = new Experiment(config, outFolder, Console.Out);
    Console.WriteLine($"data: {config.Data}; split seed {config.SplitSeed}: {experiment.Split.Train.Count} train (the start and the pool), " +
                      $"{experiment.Split.Val.Count} validation (not used), {experiment.Split.Test.Count} test photos (individuals never trained on)");
    Console.WriteLine($"seeds {string.Join(", ", config.Seeds)}; start {config.Start} photos, +{config.Add} per round for {config.Rounds} rounds; " +
                      $"{config.StartSteps} optimizer steps in round 0 from ImageNet, {config.Steps} in every later round (batch {config.Training.BatchSize}, {config.Training.InputWidth}², " +
                      $"init_from the previous round; no validation: the kept epoch is the one with the lowest training loss)");
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
    var entries = experiment.Run(done => Results.Write(outFolder, done, command), cancel.Token);
    Results.Write(outFolder, entries, command);
    Console.WriteLine();
    Console.WriteLine(Results.Markdown(entries));
    Console.WriteLine($"results: {Path.Combine(outFolder, "results.csv")}, results.json, results.md, chart.html");
    return 0;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("cancelled; finished entries are kept and skipped on the next run.");
    return 130;
}
catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or NewtPose.Data.DatasetFormatException)
{
    Console.Error.WriteLine($"ActiveBench: {e.Message}");
    return 1;
}

internal static class Arguments
{
    public static (ExperimentConfig Config, string Out) Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        string? Value(string name)
        {
            var i = Array.IndexOf(args, name);
            if (i < 0) return null;
            return i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{name} needs a value.");
        }
        int Int(string name, int full, int quickValue) => Value(name) is { } v
            ? int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"{name}: '{v}' is not a whole number.")
            : quick ? quickValue : full;
        var known = new[] { "--quick", "--out", "--data", "--config", "--seeds", "--start", "--add", "--rounds", "--start-steps", "--steps", "--threads", "--split-seed" };
        for (var i = 0; i < args.Length; i++)
        {
            if (!known.Contains(args[i])) throw new ArgumentException($"unknown option '{args[i]}' (known: {string.Join(", ", known)}).");
            if (args[i] != "--quick") i++;
        }
        var outFolder = Value("--out") ?? throw new ArgumentException("--out FOLDER is required (the experiment resumes from it).");
        var training = TrainingOptions.Load(Value("--config") ?? "bench/configs/demo.json") with { CheckpointEveryEpoch = false, KeepCheckpoints = false };
        if (quick) training = training with { InputWidth = 64, InputHeight = 64, BatchSize = 4 };
        training = training with { Threads = Int("--threads", training.Threads, training.Threads) };
        var seeds = (Value("--seeds") ?? (quick ? "1" : "1,2,3")).Split(',').Select(s =>
            int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"--seeds: '{s}' is not a whole number.")).ToArray();
        var config = new ExperimentConfig
        {
            Data = Value("--data") ?? (quick ? "tests/NewtPose.Tests/Fixtures/newts-tiny/annotations.json" : "data-samples/newts/annotations.json"),
            SplitSeed = Int("--split-seed", 42, 42),
            Seeds = seeds,
            Start = Int("--start", 20, 1),
            Add = Int("--add", 10, 1),
            Rounds = Int("--rounds", 4, 2),
            StartSteps = Int("--start-steps", 600, 3),
            Steps = Int("--steps", 200, 3),
            Training = training,
        };
        return (config, outFolder);
    }
}
