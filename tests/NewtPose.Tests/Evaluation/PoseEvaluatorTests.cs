using NewtPose.Data;
using NewtPose.Evaluation;
using NewtPose.Inference;
using NewtPose.Tests.Imaging;
using NewtPose.Tests.Inference;

namespace NewtPose.Tests.Evaluation;

/// <summary>The evaluator over the engine, with the exact dot model (<see cref="TestOnlyDotBackend"/>): known answers.</summary>
public sealed class PoseEvaluatorTests : IDisposable
{
    private readonly string folder = TestImages.TempFolder();

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static Keypoint[] Labels((double X, double Y)[] points, double dx = 0) => points.Select(p => new Keypoint(p.X + dx, p.Y, Visibility.Visible)).ToArray();

    private PoseDataset Dataset(params (string Name, (double X, double Y)[] Truth, PoseInstance[] Animals)[] photos)
    {
        var images = new List<LabeledImage>();
        foreach (var (name, truth, animals) in photos)
        {
            EnginePhotos.WritePng(folder, name, EnginePhotos.Draw(400, 300, truth, 5));
            images.Add(new LabeledImage(name, 400, 300, animals));
        }
        return new PoseDataset(new Skeleton(TestOnlyDotBackend.Names), images, folder);
    }

    [Fact]
    public void Found_crops_score_near_zero_on_an_exact_model_and_label_crops_are_scored_beside_them()
    {
        var a = EnginePhotos.Animal(200, 150, 12);
        var b = EnginePhotos.Animal(120, 100, 10);
        var dataset = Dataset(("a.png", a, [new PoseInstance(Labels(a))]), ("b.png", b, [new PoseInstance(Labels(b))]));
        using var engine = EnginePhotos.Engine();

        var evaluation = new PoseEvaluator(engine).Evaluate(dataset, split: "test");

        Assert.Equal((2, 0, 8), (evaluation.Found.Instances, evaluation.Found.MissedInstances, evaluation.Found.Overall.Count));
        Assert.True(evaluation.Found.Overall.MeanPxError < 0.5, $"found {evaluation.Found.Overall.MeanPxError}");
        Assert.Equal(1.0, evaluation.Found.Overall.OksAp!.Value, 6);
        Assert.NotNull(evaluation.LabelCrops);
        Assert.True(evaluation.LabelCrops!.Overall.MeanPxError < 0.5, $"label crops {evaluation.LabelCrops.Overall.MeanPxError}");
        Assert.All(evaluation.Photos, p => Assert.Equal(0, p.MatchedAnimal));
        Assert.Equal("test", evaluation.Split);
        Assert.Contains("default", evaluation.Found.Sigmas!.Source);
    }

    [Fact]
    public void Labels_score_the_prediction_but_never_move_the_crop()
    {
        // The same photo with its labels 30 px off to the right: the found prediction is identical, only the error changes.
        var truth = EnginePhotos.Animal(200, 150, 12);
        var right = Dataset(("p.png", truth, [new PoseInstance(Labels(truth))]));
        var shifted = right with { Images = [right.Images[0] with { Instances = [new PoseInstance(Labels(truth, dx: 30))] }] };
        using var engine = EnginePhotos.Engine();
        var evaluator = new PoseEvaluator(engine, new EvaluatorOptions { LabelCrops = false });

        var honest = evaluator.Evaluate(right);
        var moved = evaluator.Evaluate(shifted);

        Assert.Equal(honest.Photos[0].Found!.Keypoints, moved.Photos[0].Found!.Keypoints);
        Assert.Equal(honest.Photos[0].Found!.Box, moved.Photos[0].Found!.Box);
        Assert.InRange(moved.Found.Overall.MeanPxError!.Value, 29.5, 30.5);
        Assert.Null(moved.LabelCrops);
    }

    [Fact]
    public void One_prediction_goes_to_the_animal_it_fits_and_the_other_counts_as_missed()
    {
        var truth = EnginePhotos.Animal(200, 150, 12);
        var elsewhere = EnginePhotos.Animal(80, 80, 12);
        var dataset = Dataset(("two.png", truth, [new PoseInstance(Labels(elsewhere)), new PoseInstance(Labels(truth))]));
        using var engine = EnginePhotos.Engine();

        var evaluation = new PoseEvaluator(engine).Evaluate(dataset);

        var photo = Assert.Single(evaluation.Photos);
        Assert.Equal((1, 1), (photo.MatchedAnimal, photo.MissedAnimals));
        Assert.Equal((2, 1, 4, 4), (evaluation.Found.Instances, evaluation.Found.MissedInstances, evaluation.Found.Overall.Count, evaluation.Found.Overall.Missed));
        Assert.True(evaluation.Found.Overall.MeanPxError < 0.5);
        Assert.Equal(0.5, evaluation.Found.Overall.OksAr!.Value, 6); // one of two animals found at every threshold
        Assert.Equal(0, evaluation.LabelCrops!.MissedInstances);   // label crops predict each animal in its own box
    }

    [Fact]
    public void A_photo_that_cannot_be_read_is_named_and_its_animals_are_missed()
    {
        var truth = EnginePhotos.Animal(200, 150, 12);
        var dataset = Dataset(("good.png", truth, [new PoseInstance(Labels(truth))]));
        File.WriteAllBytes(Path.Combine(folder, "broken.png"), [1, 2, 3]);
        dataset = dataset with { Images = [.. dataset.Images, new LabeledImage("broken.png", 400, 300, [new PoseInstance(Labels(truth))]), new LabeledImage("empty.png", 400, 300, [])] };
        using var engine = EnginePhotos.Engine();

        var evaluation = new PoseEvaluator(engine).Evaluate(dataset);

        Assert.Equal((2, 1, 1), (evaluation.Photos.Count, evaluation.FailedPhotos, evaluation.UnlabelledPhotos));
        Assert.Equal("broken.png", evaluation.Worst(1)[0].Image.Path);
        Assert.NotNull(evaluation.Worst(1)[0].Error);
        Assert.Equal((2, 1), (evaluation.Found.Instances, evaluation.Found.MissedInstances));
        Assert.Equal(1, evaluation.LabelCrops!.MissedInstances);
        Assert.DoesNotContain("NaN", EvaluationReportJson.ToJsonObject(evaluation).ToJsonString());
    }

    [Fact]
    public void A_dataset_of_another_skeleton_is_refused()
    {
        var dataset = new PoseDataset(new Skeleton(["x", "y"]), [], folder);
        using var engine = EnginePhotos.Engine();
        var error = Assert.Throws<ArgumentException>(() => new PoseEvaluator(engine).Evaluate(dataset));
        Assert.Contains("skeleton", error.Message);
    }
}
