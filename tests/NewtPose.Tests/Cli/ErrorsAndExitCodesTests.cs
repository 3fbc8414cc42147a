namespace NewtPose.Tests.Cli;

/// <summary>
/// What a newcomer sees when something is wrong: plain words naming file, record and reason, and one exit-code convention
/// (0 ok, 1 failed, 2 wrong command line) for every command.
/// </summary>
public sealed class ErrorsAndExitCodesTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");
    private static readonly string Tiny = Path.Combine(Fixtures, "newts-tiny", "annotations.json");
    private readonly string folder = Directory.CreateTempSubdirectory("newtpose-cli-errors-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void An_unknown_command_is_a_usage_error_and_usage_names_newtpose()
    {
        var unknown = CliRunner.Run("trian", "--data", Tiny);
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("newtpose: Unrecognized command or argument 'trian'", unknown.Error);
        Assert.Contains("`newtpose --help`", unknown.Error);

        var help = CliRunner.Run("--help");
        Assert.Equal(0, help.Exit);
        Assert.Contains("newtpose [command] [options]", help.Out);
        Assert.DoesNotContain("NewtPose.Cli", help.Out);
        var trainHelp = CliRunner.Run("train", "--help");
        Assert.Contains("newtpose train [options]", trainHelp.Out);
    }

    [Theory]
    [InlineData("--epochs", "ten", "--epochs: 'ten' is not a whole number")]
    [InlineData("--flip-test", "yes", "--flip-test: 'yes' is not true or false")]
    [InlineData("--augment", "strong", "Unknown augmentation preset 'strong'. Known: none, light, rig, default, heavy.")]
    [InlineData("--format", "xml", "--format: Unknown label format 'xml'")]
    public void A_bad_option_value_says_what_is_expected(string option, string value, string message)
    {
        var (exit, _, error) = CliRunner.Run("train", "--data", Tiny, "--out", Path.Combine(folder, "run"), option, value);
        Assert.Equal(2, exit);
        Assert.Contains(message, error);
        Assert.DoesNotContain("System.", error);
    }

    [Fact]
    public void A_bad_number_for_split_says_what_is_expected()
    {
        var (exit, _, error) = CliRunner.Run("split", Tiny, "--seed", "1", "--val", "a fifth", "--out", Path.Combine(folder, "s.json"));
        Assert.Equal(2, exit);
        Assert.Contains("--val: 'a fifth' is not a number", error);
    }

    [Fact]
    public void A_path_that_does_not_exist_says_not_found()
    {
        var path = Path.Combine(folder, "no-such-labels");
        foreach (var args in new[] { new[] { "inspect", path }, ["split", path, "--seed", "1", "--out", Path.Combine(folder, "s.json")],
                     ["convert", "--input", path, "--output", Path.Combine(folder, "out"), "--to", "coco"], ["train", "--data", path, "--out", Path.Combine(folder, "r")] })
        {
            var (exit, _, error) = CliRunner.Run(args);
            Assert.Equal(1, exit);
            Assert.Equal($"not found: {path}", error.Trim());
        }
    }

    [Fact]
    public void Invalid_yaml_gives_line_and_column()
    {
        var (exit, _, error) = CliRunner.Run("inspect", Path.Combine(Fixtures, "malformed", "yolo_invalid_yaml", "data.yaml"));
        Assert.Equal(1, exit);
        Assert.Contains("data.yaml: line 1, column 15: invalid YAML", error);
    }

    [Fact]
    public void Truncated_json_gives_one_one_based_line_and_column()
    {
        var labels = Path.Combine(folder, "truncated.json");
        File.WriteAllText(labels, File.ReadAllText(Tiny)[..200]);
        var config = Path.Combine(folder, "config.json");
        File.WriteAllText(config, "{\n  \"epochs\": 5,\n  \"input_width\": ");
        var split = Path.Combine(folder, "split.json");
        File.WriteAllText(split, "{\"train\": [\"a.jpg\",");
        foreach (var (args, file) in new[]
                 {
                     (new[] { "inspect", labels }, labels),
                     (["train", "--data", Tiny, "--out", Path.Combine(folder, "r"), "--config", config, "--dry-run"], config),
                     (["train", "--data", Tiny, "--out", Path.Combine(folder, "r"), "--split", split, "--dry-run"], split),
                 })
        {
            var (exit, _, error) = CliRunner.Run(args);
            Assert.Equal(1, exit);
            Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(file)}: line \d+, column \d+: ", error);
            Assert.DoesNotContain("LineNumber", error);
            Assert.DoesNotContain("BytePositionInLine", error);
        }
        Assert.Contains("config.json: line 3, column 18:", CliRunner.Run("train", "--data", Tiny, "--out", Path.Combine(folder, "r"), "--config", config).Error);
    }

    [Fact]
    public void A_wrong_value_in_a_config_file_names_the_field_and_what_is_expected()
    {
        var config = Path.Combine(folder, "config.json");
        File.WriteAllText(config, """{ "epochs": "ten" }""");
        var (exit, _, error) = CliRunner.Run("train", "--data", Tiny, "--out", Path.Combine(folder, "r"), "--config", config, "--dry-run");
        Assert.Equal(1, exit);
        Assert.Equal($"{config}: epochs: expected a whole number", error.Trim());
    }

    [Fact]
    public void Dry_run_runs_the_trainers_checks()
    {
        var (exit, _, error) = CliRunner.Run("train", "--data", Tiny, "--out", Path.Combine(folder, "r"), "--input-size", "100", "--dry-run");
        Assert.Equal(1, exit);
        Assert.Contains("Input size 100x100 must be positive multiples of 32", error);
        var flips = CliRunner.Run("train", "--data", Tiny, "--out", Path.Combine(folder, "r"), "--augment", "rig", "--flip-test", "true", "--dry-run");
        Assert.Equal(1, flips.Exit);
        Assert.Contains("flip_test is on but the augmentation never flips", flips.Error);
        Assert.False(Directory.Exists(Path.Combine(folder, "r")));
    }

    [Fact]
    public void Convert_to_a_folder_format_refuses_a_file_name_as_output()
    {
        var output = Path.Combine(folder, "x.json");
        var (exit, _, error) = CliRunner.Run("convert", "--input", Tiny, "--output", output, "--to", "dlc");
        Assert.Equal(2, exit);
        Assert.Contains("dlc labels are written to a folder", error);
        Assert.False(Directory.Exists(output));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Synth_refuses_a_folder_that_is_not_empty_unless_forced()
    {
        var output = Path.Combine(folder, "synth");
        string[] Args(params string[] more) => ["synth", "--out", output, "--count", "1", "--individuals", "1", "--size", "64x64", .. more];
        Assert.Equal(0, CliRunner.Run(Args()).Exit);
        var again = CliRunner.Run(Args());
        Assert.Equal(1, again.Exit);
        Assert.Contains("already exists", again.Error);
        Assert.Equal(0, CliRunner.Run(Args("--force")).Exit);
        Assert.Equal(2, CliRunner.Run("synth", "--out", output, "--size", "64 by 64").Exit);
    }
}
