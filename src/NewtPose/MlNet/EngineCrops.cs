using NewtPose.Augmentation;
using NewtPose.Imaging;
using NewtPose.Inference;
using SkiaSharp;

namespace NewtPose.MlNet;

/// <summary>A row of image paths for the ML.NET pipeline (<see cref="PosePipelineOptions.ImagePathColumn"/> "ImagePath").</summary>
public sealed class PipelineImage
{
    public string ImagePath { get; set; } = "";
}

/// <summary>How far the ML.NET pipeline's points on one crop are from the inference engine's on the same crop.</summary>
/// <param name="Crop">The crop file (relative to its folder).</param>
/// <param name="MaxDifferencePx">Largest |Δx| or |Δy| over the keypoints, in crop pixels.</param>
/// <param name="MeanConfidence">The engine's mean keypoint confidence on the crop.</param>
public sealed record CropAgreement(string Crop, double MaxDifferencePx, double MeanConfidence);

/// <summary>
/// Crops for the ML.NET pipeline, which does not find the animal: the inference engine finds it in each photo and the
/// crop around it (the model's crop policy, at the model's input size) is saved as a PNG; and the check that the
/// pipeline's points on those crops are the engine's.
/// </summary>
public static class EngineCrops
{
    /// <summary>
    /// For each photo, the engine over <paramref name="onnxPath"/> finds the animal; the crop around the box it found is
    /// written to <paramref name="folder"/> as crop-NN.png at the model's input size. Returns the file names, in order.
    /// </summary>
    public static IReadOnlyList<string> Write(string onnxPath, IReadOnlyList<string> photos, string folder)
    {
        ArgumentNullException.ThrowIfNull(photos);
        Directory.CreateDirectory(folder);
        using var engine = OnnxBackend.OpenEngine(onnxPath);
        var spec = engine.Model.Spec;
        var sampler = new PoseSampler(engine.Model.Skeleton(), spec.InputWidth, spec.InputHeight, AugmentationOptions.None with { Crop = engine.Model.Crop });
        var names = new List<string>();
        foreach (var photo in photos)
        {
            var found = engine.Predict(photo);
            var sample = sampler.Crop(photo, found.Box);
            var name = $"crop-{names.Count:00}.png";
            Save(sample.Chw, spec.InputWidth, spec.InputHeight, Path.Combine(folder, name));
            names.Add(name);
        }
        return names;
    }

    /// <summary>
    /// The engine's points on each crop (one pass over the whole crop: at the input size the letterbox is the identity)
    /// against <paramref name="pipelineKeypoints"/>, the pipeline's <see cref="PosePipeline.KeypointsColumn"/> rows.
    /// </summary>
    public static IReadOnlyList<CropAgreement> Compare(string onnxPath, string folder, IReadOnlyList<string> crops, IReadOnlyList<float[]> pipelineKeypoints)
    {
        if (crops.Count != pipelineKeypoints.Count) throw new ArgumentException($"{crops.Count} crops but {pipelineKeypoints.Count} rows of pipeline keypoints.");
        using var engine = OnnxBackend.OpenEngine(onnxPath, new EngineOptions { RefinePasses = 0 });
        return crops.Select((crop, i) =>
        {
            var points = engine.Predict(Path.Combine(folder, crop)).Keypoints;
            var row = pipelineKeypoints[i];
            var worst = points.Select((p, k) => Math.Max(Math.Abs(p.X - row[2 * k]), Math.Abs(p.Y - row[2 * k + 1]))).Max();
            return new CropAgreement(crop, worst, points.Average(p => p.Confidence));
        }).ToArray();
    }

    /// <summary>Planar RGB in [0, 1] as an 8-bit PNG.</summary>
    internal static void Save(float[] chw, int width, int height, string path)
    {
        var plane = width * height;
        var rgb = new byte[3 * plane];
        for (var p = 0; p < plane; p++)
            for (var c = 0; c < 3; c++)
                rgb[3 * p + c] = (byte)Math.Clamp(Math.Round(chw[c * plane + p] * 255), 0, 255);
        using var bitmap = ImageLoader.ToBitmap(new RgbImage(width, height, rgb));
        using var encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, encoded.ToArray());
    }
}
