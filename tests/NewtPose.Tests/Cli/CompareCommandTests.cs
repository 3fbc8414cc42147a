using System.Text.Json.Nodes;
using NewtPose.Tests.Training;

namespace NewtPose.Tests.Cli;

/// <summary>`newtpose compare` end to end on the 8-photo fixture (64², one epoch) and its errors.</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class CompareCommandTests : IDisposable
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "newts-tiny", "annotations.json");
    private readonly string root = Path.Combine(Path.GetTempPath(), "newtpose-compare-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    private static string[] Args(string output, params string[] more) =>
        ["compare", "--data", Fixture, "--backbones", "resnet18-imagenet,mobilenetv2", "--input-size", "64", "--threads", "1", "--out", output, .. more];

    [Fact]
    public void Compare_trains_every_entry_prints_the_table_writes_the_report_and_resumes()
    {
        var output = Path.Combine(root, "cmp");
        var (exit, stdout, stderr) = CliRunner.Run(Args(output, "--epochs", "1", "--train-sizes", "1,3"));

        Assert.True(exit == 0, stderr);
        Assert.Contains("4 entries: 2 variant(s) × 2 train size(s) × 1 seed(s), 1 epochs", stdout);
        Assert.Matches(@"resnet18-imagenet\s+ImageNet\s+64x64\s+1\s", stdout);
        Assert.Matches(@"mobilenetv2\s+scratch\s+64x64\s+3\s", stdout);
        Assert.Contains("[1/4] resnet18-imagenet, 1 photos, seed 1: training 1 epochs", stderr);
        Assert.Contains("[4/4] mobilenetv2, 3 photos, seed 1: done", stderr);
        Assert.Equal(4, Directory.GetFiles(Path.Combine(output, "entries"), "*.json").Length);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "results.json")))!;
        Assert.Equal(4, json["rows"]!.AsArray().Count);
        Assert.Contains("Plotly.newPlot('figure3'", File.ReadAllText(Path.Combine(output, "report.html")));

        var (again, _, stderr2) = CliRunner.Run(Args(output, "--epochs", "1", "--train-sizes", "1,3"));
        Assert.Equal(0, again);
        Assert.Contains("[4/4] mobilenetv2, 3 photos, seed 1: finished earlier, skipped", stderr2);
        Assert.DoesNotContain("training 1 epochs", stderr2);

        var (changed, _, error) = CliRunner.Run(Args(output, "--epochs", "2", "--train-sizes", "1,3"));
        Assert.Equal(1, changed);
        Assert.Contains(Path.Combine(output, "plan.json") + " records another comparison", error);
    }

    [Theory]
    [InlineData(new[] { "--backbones", "resnet18,vgg16", "--epochs", "1" }, "--backbones: unknown backbone 'vgg16'; known: resnet18-imagenet, resnet18, resnet34, resnet50, mobilenetv2, hrnet-small")]
    [InlineData(new[] { "--backbones", "resnet18", "--heads", "heatmap,blob", "--epochs", "1" }, "--heads: unknown head 'blob'; known: heatmap, integral")]
    [InlineData(new[] { "--backbones", "resnet18", "--epochs", "1", "--train-sizes", "10,ten" }, "--train-sizes: 'ten' is not a whole number")]
    [InlineData(new[] { "--backbones", "resnet18", "--epochs", "1", "--seeds", "1,,2" }, "--seeds: '' is not a whole number")]
    [InlineData(new[] { "--backbones", "resnet18", "--epochs", "1", "--budget-minutes", "3" }, "give --epochs N or --budget-minutes M, not both")]
    [InlineData(new[] { "--backbones", "resnet18", "--budget-minutes", "soon" }, "--budget-minutes: 'soon' is not a number of minutes")]
    [InlineData(new[] { "--backbones", "resnet18,", "--epochs", "1" }, "--backbones: 'resnet18,' has an empty item")]
    [InlineData(new[] { "--epochs", "1" }, "give either --backbones A,B,… or --variants FILE")]
    [InlineData(new[] { "--backbones", "resnet18", "--variants", "v.json", "--epochs", "1" }, "give either --backbones A,B,… or --variants FILE")]
    [InlineData(new[] { "--variants", "v.json", "--heads", "integral", "--epochs", "1" }, "--heads goes with --backbones")]
    public void Bad_arguments_are_usage_errors_naming_the_option(string[] args, string message)
    {
        var (exit, _, error) = CliRunner.Run(["compare", "--data", Fixture, "--out", Path.Combine(root, "x"), .. args]);
        Assert.Equal(2, exit);
        Assert.Contains(message, error);
        Assert.False(Directory.Exists(Path.Combine(root, "x")));
    }

    [Fact]
    public void A_variants_file_compares_its_named_arms_and_a_bad_record_is_refused_naming_the_file()
    {
        Directory.CreateDirectory(root);
        var variants = Path.Combine(root, "ablation.json");
        File.WriteAllText(variants, """{"variants": [{"name": "default"}, {"name": "no-flip-test", "options": {"flip_test": false}}]}""");
        var output = Path.Combine(root, "ablation");
        var (exit, stdout, stderr) = CliRunner.Run(["compare", "--data", Fixture, "--variants", variants, "--input-size", "64", "--threads", "1", "--epochs", "1",
            "--out", output]);
        Assert.True(exit == 0, stderr);
        Assert.Contains("2 entries: 2 variant(s) × 1 train size(s) × 1 seed(s), 1 epochs", stdout);
        Assert.Matches(@"\bdefault\s+ImageNet\s+64x64\s", stdout);
        Assert.Matches(@"no-flip-test\s+ImageNet\s+64x64\s", stdout);
        Assert.Contains("With 3 labelled photos the lowest error is", stdout);
        var plan = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "plan.json")))!;
        Assert.False(plan["variants"]![1]!["overrides"]!["flip_test"]!.GetValue<bool>());

        File.WriteAllText(variants, """{"variants": [{"name": "default", "options": {"seed": 3}}]}""");
        var (bad, _, error) = CliRunner.Run(["compare", "--data", Fixture, "--variants", variants, "--epochs", "1", "--out", Path.Combine(root, "bad")]);
        Assert.Equal(1, bad);
        Assert.Contains($"{variants}: variants[0] (default): 'seed' is set per entry by the comparison", error);
        Assert.False(Directory.Exists(Path.Combine(root, "bad")));
    }

    [Fact]
    public void A_train_size_above_the_train_split_fails_before_anything_is_written()
    {
        var output = Path.Combine(root, "big");
        var (exit, _, error) = CliRunner.Run(Args(output, "--epochs", "1", "--train-sizes", "2,100"));
        Assert.Equal(1, exit);
        Assert.Contains("holds 3 photos, fewer than the train size 100. Use sizes up to 3", error);
        Assert.False(Directory.Exists(output));
    }
}
