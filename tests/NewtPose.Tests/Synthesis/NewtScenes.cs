using NewtPose.Synthesis;
using SkiaSharp;

namespace NewtPose.Tests.Synthesis;

/// <summary>Scenes the tests can reason about.</summary>
internal static class NewtScenes
{
    public static NewtIndividual Animal { get; } = NewtIndividual.Create("test_newt", 7);

    /// <summary>Straight animal, head up (snout toward the top of the image), centred.</summary>
    public static NewtScene HeadUp(int width = 480, int height = 640, NewtPosture? posture = null) =>
        new(Animal, posture ?? NewtPosture.Straight, new NewtPlacement(new SKPoint(width / 2f, height / 2f), MathF.PI / 2, 0.8f * height), PhotoConditions.Clean, width, height);

    /// <summary>A random posture, angle and size, wholly inside the frame (retried until it is).</summary>
    public static NewtScene RandomInFrame(int seed, int width = 640, int height = 480)
    {
        var random = new Random(seed);
        while (true)
        {
            var posture = NewtSceneSampler.SamplePosture(random);
            var length = (0.7f + 0.3f * random.NextSingle()) * width;
            var placement = new NewtPlacement(new SKPoint(width / 2f, height / 2f), random.NextSingle() * 2 * MathF.PI, length);
            var scene = new NewtScene(Animal, posture, placement, PhotoConditions.Clean, width, height);
            using var rendered = NewtRenderer.Render(scene, NewtRenderMode.Parts);
            if (rendered.Instance.Keypoints.All(k => k.IsLabeled)) return scene;
        }
    }
}
