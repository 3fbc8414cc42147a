using System.Net;
using System.Net.Http.Json;
using NewtPose.Data;
using NewtPose.Data.Formats.Coco;
using NewtPose.Imaging;
using NewtPose.Labeling;
using NewtPose.Tests.Data;

namespace NewtPose.Tests.Labeling;

/// <summary>The server through plain HTTP on a random port: the token, what can be named, saving, resuming, image sizes.</summary>
public class LabelingServerTests
{
    private static HttpClient Client(LabelingServer server, bool token = true)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress };
        if (token) client.DefaultRequestHeaders.Add(LabelingServer.TokenHeader, server.Token);
        return client;
    }

    /// <summary>A request whose path is sent exactly as written ('..' segments and all).</summary>
    private static Task<HttpResponseMessage> Raw(HttpClient client, LabelingServer server, string pathAndQuery) =>
        client.GetAsync(new Uri(server.BaseAddress + pathAndQuery.TrimStart('/'), new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }));

    [Fact]
    public async Task EveryRequest_WithoutTheToken_IsRefused_AndWithIt_IsServed()
    {
        using var folder = new TempFolder();
        var session = LabelingSession.Open(new LabelingOptions(LabelingTestData.TinyNewts(folder)));
        await using var server = await LabelingServer.StartAsync(session);
        Assert.Equal("127.0.0.1", server.BaseAddress.Host);
        using var anonymous = Client(server, token: false);
        foreach (var path in new[] { "", "label.js", "api/dataset", "api/photos/0", "api/photos/0/image?max=64" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(path + (path.Contains('?') ? "&" : "?") + "token=0123")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(path + (path.Contains('?') ? "&" : "?") + "token=" + server.Token)).StatusCode);
        }
        var put = await anonymous.PutAsJsonAsync("api/photos/0", new PhotoUpdate("skipped", []));
        Assert.Equal(HttpStatusCode.Unauthorized, put.StatusCode);
        Assert.False(File.Exists(session.OutputPath));

        // The page links its own script and style with the token.
        using var client = Client(server);
        var page = await client.GetStringAsync("");
        Assert.Contains($"label.js?token={server.Token}", page);
        // Another host name that resolves to this machine (DNS rebinding) is refused even with the token.
        using var rebinding = new HttpRequestMessage(HttpMethod.Get, "api/dataset");
        rebinding.Headers.Host = "evil.example";
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(rebinding)).StatusCode);
    }

    [Fact]
    public async Task OnlyThePhotosOfTheDataset_CanBeAskedFor_ById()
    {
        using var folder = new TempFolder();
        var labels = LabelingTestData.TinyNewts(folder);
        File.WriteAllText(Path.Combine(folder.Path, "secret.txt"), "not for the page");
        var session = LabelingSession.Open(new LabelingOptions(labels));
        await using var server = await LabelingServer.StartAsync(session);
        using var client = Client(server);
        foreach (var path in new[]
                 {
                     "api/photos/8/image", "api/photos/-1/image", "api/photos/99999999999/image", "api/photos/newt_0001.jpg/image",
                     "api/photos/../../secret.txt", "api/photos/0/../../../secret.txt", "api/photos/%2e%2e%2f%2e%2e%2fsecret.txt/image",
                     "../secret.txt", "secret.txt", "annotations.json", "images/newt_0001.jpg", "api/photos/0/image/../../../../annotations.json",
                 })
        {
            var response = await Raw(client, server, path);
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{path}: {response.StatusCode}");
            Assert.DoesNotContain("not for the page", await response.Content.ReadAsStringAsync());
        }
        var image = await client.GetAsync("api/photos/7/image?max=100");
        Assert.Equal("image/jpeg", image.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task APut_SavesAtOnce_ABadOne_ChangesNothing_AndARestartResumes()
    {
        using var folder = new TempFolder();
        var labels = LabelingTestData.TinyNewts(folder);
        var output = Path.Combine(Path.GetDirectoryName(labels)!, "corrected.json");
        var session = LabelingSession.Open(new LabelingOptions(labels, OutputPath: output));
        await using (var server = await LabelingServer.StartAsync(session))
        {
            using var client = Client(server);
            var photo = await client.GetFromJsonAsync<PhotoView>("api/photos/1");
            var points = photo!.Instances[0].Points.Select(p => new PointUpdate(p.X, p.Y, p.V, false)).ToArray();
            points[4] = new PointUpdate(12.5, 20.25, 1, true);
            var saved = await client.PutAsJsonAsync("api/photos/1", new PhotoUpdate("corrected", [new InstanceUpdate(points)]));
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
            var written = PoseData.Load(output).Images[1];
            Assert.Equal(new Keypoint(12.5, 20.25, Visibility.Occluded), written.Instances[0].Keypoints[4]);
            Assert.Equal("corrected", written.Attributes[LabelAttributes.State]);
            var bytes = File.ReadAllBytes(output);

            points[4] = new PointUpdate(12.5, 20.25, 3, true);
            Assert.Equal(HttpStatusCode.BadRequest, (await client.PutAsJsonAsync("api/photos/1", new PhotoUpdate("corrected", [new InstanceUpdate(points)]))).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await client.PutAsJsonAsync("api/photos/1", new PhotoUpdate("done", [new InstanceUpdate(points)]))).StatusCode);
            points[4] = new PointUpdate(12.5, 20.25, 1, true);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsJsonAsync("api/photos/8", new PhotoUpdate("corrected", [new InstanceUpdate(points)]))).StatusCode);
            Assert.Equal(bytes, File.ReadAllBytes(output));
            var dataset = await client.GetFromJsonAsync<DatasetView>("api/dataset");
            Assert.Equal("corrected", dataset!.Photos[1].State);
            Assert.Equal("left", dataset.Sides[1]);
            Assert.Equal("right", dataset.Sides[2]);
            Assert.Equal("centre", dataset.Sides[0]);
            await server.StopAsync();
        }

        var again = LabelingSession.Open(new LabelingOptions(labels, OutputPath: output));
        await using var restarted = await LabelingServer.StartAsync(again);
        using var next = Client(restarted);
        var resumed = await next.GetFromJsonAsync<PhotoView>("api/photos/1");
        Assert.Equal("corrected", resumed!.State);
        Assert.Equal((12.5, 20.25, 1, true), (resumed.Instances[0].Points[4].X, resumed.Instances[0].Points[4].Y, resumed.Instances[0].Points[4].V, resumed.Instances[0].Points[4].Corrected));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp-*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task ALargePhoto_IsSentAtTheSizeAskedFor_NeverLarger()
    {
        using var folder = new TempFolder();
        var pixels = new byte[4000 * 3000 * 3];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i % 251);
        var file = folder.File("big/photos/belly.jpg");
        File.WriteAllBytes(file, ImageEncoding.Jpeg(new RgbImage(4000, 3000, pixels), 80));
        var skeleton = new Skeleton(["snout", "vent"]);
        var labels = Path.Combine(folder.Path, "big", "labels.json");
        CocoFormat.Write(new PoseDataset(skeleton, [new LabeledImage("photos/belly.jpg", 4000, 3000,
            [new PoseInstance([new Keypoint(1000, 800, Visibility.Visible), new Keypoint(3000, 2200, Visibility.Visible)])])], Path.GetDirectoryName(labels)!), labels);
        var session = LabelingSession.Open(new LabelingOptions(labels));
        await using var server = await LabelingServer.StartAsync(session);
        using var client = Client(server);
        foreach (var (max, width, height) in new[] { (1000, 1000, 750), (512, 512, 384), (2048, 2048, 1536), (8192, 4000, 3000) })
        {
            var bytes = await client.GetByteArrayAsync($"api/photos/0/image?max={max}");
            var path = folder.File($"got-{max}.jpg");
            File.WriteAllBytes(path, bytes);
            Assert.Equal((width, height), ImageLoader.ReadSize(path));
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("api/photos/0/image?max=5")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("api/photos/0/image?max=100000")).StatusCode);
    }

    [Fact]
    public async Task RunAsync_StopsWhenCancelled()
    {
        using var folder = new TempFolder();
        var session = LabelingSession.Open(new LabelingOptions(LabelingTestData.TinyNewts(folder)));
        using var cancel = new CancellationTokenSource();
        Uri? url = null;
        var run = LabelingServer.RunAsync(session, 0, u => { url = u; cancel.Cancel(); }, cancel.Token);
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotNull(url);
        using var client = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(url));
    }
}
