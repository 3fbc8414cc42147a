using NewtPose.Training;

namespace NewtPose.Notebooks;

/// <summary>
/// Quick mode for notebooks: with the environment variable <c>NEWTPOSE_QUICK=1</c> every notebook shrinks its data,
/// epochs and image sizes so that all notebooks together run in a few minutes (CI, and the notebook test). A notebook
/// reads it through this class only, so the choice is made in one place: <c>var epochs = Quick.Choose(full: 60, quick: 2);</c>
/// </summary>
public static class Quick
{
    public const string Variable = "NEWTPOSE_QUICK";

    /// <summary>True when NEWTPOSE_QUICK is 1, true, yes or on (any case).</summary>
    public static bool IsOn => IsOnFor(Environment.GetEnvironmentVariable(Variable));

    /// <summary>The full value normally, the quick one in quick mode.</summary>
    public static T Choose<T>(T full, T quick) => IsOn ? quick : full;

    /// <summary>The first <paramref name="quickCount"/> items in quick mode, all of them otherwise.</summary>
    public static IReadOnlyList<T> Take<T>(IReadOnlyList<T> items, int quickCount) => IsOn ? items.Take(quickCount).ToArray() : items;

    /// <summary>
    /// <paramref name="full"/> normally; in quick mode the same run made tiny (64² crops, batch 4, 2 epochs): the steps
    /// of a training notebook stay the same, the numbers mean nothing.
    /// </summary>
    public static TrainingOptions Shrink(TrainingOptions full) => IsOn ? Shrunk(full) : full;

    internal static TrainingOptions Shrunk(TrainingOptions full) =>
        full with { InputWidth = 64, InputHeight = 64, BatchSize = 4, Epochs = 2, WarmupEpochs = Math.Min(full.WarmupEpochs, 1) };

    internal static bool IsOnFor(string? value) =>
        value?.Trim().ToLowerInvariant() is "1" or "true" or "yes" or "on";
}
