using System.Diagnostics;
using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Imaging;
using NewtPose.Tests.Imaging;
using Xunit.Abstractions;

namespace NewtPose.Tests.Augmentation;

/// <summary>Timing reports (printed with --logger "console;verbosity=detailed"); bounds are loose because the machine is shared.</summary>
public class SamplerSpeedTests(ITestOutputHelper output)
{
    [Fact]
    public void A_256_sample_from_a_decoded_photo_takes_milliseconds()
    {
        var points = PoseSamplerTests.Points.Select(p => (p.X * 2.5 + 100, p.Y * 2.5 + 100)).ToArray();
        var photo = TestImages.Dots(1000, 750, points, PoseSamplerTests.Colours, 15);
        var instance = new PoseInstance(points.Select(p => new Keypoint(p.Item1, p.Item2, Visibility.Visible)).ToArray());
        foreach (var (name, options) in new[] { ("None", AugmentationOptions.None), ("Light", AugmentationOptions.Light), ("Default", AugmentationOptions.Default), ("Heavy", AugmentationOptions.Heavy) })
        {
            var sampler = new PoseSampler(PoseSamplerTests.Newt, 256, 256, options);
            sampler.Sample(photo, instance, new Random(0), augment: true);
            const int n = 10;
            var (wall, cpu) = Time(() => { for (var i = 0; i < n; i++) sampler.Sample(photo, instance, new Random(i), augment: true); });
            output.WriteLine($"{name}: {wall / n:F1} ms wall, {cpu / n:F1} ms CPU per 256x256 sample");
            Assert.True(cpu / n < 500, $"{name}: {cpu / n:F1} ms CPU per sample");
        }
    }

    [Fact]
    public void Reduced_decode_of_a_large_jpeg_is_much_cheaper_than_a_full_one()
    {
        var path = Path.Combine(TestImages.TempFolder(), "large.jpg");
        TestImages.WriteJpeg(path, TestImages.Dots(4000, 3000, [(2000.0, 1500.0)], [(255, 0, 0)], 100), quality: 90);
        ImageLoader.LoadScaled(path, 0.125);
        var (fullWall, fullCpu) = Time(() => ImageLoader.Load(path));
        var (quarterWall, quarterCpu) = Time(() => ImageLoader.LoadScaled(path, 0.25));
        var (fitWall, fitCpu) = Time(() => ImageLoader.Load(path, maxSide: 800));
        output.WriteLine($"4000x3000 JPEG: full {fullWall:F0} ms wall / {fullCpu:F0} ms CPU; 1/4 {quarterWall:F0} / {quarterCpu:F0}; maxSide 800 {fitWall:F0} / {fitCpu:F0}");
        Assert.True(quarterCpu < fullCpu, $"1/4 decode {quarterCpu:F0} ms CPU vs full {fullCpu:F0} ms");
    }

    private static (double WallMs, double CpuMs) Time(Action action)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        action();
        process.Refresh();
        return (watch.Elapsed.TotalMilliseconds, (process.TotalProcessorTime - cpu).TotalMilliseconds);
    }
}
