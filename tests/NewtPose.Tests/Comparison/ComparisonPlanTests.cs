using System.Text.Json.Nodes;
using NewtPose.Comparison;

namespace NewtPose.Tests.Comparison;

/// <summary>The plan's checks, its entry order and plan.json, and the nested subsets a train size takes.</summary>
public sealed class ComparisonPlanTests
{
    private static ComparisonPlan Plan(params string[] backbones) => new()
    {
        Data = "labels.json", Variants = ComparisonPlan.Grid(backbones, ["heatmap"]), TrainSizes = [2, 4], Seeds = [1, 2], Budget = ComparisonBudget.OfEpochs(3),
    };

    [Fact]
    public void A_valid_plan_passes_and_lists_its_entries_size_by_size_then_seed_then_variant()
    {
        var plan = Plan("resnet18-imagenet", "resnet18").Validate();
        var ids = plan.Entries().Select(k => k.Id).ToArray();
        Assert.Equal(["resnet18-imagenet-n2-seed1", "resnet18-n2-seed1", "resnet18-imagenet-n2-seed2", "resnet18-n2-seed2",
            "resnet18-imagenet-n4-seed1", "resnet18-n4-seed1", "resnet18-imagenet-n4-seed2", "resnet18-n4-seed2"], ids);
        Assert.Equal("resnet18-all-seed1", (plan with { TrainSizes = null }).Entries()[1].Id);
    }

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        var plan = Plan("resnet18", "resnet18", "nosuchnet") with
        {
            TrainSizes = [0, 5, 5], Seeds = [], Budget = new ComparisonBudget { Epochs = 2, Minutes = 1 },
        };
        var e = Assert.Throws<ArgumentException>(() => plan.Validate());
        Assert.Contains("variant 'resnet18' appears twice", e.Message);
        Assert.Contains("unknown backbone 'nosuchnet' (known: resnet18-imagenet, resnet18,", e.Message);
        Assert.Contains("train sizes must be at least 1", e.Message);
        Assert.Contains("train sizes repeat", e.Message);
        Assert.Contains("no seeds", e.Message);
        Assert.Contains("the budget must be epochs, minutes or the recipe's schedule (neither), not both", e.Message);
    }

    [Fact]
    public void The_default_budget_is_the_recipes_schedule_sized_per_train_size()
    {
        var plan = new ComparisonPlan { Data = "labels.json", Variants = ComparisonPlan.Grid(["resnet18"], ["heatmap"]) }.Validate();
        Assert.True(plan.Budget.IsRecipe);
        Assert.Equal("the recipe's schedule per train size", plan.Budget.ToString());
        var budget = JsonNode.Parse(plan.ToJson())!["budget"]!;
        Assert.Null(budget["epochs"]);
        Assert.Null(budget["minutes"]);
        Assert.False(ComparisonBudget.OfEpochs(3).IsRecipe);
    }

    [Fact]
    public void Bad_budgets_heads_names_and_variant_fields_are_refused()
    {
        Assert.Contains("budget epochs 0", Assert.Throws<ArgumentException>(() => (Plan("resnet18") with { Budget = ComparisonBudget.OfEpochs(0) }).Validate()).Message);
        Assert.Contains("budget minutes -1", Assert.Throws<ArgumentException>(() => (Plan("resnet18") with { Budget = ComparisonBudget.OfMinutes(-1) }).Validate()).Message);
        var heads = Plan("resnet18") with { Variants = ComparisonPlan.Grid(["resnet18"], ["heatmap", "blob"]) };
        Assert.Contains("unknown head 'blob'", Assert.Throws<ArgumentException>(() => heads.Validate()).Message);
        var badName = Plan("resnet18") with { Variants = [new ComparisonVariant("a/b", new JsonObject())] };
        Assert.Contains("variant name 'a/b'", Assert.Throws<ArgumentException>(() => badName.Validate()).Message);
        var badField = Plan("resnet18") with { Variants = [new ComparisonVariant("wide", new JsonObject { ["input_widht"] = 128 })] };
        Assert.Contains("variant wide", Assert.Throws<ArgumentException>(() => badField.Validate()).Message);
    }

    [Fact]
    public void A_variant_can_change_any_option_for_an_ablation()
    {
        var variant = new ComparisonVariant("small-input", new JsonObject { ["input_width"] = 128, ["input_height"] = 128 });
        var options = variant.Apply(NewtPose.Training.PoseTraining.Recommended);
        Assert.Equal((128, 128), (options.InputWidth, options.InputHeight));
        Assert.Equal(NewtPose.Training.PoseTraining.Recommended.Backbone, options.Backbone);
        Assert.Equal("resnet18+integral", ComparisonVariant.BackboneAndHead("resnet18", "integral", nameWithHead: true).Name);
    }

    [Fact]
    public void Plan_json_is_the_same_for_the_same_plan_and_differs_when_anything_changes()
    {
        var plan = Plan("resnet18");
        Assert.Equal(plan.ToJson(), Plan("resnet18").ToJson());
        Assert.NotEqual(plan.ToJson(), (plan with { Seeds = [1, 3] }).ToJson());
        Assert.NotEqual(plan.ToJson(), (plan with { BaseOptions = plan.BaseOptions with { Threads = 1 } }).ToJson());
        Assert.Contains("\"train_sizes\"", plan.ToJson());
    }

    [Fact]
    public void A_train_size_takes_a_nested_seeded_subset_of_the_train_split()
    {
        var photos = Enumerable.Range(0, 40).Select(i => $"img{i:D2}.jpg").Reverse().ToArray();
        var ten = PoseComparison.Subset(photos, 10, seed: 1);
        var twentyFive = PoseComparison.Subset(photos, 25, seed: 1);
        Assert.Equal(10, ten.Count);
        Assert.Equal(ten, twentyFive.Take(10));                                   // nested: the 10 are among the 25
        Assert.Equal(ten, PoseComparison.Subset(photos.Reverse().ToArray(), 10, 1)); // the order given does not matter
        Assert.NotEqual(ten, PoseComparison.Subset(photos, 10, seed: 2));          // another seed draws other photos
        Assert.NotEqual(photos.Order(StringComparer.Ordinal).Take(10), ten);       // shuffled, not the first by name
        Assert.Equal(photos.Order(StringComparer.Ordinal), PoseComparison.Subset(photos, null, 1));
        Assert.Throws<ArgumentException>(() => PoseComparison.Subset(photos, 41, 1));
    }
}
