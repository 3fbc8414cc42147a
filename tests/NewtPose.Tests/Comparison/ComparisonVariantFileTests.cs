using NewtPose.Comparison;
using NewtPose.Data;
using NewtPose.Tests.Data;

namespace NewtPose.Tests.Comparison;

/// <summary>A variants file (an ablation's arms for `newtpose compare --variants`): both shapes, and every malformed record refused by name.</summary>
public sealed class ComparisonVariantFileTests
{
    [Fact]
    public void Both_shapes_load_in_order_and_an_absent_options_object_is_the_base_options()
    {
        using var temp = new TempFolder();
        var wrapped = temp.File("a.json", """
            // the levers, each against the default
            {"variants": [
              {"name": "default"},
              {"name": "input-192", "options": {"input_width": 192, "input_height": 192}},
              {"name": "light-aug", "options": {"augmentation": "light"}},
            ]}
            """);
        var variants = ComparisonVariant.Load(wrapped);
        Assert.Equal(["default", "input-192", "light-aug"], variants.Select(v => v.Name));
        Assert.Empty(variants[0].Overrides);
        Assert.Equal(192, variants[1].Apply(NewtPose.Training.PoseTraining.Recommended).InputWidth);

        var bare = temp.File("b.json", """[{"name": "scratch", "options": {"backbone": "resnet18"}}]""");
        Assert.Equal("resnet18", ComparisonVariant.Load(bare).Single().Apply(NewtPose.Training.PoseTraining.Recommended).Backbone);
    }

    [Theory]
    [InlineData("ablation-newts.json")]
    [InlineData("ablation-newts-25.json")]
    public void The_bundled_newt_ablations_load_and_every_arm_is_valid_over_the_recommended_options(string file)
    {
        var path = Path.Combine(NewtPose.Tests.Labeling.LabelingTestData.RepositoryRoot(), "bench", "configs", file);
        var variants = ComparisonVariant.Load(path);
        Assert.Equal("default", variants[0].Name);
        Assert.Empty(variants[0].Overrides);
        new ComparisonPlan { Data = "labels.json", Variants = variants, Budget = ComparisonBudget.OfEpochs(1) }.Validate();
        Assert.All(variants.Skip(1), v => Assert.NotEqual(NewtPose.Training.PoseTraining.Recommended.ToJson(), v.Apply(NewtPose.Training.PoseTraining.Recommended).ToJson()));
    }

    [Theory]
    [InlineData("{\"variants\": [", "line ")]
    [InlineData("{\"arms\": []}", "expected {\"variants\": [{\"name\": …")]
    [InlineData("{\"variants\": []}", "variants: the list is empty")]
    [InlineData("[42]", "variants[0]: expected an object with \"name\" and \"options\"")]
    [InlineData("[{\"name\": \"a\"}, {\"options\": {}}]", "variants[1]: \"name\" must be a non-empty string")]
    [InlineData("[{\"name\": \"a\", \"opts\": {}}]", "variants[0]: unknown field 'opts'")]
    [InlineData("[{\"name\": \"a\", \"options\": 3}]", "variants[0] (a): \"options\" must be an object")]
    [InlineData("[{\"name\": \"long\", \"options\": {\"epochs\": 90}}]", "variants[0] (long): 'epochs' is set per entry by the comparison")]
    public void A_malformed_file_or_record_is_refused_naming_the_file_and_the_record(string text, string message)
    {
        using var temp = new TempFolder();
        var path = temp.File("v.json", text);
        var e = Assert.Throws<DatasetFormatException>(() => ComparisonVariant.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_bad_option_inside_a_variant_is_refused_by_the_plan_naming_the_variant()
    {
        using var temp = new TempFolder();
        var path = temp.File("v.json", """[{"name": "typo", "options": {"input_widht": 192}}]""");
        var plan = new ComparisonPlan { Data = "labels.json", Variants = ComparisonVariant.Load(path), Budget = ComparisonBudget.OfEpochs(1) };
        var e = Assert.Throws<ArgumentException>(() => plan.Validate());
        Assert.Contains("variant typo", e.Message);
        Assert.Contains("input_widht", e.Message);
    }
}
