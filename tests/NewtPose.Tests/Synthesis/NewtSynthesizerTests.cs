using NewtPose.Data;
using NewtPose.Data.Formats.Coco;
using NewtPose.Synthesis;

namespace NewtPose.Tests.Synthesis;

public sealed class NewtSynthesizerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "newtpose-synth-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void Same_options_give_byte_identical_files_whatever_the_parallelism()
    {
        var a = new SynthOptions(Path.Combine(_root, "a"), Count: 5, Seed: 42, Individuals: 2, Width: 200, Height: 150) { Parallelism = 1 };
        var b = a with { OutputFolder = Path.Combine(_root, "b"), Parallelism = 3 };
        NewtSynthesizer.Generate(a);
        NewtSynthesizer.Generate(b);
        var files = Directory.GetFiles(a.OutputFolder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(a.OutputFolder, f)).Order().ToArray();
        Assert.Equal(6, files.Length);
        foreach (var f in files)
            Assert.True(File.ReadAllBytes(Path.Combine(a.OutputFolder, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b.OutputFolder, f))), $"{f} differs");

        var c = a with { OutputFolder = Path.Combine(_root, "c"), Seed = 43 };
        NewtSynthesizer.Generate(c);
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(a.OutputFolder, "images/newt_0001.jpg")), File.ReadAllBytes(Path.Combine(c.OutputFolder, "images/newt_0001.jpg")));
    }

    [Fact]
    public void Writes_a_coco_dataset_that_reads_back_with_the_newt_skeleton_and_individuals()
    {
        var options = new SynthOptions(Path.Combine(_root, "d"), Count: 6, Seed: 3, Individuals: 3, Width: 240, Height: 180);
        var reported = new List<SynthProgress>();
        NewtSynthesizer.Generate(options, new InlineProgress(reported.Add));
        var dataset = CocoFormat.Read(Path.Combine(options.OutputFolder, NewtSynthesizer.AnnotationsFile));

        Assert.Equal(NewtSkeleton.Names, dataset.Skeleton.Keypoints);
        Assert.Equal(NewtSkeleton.Instance.SwapPairs, dataset.Skeleton.SwapPairs);
        Assert.Equal(NewtSkeleton.Instance.Edges, dataset.Skeleton.Edges);
        Assert.Equal(6, dataset.Images.Count);
        Assert.Equal(6, reported.Count);
        Assert.Contains(reported, p => p.Done == 6 && p.Total == 6);
        Assert.Equal(new[] { "newt_001", "newt_002", "newt_003" }, dataset.Instances.Select(i => i.Individual).Distinct().Order().ToArray());
        foreach (var image in dataset.Images)
        {
            Assert.Equal((240, 180), global::NewtPose.Imaging.ImageLoader.ReadSize(dataset.FullPath(image)));
            var instance = Assert.Single(image.Instances);
            foreach (var k in instance.Keypoints.Where(k => k.IsLabeled))
            {
                Assert.InRange(k.X, 0, image.Width);
                Assert.InRange(k.Y, 0, image.Height);
            }
        }
    }

    [Fact]
    public void An_individual_keeps_its_pattern_and_two_individuals_differ()
    {
        var a = NewtIndividual.Create("x", 5);
        var b = NewtIndividual.Create("x", 5);
        var c = NewtIndividual.Create("y", 6);
        Assert.Equal(a.Spots.Select(s => (s.U, s.V, s.Radius)), b.Spots.Select(s => (s.U, s.V, s.Radius)));
        Assert.NotEqual(a.Spots.Select(s => (s.U, s.V)), c.Spots.Select(s => (s.U, s.V)));
    }

    [Fact]
    public void Invalid_options_are_rejected_with_the_reason()
    {
        Assert.Contains("Count", Assert.Throws<ArgumentException>(() => new SynthOptions("x", 0, 1).Validate()).Message);
        Assert.Contains("10x10", Assert.Throws<ArgumentException>(() => new SynthOptions("x", 1, 1, Width: 10, Height: 10).Validate()).Message);
    }

    [Fact]
    public void Cli_synth_writes_the_dataset_and_rejects_a_bad_size()
    {
        var folder = Path.Combine(_root, "cli");
        Assert.Equal(0, Cli.CliRunner.Run("synth", "--out", folder, "--count", "2", "--seed", "9", "--individuals", "1", "--size", "160x120").Exit);
        Assert.Equal(2, CocoFormat.Read(Path.Combine(folder, "annotations.json")).Images.Count);
        var bad = Cli.CliRunner.Run("synth", "--out", Path.Combine(_root, "cli2"), "--size", "big");
        Assert.Equal(2, bad.Exit); // a wrong command line
        Assert.Contains("--size 'big' is not WxH", bad.Error);
    }

    private sealed class InlineProgress(Action<SynthProgress> report) : IProgress<SynthProgress>
    {
        private readonly Lock _gate = new();
        public void Report(SynthProgress value) { lock (_gate) report(value); }
    }
}
