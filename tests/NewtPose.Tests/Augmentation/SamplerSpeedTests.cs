using System.Diagnostics;
using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Imaging;
using NewtPose.Tests.Imaging;
using Xunit.Abstractions;

namespace NewtPose.Tests.Augmentation;

public class SamplerSpeedTests(ITestOutputHelper output)
{
    /// <summary>Timing report (loose bound only: the machine is shared). A 1000×750 decoded photo, 256² samples.</summary>
    [Fact]
    public void A_256_sample_from_a_decoded_photo_takes_milliseconds()
    {
        var points = PoseSamplerTests.Points.Select(p => (p.X * 2.5 + 100, p.Y * 2.5 + 100)).ToArray();
        var photo = TestImages.Dots(1000, 750, points, PoseSamplerTests.Colours, 15);
        var instance = new PoseInstance(points.Select(p => new Keypoint(p.Item1, p.Item2, Visibility.Visible)).ToArray());
        var results = new List<string>();
        foreach (var (name, options) in new[] { ("None", AugmentationOptions.None), ("Light", AugmentationOptions.Light), ("Default", AugmentationOptions.Default), ("Heavy", AugmentationOptions.Heavy) })
        {
            var sampler = new PoseSampler(PoseSamplerTests.Newt, 256, 256, options);
            for (var i = 0; i < 3; i++) sampler.Sample(photo, instance, new Random(i), augment: true);
            const int n = 20;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < n; i++) sampler.Sample(photo, instance, new Random(i), augment: true);
            var ms = watch.Elapsed.TotalMilliseconds / n;
            var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / n;
            results.Add($"{name}: {ms:F1} ms wall, {cpuMs:F1} ms CPU (process) per 256x256 sample");
            Assert.True(ms < 500, $"{name}: {ms:F1} ms per sample");
        }
        foreach (var r in results) output.WriteLine(r);
    }
}
