using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Evaluation;
using NewtPose.Imaging;
using NewtPose.Inference;
using NewtPose.Models;
using NewtPose.Tests.Imaging;

namespace NewtPose.Tests.Inference;

public sealed class TorchBackendTests : IDisposable
{
    private readonly string folder = TestImages.TempFolder();

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_engine_opened_on_a_saved_model_predicts_what_the_tensor_path_predicts_on_the_same_crop(bool flipTest)
    {
        EnginePhotos.SaveUntrainedModel(folder, seed: 3);
        var truth = EnginePhotos.Animal(200, 150, 12);
        var photo = EnginePhotos.Draw(400, 300, truth, 5);
        var path = EnginePhotos.WritePng(folder, "photo.png", photo);
        var box = new BoundingBox(170, 120, 60, 100);

        // The tensor path reads the peak cell's own offset: compared without offset voting (PoseDecoderTests cover the vote).
        using var engine = PoseEngine.Open(folder, new EngineOptions { FlipTest = flipTest, OffsetVoting = false });
        var found = engine.PredictInBox(path, box);

        using var network = PoseModels.Load(folder);
        var sampler = new PoseSampler(engine.Model.Skeleton(), 64, 64, AugmentationOptions.None);
        var expected = PosePredictor.Predict(network, [sampler.Crop(ImageLoader.Load(path), box)], flipTest: flipTest)[0].Keypoints;
        for (var k = 0; k < expected.Count; k++)
        {
            Assert.True(Math.Abs(found.Keypoints[k].X - expected[k].X) < 1e-3 && Math.Abs(found.Keypoints[k].Y - expected[k].Y) < 1e-3,
                $"keypoint {k}: engine ({found.Keypoints[k].X:F4}, {found.Keypoints[k].Y:F4}) vs tensor path ({expected[k].X:F4}, {expected[k].Y:F4})");
            Assert.Equal(expected[k].Confidence, found.Keypoints[k].Confidence, 5);
        }
    }
}
