using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NewtPose.Imaging;

namespace NewtPose.Labeling;

/// <summary>
/// The local web server behind <c>newtpose label</c>: Kestrel on 127.0.0.1 only, a random session token that every request
/// (page, API, images) must carry as <c>?token=</c> or the <see cref="TokenHeader"/> header (none: 401, wrong: 403), and
/// photos named by id, so no part of a request ever reaches the file system as a path.
/// </summary>
public sealed class LabelingServer : IAsyncDisposable
{
    public const string TokenHeader = "X-NewtPose-Token";
    /// <summary>The largest side a photo is sent at; the page asks for what its view needs.</summary>
    public const int MaxImageSide = 16384;

    private readonly WebApplication _app;

    private LabelingServer(WebApplication app, Uri baseAddress, string token)
    {
        _app = app;
        BaseAddress = baseAddress;
        Token = token;
    }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseAddress { get; }
    public string Token { get; }
    /// <summary>The page's address, token included: what the user opens.</summary>
    public Uri Url => new(BaseAddress, "?token=" + Token);

    /// <summary>Serves <paramref name="session"/> until <paramref name="cancellationToken"/> is cancelled (Ctrl+C), then stops;
    /// <paramref name="started"/> gets the page's address once the port is open.</summary>
    public static async Task RunAsync(LabelingSession session, int port, Action<Uri> started, CancellationToken cancellationToken)
    {
        await using var server = await StartAsync(session, port, cancellationToken);
        started(server.Url);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, server.Stopping);
        try { await Task.Delay(Timeout.Infinite, either.Token); }
        catch (OperationCanceledException) { }
        await server.StopAsync();
    }

    /// <summary>Starts serving on 127.0.0.1:<paramref name="port"/> (0: a free port chosen by the system).</summary>
    public static async Task<LabelingServer> StartAsync(LabelingSession session, int port = 0, CancellationToken cancellationToken = default)
    {
        if (port is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "--port: expected 0..65535 (0: a free port).");
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        // The caller's CancellationToken decides when to stop (the CLI's is Ctrl+C): the host must not take the signals itself.
        builder.Services.AddSingleton<IHostLifetime, CallerLifetime>();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict);
        var app = builder.Build();
        app.Use((context, next) => Guard(context, next, token));
        Map(app, session, token);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var bound = new Uri(address);
        return new LabelingServer(app, new Uri($"http://127.0.0.1:{bound.Port}/"), token);
    }

    /// <summary>Cancelled when the server begins to stop.</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>Refuses a request without the session token (401) or with a wrong one (403), and one addressed to a host
    /// other than the loopback (403: a page elsewhere that resolves its own name to 127.0.0.1 is not served).</summary>
    private static Task Guard(HttpContext context, RequestDelegate next, string token)
    {
        var host = context.Request.Host.Host;
        if (host is not ("127.0.0.1" or "localhost")) return Refuse(context, StatusCodes.Status403Forbidden, "this server answers only on 127.0.0.1.");
        var given = context.Request.Headers[TokenHeader].FirstOrDefault() ?? context.Request.Query["token"].FirstOrDefault();
        if (string.IsNullOrEmpty(given)) return Refuse(context, StatusCodes.Status401Unauthorized, "the session token is missing: open the address `newtpose label` printed.");
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token)))
            return Refuse(context, StatusCodes.Status403Forbidden, "wrong session token: open the address `newtpose label` printed.");
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        return next(context);
    }

    private static Task Refuse(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsync(message);
    }

    private static void Map(WebApplication app, LabelingSession session, string token)
    {
        // The page's own asset links carry the token too; it is hex, so it needs no escaping in the HTML.
        app.MapGet("/", () => Page("index.html", "text/html; charset=utf-8", html => html.Replace("{{TOKEN}}", token)));
        app.MapGet("/label.js", () => Page("label.js", "text/javascript; charset=utf-8"));
        app.MapGet("/label.css", () => Page("label.css", "text/css; charset=utf-8"));
        app.MapGet("/api/dataset", () => Results.Json(LabelingApi.Dataset(session)));
        app.MapGet("/api/photos/{id:int}", (int id) => Answer(() => Results.Json(LabelingApi.Photo(session, id))));
        app.MapPut("/api/photos/{id:int}", (int id, PhotoUpdate update) => Answer(() => Results.Json(LabelingApi.Update(session, id, update))));
        app.MapGet("/api/photos/{id:int}/image", (int id, int? max) => Answer(() =>
        {
            var side = max ?? 2048;
            if (side is < 16 or > MaxImageSide) return Results.BadRequest($"max {side}: expected 16..{MaxImageSide} pixels.");
            var file = session.ImageFile(id);
            if (!File.Exists(file)) return Results.NotFound($"the file of photo {id} is missing.");
            var jpeg = ImageEncoding.Jpeg(ImageLoader.Load(file, side).Image, 90);
            // The browser keeps each size it was sent, so going back to a photo costs no second decode.
            return Results.Bytes(jpeg, "image/jpeg", lastModified: null, entityTag: null)
                .WithHeader("Cache-Control", "private, max-age=3600");
        }));
    }

    private static IResult Answer(Func<IResult> answer)
    {
        try { return answer(); }
        catch (KeyNotFoundException e) { return Results.NotFound(e.Message); }
        catch (ArgumentException e) { return Results.BadRequest(e.Message); }
        catch (InvalidDataException e) { return Results.Problem(e.Message, statusCode: StatusCodes.Status422UnprocessableEntity); }
    }

    private static IResult Page(string name, string contentType, Func<string, string>? fill = null)
    {
        using var stream = typeof(LabelingServer).Assembly.GetManifestResourceStream("NewtPose.Labeling.Page." + name)
            ?? throw new InvalidOperationException($"The page asset {name} is not embedded in {typeof(LabelingServer).Assembly.GetName().Name}.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var bytes = fill is null ? memory.ToArray() : Encoding.UTF8.GetBytes(fill(Encoding.UTF8.GetString(memory.ToArray())));
        return Results.Bytes(bytes, contentType).WithHeader("Cache-Control", "no-store");
    }
}

/// <summary>A host lifetime that leaves Ctrl+C and SIGTERM to the caller's CancellationToken.</summary>
internal sealed class CallerLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static class ResultHeaders
{
    /// <summary>Adds a response header to a result.</summary>
    public static IResult WithHeader(this IResult result, string name, string value) => new HeaderResult(result, name, value);

    private sealed class HeaderResult(IResult inner, string name, string value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
