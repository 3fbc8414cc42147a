using System.Text.Json;
using NewtPose.Data;
using NewtPose.Data.Formats.Coco;
using NewtPose.Tests.Labeling;

namespace NewtPose.Tests.Data;

/// <summary>Extra COCO image fields (such as the review state `newtpose label` writes) are kept, written back, and
/// reported when a conversion cannot hold them.</summary>
public class CocoImageAttributesTests
{
    private static string WithImageFields(TempFolder folder)
    {
        var labels = LabelingTestData.TinyNewts(folder);
        File.WriteAllText(labels, File.ReadAllText(labels).Replace("\"id\":1,\"file_name\"", "\"id\":1,\"site\":\"pond 3\",\"checked\":true,\"file_name\""));
        return labels;
    }

    [Fact]
    public void ImageFields_AreKept_AndWrittenBack()
    {
        using var folder = new TempFolder();
        var d = PoseData.Load(WithImageFields(folder));
        Assert.Equal("pond 3", d.Images[0].Attributes["site"]);
        Assert.Equal("true", d.Images[0].Attributes["checked"]);
        Assert.Empty(d.Images[1].Attributes);
        var copy = Path.Combine(folder.Path, "newts", "copy.json");
        CocoFormat.Write(d, copy);
        var image = JsonDocument.Parse(File.ReadAllText(copy)).RootElement.GetProperty("images")[0];
        Assert.Equal("pond 3", image.GetProperty("site").GetString());
        Assert.True(image.GetProperty("checked").GetBoolean());
    }

    [Fact]
    public void AConversionThatCannotHoldThem_SaysSo()
    {
        using var folder = new TempFolder();
        var d = PoseData.Load(WithImageFields(folder));
        var report = PoseData.Save(d, Path.Combine(folder.Path, "yolo"), LabelFormat.Yolo);
        Assert.Contains(report.Losses, l => l.Contains("1 images have extra fields (site, checked)"));
        var coco = PoseData.Save(d, Path.Combine(folder.Path, "coco", "a.json"), LabelFormat.Coco);
        Assert.DoesNotContain(coco.Losses, l => l.Contains("extra fields"));
    }
}
