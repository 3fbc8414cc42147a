using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Imaging;

namespace NewtPose.Tests.Training;

/// <summary>
/// TEST-ONLY sampler: a square crop around the labelled keypoints plus a margin, resized (nearest neighbour) to the input
/// size, no augmentation. Sample pixel u maps to source x0 + u / scale. Pixels come from <paramref name="load"/>
/// (the toy's in-memory photos) or, by default, from disk under the dataset root.
/// </summary>
internal sealed class TestOnlyCropSampler(int size, PoseDataset dataset, Func<LabeledImage, RgbImage>? load = null, double margin = 8) : IPoseSampler
{
    public PoseSample Sample(LabeledImage labeled, PoseInstance instance, Random random, bool augment) =>
        Sample(load is null ? ImageLoader.Load(dataset.FullPath(labeled)) : load(labeled), instance);

    public PoseSample Sample(RgbImage image, PoseInstance instance)
    {
        var box = BoundingBox.AroundLabeled(instance.Keypoints) ?? new BoundingBox(0, 0, image.Width, image.Height);
        var side = Math.Max(16, Math.Max(box.Width, box.Height) + 2 * margin);
        var x0 = box.X + box.Width / 2 - side / 2;
        var y0 = box.Y + box.Height / 2 - side / 2;
        var scale = size / side;
        var chw = new float[3 * size * size];
        for (var v = 0; v < size; v++)
        for (var u = 0; u < size; u++)
        {
            var sx = (int)Math.Round(x0 + u / scale);
            var sy = (int)Math.Round(y0 + v / scale);
            if (sx < 0 || sy < 0 || sx >= image.Width || sy >= image.Height) continue;
            for (var c = 0; c < 3; c++) chw[c * size * size + v * size + u] = image.Pixels[(sy * image.Width + sx) * 3 + c] / 255f;
        }
        var keypoints = instance.Keypoints.Select(k =>
        {
            if (!k.IsLabeled) return Keypoint.Missing;
            var (u, v) = ((k.X - x0) * scale, (k.Y - y0) * scale);
            return u < 0 || v < 0 || u >= size || v >= size ? Keypoint.Missing : new Keypoint(u, v, k.Visibility);
        }).ToArray();
        return new PoseSample(chw, size, size, keypoints, new AffineTransform(1 / scale, 0, x0, 0, 1 / scale, y0));
    }
}
