namespace NewtPose.Evaluation;

/// <summary>
/// How the animal was cropped for a figure, as reports name it: <see cref="Found"/> — found by the model, as on a new
/// photo (the honest figure); <see cref="Label"/> — cropped around its own labels (faster, and optimistic: the answer's
/// position is handed to the model). A label-crop figure is only ever shown named as such, beside the found one.
/// </summary>
public static class EvaluationCrops
{
    public const string Found = "found";
    public const string Label = "label crops";

    /// <summary>The crop as a reader's phrase: "animal found by the model" or "label crops".</summary>
    public static string Describe(string crop) => crop == Found ? "animal found by the model" : crop;
}
