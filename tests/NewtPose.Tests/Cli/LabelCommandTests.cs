using NewtPose.Tests.Data;
using NewtPose.Tests.Labeling;

namespace NewtPose.Tests.Cli;

public class LabelCommandTests
{
    [Fact]
    public void Label_RefusesToWriteTheLabels_OrAnExistingDefaultOutput_WithAClearMessage()
    {
        using var folder = new TempFolder();
        var labels = LabelingTestData.TinyNewts(folder);
        var before = File.ReadAllBytes(labels);
        var (exit, _, error) = CliRunner.Run("label", "--data", labels, "--out", labels);
        Assert.Equal(1, exit);
        Assert.Contains("never written", error);

        var existing = Path.Combine(Path.GetDirectoryName(labels)!, "annotations.corrected.json");
        File.WriteAllText(existing, "{}");
        (exit, _, error) = CliRunner.Run("label", "--data", labels);
        Assert.Equal(1, exit);
        Assert.Contains($"--out {existing}", error);
        Assert.Equal("{}", File.ReadAllText(existing));
        Assert.Equal(before, File.ReadAllBytes(labels));

        (exit, _, error) = CliRunner.Run("label", "--data", labels, "--out", Path.Combine(folder.Path, "x.csv"));
        Assert.Equal(1, exit);
        Assert.Contains(".json", error);
    }
}
