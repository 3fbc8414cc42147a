using NewtPose.Comparison;
using NewtPose.Evaluation;
using static NewtPose.Tests.Comparison.ComparisonResultsTests;

namespace NewtPose.Tests.Comparison;

/// <summary>The sentences drawn from a comparison's rows, and the rule that calls a gap clear.</summary>
public sealed class ComparisonReadingTests
{
    private static readonly ComparisonPlan Plan = new()
    {
        Data = "labels.json", Variants = ComparisonPlan.Grid(["resnet18-imagenet", "resnet18"], ["heatmap"]), TrainSizes = [10, 25, 50], Seeds = [1, 2],
        Budget = ComparisonBudget.OfMinutes(4),
    };

    [Fact]
    public void A_gap_is_clear_only_beyond_twice_its_standard_error_and_never_with_one_seed()
    {
        // Standard error of the gap: sqrt(1²/2 + 1²/2) = 1.
        Assert.Equal(ComparisonReading.Verdict.Clear, ComparisonReading.Judge(new Spread(3, 1, 2), new Spread(5.01, 1, 2)));
        Assert.Equal(ComparisonReading.Verdict.WithinNoise, ComparisonReading.Judge(new Spread(3, 1, 2), new Spread(4.99, 1, 2)));
        Assert.Equal(ComparisonReading.Verdict.Clear, ComparisonReading.Judge(new Spread(5.01, 1, 2), new Spread(3, 1, 2))); // either order
        Assert.Equal(ComparisonReading.Verdict.WithinNoise, ComparisonReading.Judge(new Spread(3, 0.5, 3), new Spread(3.8, 0.5, 3))); // se = 0.408, gap 0.8
        Assert.Equal(ComparisonReading.Verdict.NoSpread, ComparisonReading.Judge(new Spread(3, null, 1), new Spread(30, 1, 2)));
    }

    [Fact]
    public void Each_train_size_names_the_best_variant_and_each_variant_what_more_photos_bought()
    {
        ComparisonEntry[] entries =
        [
            Entry("resnet18-imagenet", 10, 1, 20, 0.5), Entry("resnet18-imagenet", 10, 2, 22, 0.5),
            Entry("resnet18", 10, 1, 60, 0.1), Entry("resnet18", 10, 2, 64, 0.1),
            Entry("resnet18-imagenet", 25, 1, 10, 0.8), Entry("resnet18-imagenet", 25, 2, 11, 0.8),
            Entry("resnet18", 25, 1, 10.5, 0.8), Entry("resnet18", 25, 2, 12, 0.8),
            Entry("resnet18-imagenet", 50, 1, 9, 0.9), Entry("resnet18-imagenet", 50, 2, 11, 0.9),
        ];
        var lines = ComparisonReading.Lines(ComparisonResults.Of(Plan, entries));

        Assert.Equal(4, lines.Count); // sizes 10 and 25 (50 has one variant), then the two variants
        Assert.Equal("With 10 labelled photos the lowest error is resnet18-imagenet's, 21.00 ± 1.41 px; then resnet18 62.00 ± 2.83 (+41.00 px, clear).", lines[0]);
        Assert.Equal("With 25 labelled photos the lowest error is resnet18-imagenet's, 10.50 ± 0.71 px; then resnet18 11.25 ± 1.06 (+0.75 px, within the seeds' noise).", lines[1]);
        Assert.Equal("resnet18-imagenet, mean px error as photos are added: 10 → 25: −10.50 px (clear); 25 → 50: −0.50 px (within the seeds' noise); " +
                     "the last step gains nothing clear: more labels of the same kind may buy little under this budget.", lines[2]);
        Assert.Equal("resnet18, mean px error as photos are added: 10 → 25: −50.75 px (clear); the last step still helps clearly: more labels are likely to pay.", lines[3]);

        var markdown = ComparisonReport.Markdown(ComparisonResults.Of(Plan, entries));
        Assert.Contains("Reading (" + ComparisonReading.Rule + ")", markdown);
        Assert.Contains("- " + lines[0], markdown);
    }

    [Fact]
    public void One_seed_is_read_as_having_no_spread_and_a_lone_row_says_nothing()
    {
        var plan = Plan with { Seeds = [1], TrainSizes = [10] };
        var lines = ComparisonReading.Lines(ComparisonResults.Of(plan, [Entry("resnet18-imagenet", 10, 1, 20, 0.5), Entry("resnet18", 10, 1, 60, 0.1)]));
        Assert.Equal(["With 10 labelled photos the lowest error is resnet18-imagenet's, 20.00 px; then resnet18 60.00 (+40.00 px, one seed, no spread)."], lines);
        Assert.Empty(ComparisonReading.Lines(ComparisonResults.Of(plan, [Entry("resnet18", 10, 1, 60, 0.1)])));
    }
}
