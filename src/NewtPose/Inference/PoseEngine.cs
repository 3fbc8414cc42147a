using System.Runtime.ExceptionServices;
using NewtPose.Augmentation;
using NewtPose.Data;
using NewtPose.Evaluation;
using NewtPose.Imaging;
using NewtPose.Models;

namespace NewtPose.Inference;

/// <summary>
/// The one path from a photo file to keypoints, used for every prediction and every honest score:
/// <list type="number">
/// <item>read the upright size (EXIF orientation applied) and decode only as many pixels as the next crop needs (a
/// 4000 px JPEG letterboxed whole into 128 px decodes at 1/8 size);</item>
/// <item>find the animal without labels: pass 1 runs the network on the whole letterboxed photo; the points it places
/// inside the photo with confidence (<see cref="LocatorSettings"/>) give a box. A model with views
/// (<see cref="ModelCard.Views"/>, a multi-view rig) does this per view: on the view's region, with the view's own keypoints;</item>
/// <item>crop around that box with the model's <see cref="CropPolicy"/>, exactly as training cropped around the labels,
/// and run the network again (<see cref="EngineOptions.RefinePasses"/> times, each around the last points), the last
/// pass with the flip test when asked;</item>
/// <item>decode on plain floats (<see cref="PoseDecoder"/>) and map the points back to the photo's pixels.</item>
/// </list>
/// One photo holds one animal (the mission's data: one newt per belly photo; a rig's views each show it once). Not
/// thread-safe: one engine per thread.
/// </summary>
public sealed class PoseEngine : IDisposable
{
    private readonly IPoseBackend _backend;
    private readonly PoseDecoder _decoder;
    private readonly PoseSampler _sampler;

    /// <summary>The TorchSharp backend over the model saved in <paramref name="runFolder"/> (a run folder or any folder with model.json + model.weights).</summary>
    public static PoseEngine Open(string runFolder, EngineOptions? options = null)
    {
        var card = PoseModels.LoadCard(runFolder);
        options = AsScored(options, runFolder);
        var network = PoseModels.Load(runFolder);
        try
        {
            return new PoseEngine(new TorchBackend(network), card, options);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// An ensemble of the models saved in <paramref name="runFolders"/> (<see cref="EnsembleBackend"/>: their raw outputs
    /// averaged), seen through the first one's card. The models must see photos the same way (crop policy, locator,
    /// views, decoding: <see cref="EnsembleDifference"/>) and produce outputs of one meaning; otherwise the error names
    /// both folders and what differs. One folder opens that model alone, as <see cref="Open(string, EngineOptions?)"/>.
    /// </summary>
    public static PoseEngine Open(IReadOnlyList<string> runFolders, EngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runFolders);
        if (runFolders.Count == 0) throw new ArgumentException("No model folder given.", nameof(runFolders));
        if (runFolders.Count == 1) return Open(runFolders[0], options);
        var cards = runFolders.Select(f => PoseModels.LoadCard(f)).ToArray();
        for (var i = 1; i < cards.Length; i++)
        {
            var problem = EnsembleDifference(cards[0], cards[i]);
            if (problem is not null)
                throw new InvalidDataException($"{runFolders[i]} cannot join an ensemble with {runFolders[0]}: {problem}.");
        }
        // The flip test is allowed only if every member learnt from mirrored photos (unknown counts as allowed, as for one model).
        var card = cards[0] with { TrainedWithFlips = cards.Any(c => c.TrainedWithFlips == false) ? false : cards.All(c => c.TrainedWithFlips == true) ? true : null };
        options = AsScored(options, runFolders[0]);
        var members = new List<IPoseBackend>();
        try
        {
            foreach (var folder in runFolders) members.Add(new TorchBackend(PoseModels.Load(folder)));
            return new PoseEngine(new EnsembleBackend(members), card, options);
        }
        catch
        {
            foreach (var member in members) member.Dispose();
            throw;
        }
    }

    /// <summary><paramref name="options"/> with an unset flip test resolved to how the run in <paramref name="runFolder"/> was scored.</summary>
    private static EngineOptions AsScored(EngineOptions? options, string runFolder)
    {
        options ??= new EngineOptions();
        return options.FlipTest is null ? options with { FlipTest = EvaluationSplits.FlipTestOf(runFolder) } : options;
    }

    /// <summary>What keeps two model cards from being one ensemble (how photos are cropped and decoded, the outputs), or null.</summary>
    public static string? EnsembleDifference(ModelCard first, ModelCard other)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(other);
        if (EnsembleBackend.OutputDifference(first.Spec, other.Spec) is { } output) return output;
        static string Json<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value);
        if (Json(first.Crop) != Json(other.Crop)) return $"crop policy {Json(first.Crop)} vs {Json(other.Crop)}";
        if (Json(first.Locator) != Json(other.Locator)) return $"locator {Json(first.Locator)} vs {Json(other.Locator)}";
        if (Json(first.Views) != Json(other.Views)) return "views differ";
        if (first.Decoding != other.Decoding) return $"decoding {first.Decoding} vs {other.Decoding}";
        if (first.RefinementRadius != other.RefinementRadius) return $"refinement radius {first.RefinementRadius} vs {other.RefinementRadius}";
        if (first.PixelConvention != other.PixelConvention) return $"pixel convention {first.PixelConvention} vs {other.PixelConvention}";
        return null;
    }

    /// <summary>An engine over any backend for the model <paramref name="model"/> describes; the engine owns (disposes) the backend.</summary>
    public PoseEngine(IPoseBackend backend, ModelCard model, EngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(model);
        Options = (options ?? new EngineOptions()).Validate();
        Model = model.Validate();
        var (b, m) = (backend.Spec, model.Spec);
        if (b.InputWidth != m.InputWidth || b.InputHeight != m.InputHeight || !b.Keypoints.SequenceEqual(m.Keypoints))
            throw new ArgumentException($"The {backend.Name} backend runs a {b.InputWidth}x{b.InputHeight} model of {b.Keypoints.Count} keypoints; the model card describes {m.InputWidth}x{m.InputHeight} with {m.Keypoints.Count}.", nameof(backend));
        Options = Options with { FlipTest = Options.FlipTest ?? false };
        if (FlipTest && model.TrainedWithFlips == false)
            throw new InvalidOperationException("The flip test was asked for, but this model was trained without flips (its model.json says trained_with_flips: false): " +
                "it has never seen a mirrored animal, so averaging with a mirrored prediction would blur, or swap, its points. Run without the flip test.");
        if (Options.QuarterTurns == true && (m.InputWidth != m.InputHeight || model.PixelConvention != PixelConvention.Continuous))
            throw new InvalidOperationException($"Quarter turns were asked for, but this model's input is {m.InputWidth}x{m.InputHeight}" +
                (model.PixelConvention != PixelConvention.Continuous ? " with the legacy pixel convention" : "") + ": a turned crop must be square, on the continuous cell grid. Run without quarter turns.");
        if (Options.QuarterTurns == true && model.TrainedRotationDegrees < 90)
            throw new InvalidOperationException($"Quarter turns were asked for, but this model was trained with rotations of at most {model.TrainedRotationDegrees:0.#} degrees (its model.json says trained_rotation_degrees): " +
                "it has never seen the animal turned by a quarter, so averaging with turned predictions would blur its points. Run without quarter turns.");
        QuarterTurns = Options.QuarterTurns ?? model.LearntQuarterTurns;
        _backend = backend;
        _decoder = new PoseDecoder(model, Options.OffsetVoting);
        _sampler = new PoseSampler(model.Skeleton(), m.InputWidth, m.InputHeight, AugmentationOptions.None with { Crop = model.Crop });
        _views = model.Views is { Count: > 0 } views ? views.Zip(ViewRegions.Members(views, model.Skeleton()), (v, k) => (v, k)).ToArray() : null;
        _links = Options.LinkViews && _views is not null && _decoder.HasPeaks && model.ViewLinks is { Count: > 0 } links
            ? links.Select(l => (l, ViewRegions.IndexOf(model.Skeleton(), l.First), ViewRegions.IndexOf(model.Skeleton(), l.Second))).ToArray()
            : null;
    }

    /// <summary>A rig's linked keypoints (<see cref="ModelCard.ViewLinks"/>) as index pairs; null when there are none or linking is off.</summary>
    private readonly (ViewLink Link, int First, int Second)[]? _links;

    /// <summary>How many of a linked keypoint's highest heatmap peaks the joint decoding weighs (the argmax among them).</summary>
    private const int LinkCandidates = 5;

    /// <summary>Each view of a multi-view model with the keypoints it owns; null for a model of the whole photo.</summary>
    private readonly (ViewRegion View, int[] Members)[]? _views;

    public ModelCard Model { get; }

    public EngineOptions Options { get; }

    /// <summary>The animal in the photo, found by the model (the honest path: nothing but the pixels is used).</summary>
    public PhotoPrediction Predict(string photoPath, CancellationToken cancellationToken = default) =>
        Single(Jobs(photoPath, null), cancellationToken);

    /// <summary>
    /// The animal cropped around a given box (with the model's crop policy), one pass. ONLY for the figure named "label
    /// crops", where the box comes from the labels: it shows how good the points are once the animal is found.
    /// </summary>
    public PhotoPrediction PredictInBox(string photoPath, BoundingBox box, CancellationToken cancellationToken = default)
    {
        if (_views is not null)
            throw new InvalidOperationException("This model has views: crop each view around its own labels with PredictAroundLabels.");
        return Single([new Job(photoPath, box)], cancellationToken);
    }

    /// <summary>
    /// The animal cropped around its labels, one pass: around its labelled box (else its labelled points) for a model of
    /// the whole photo, around each view's own labelled points for a model with views (a view without any: its region).
    /// ONLY for the figure named "label crops", like <see cref="PredictInBox"/>.
    /// </summary>
    public PhotoPrediction PredictAroundLabels(string photoPath, PoseInstance animal, CancellationToken cancellationToken = default)
    {
        if (_views is null)
            return PredictInBox(photoPath, animal.Box ?? BoundingBox.AroundLabeled(animal.Keypoints)
                ?? throw new ArgumentException($"{photoPath}: the animal has no labelled point to crop around.", nameof(animal)), cancellationToken);
        var photo = new object();
        return Single(_views.Select(v => new Job(photoPath, BoundingBox.AroundLabeled(ViewRegions.Restrict(animal, v.Members).Keypoints), v.View, v.Members, given: true) { Photo = photo }).ToArray(),
            cancellationToken);
    }

    /// <summary>
    /// Predicts the photos in order, <see cref="EngineOptions.BatchSize"/> at a time, yielding each batch's results before
    /// the next batch is read: at most a batch of decoded photos is held, however many photos there are. A photo that
    /// cannot be read (missing, empty, cut short, not an image) yields a result with <see cref="PhotoResult.Error"/> and the
    /// others go on.
    /// </summary>
    public IEnumerable<PhotoResult> PredictMany(IEnumerable<string> photoPaths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(photoPaths);
        var chunk = new List<Job[]>(Options.BatchSize);
        foreach (var path in photoPaths)
        {
            chunk.Add(Jobs(path, null));
            if (chunk.Count < Options.BatchSize) continue;
            foreach (var result in Results(chunk, cancellationToken)) yield return result;
            chunk = new List<Job[]>(Options.BatchSize);
        }
        if (chunk.Count > 0)
            foreach (var result in Results(chunk, cancellationToken)) yield return result;
    }

    /// <summary>How many linked keypoint pairs of a rig this engine decodes jointly (0: none, or <see cref="EngineOptions.LinkViews"/> off).</summary>
    public int LinkedPairs => _links?.Length ?? 0;

    /// <summary>Whether the final pass also runs the mirrored crop (<see cref="EngineOptions.FlipTest"/> resolved, also in <see cref="Options"/>: null is off over a bare backend).</summary>
    public bool FlipTest => Options.FlipTest == true;

    /// <summary>Whether the final pass also runs the crop turned by quarter turns (<see cref="EngineOptions.QuarterTurns"/>, resolved against the model card).</summary>
    public bool QuarterTurns { get; }

    /// <summary>Whether points are read as their peak cells' vote (<see cref="EngineOptions.OffsetVoting"/>, for a head with offsets).</summary>
    public bool OffsetVoting => _decoder.OffsetVoting;

    /// <summary>The backend's name for reports: "torch" or "onnx".</summary>
    public string BackendName => _backend.Name;

    public void Dispose() => _backend.Dispose();

    /// <summary>The jobs of one photo: the whole photo, or one per view (each searching its view's region).</summary>
    private Job[] Jobs(string path, BoundingBox? box)
    {
        if (_views is null) return [new Job(path, box)];
        var photo = new object();
        return _views.Select(v => new Job(path, null, v.View, v.Members) { Photo = photo }).ToArray();
    }

    /// <summary>Runs the photos' jobs together (one network call per pass for all of them) and gives each photo's result.</summary>
    private IEnumerable<PhotoResult> Results(IReadOnlyList<Job[]> photos, CancellationToken cancellationToken)
    {
        Run(photos.SelectMany(p => p).ToArray(), cancellationToken);
        return photos.Select(p =>
        {
            var (prediction, failure) = Merge(p);
            return new PhotoResult(p[0].Path, prediction, failure?.Message);
        }).ToArray();
    }

    private PhotoPrediction Single(Job[] jobs, CancellationToken cancellationToken)
    {
        Run(jobs, cancellationToken);
        var (prediction, failure) = Merge(jobs);
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
        return prediction!;
    }

    /// <summary>
    /// One photo's prediction from its jobs: the one job's, or each keypoint from the view that owns it, the box around
    /// the views' boxes and the score the mean confidence of the merged points.
    /// </summary>
    private static (PhotoPrediction? Prediction, Exception? Failure) Merge(IReadOnlyList<Job> jobs)
    {
        if (jobs.FirstOrDefault(j => j.Failure is not null) is { } failed) return (null, failed.Failure);
        if (jobs.Count == 1) return (jobs[0].Prediction, null);
        if (jobs.Any(j => j.Prediction is null)) return (null, null);
        var first = jobs[0].Prediction!;
        var points = new PredictedKeypoint[first.Keypoints.Count];
        PredictedKeypoint[]? direct = first.Flip is null ? null : new PredictedKeypoint[points.Length], mirrored = first.Flip is null ? null : new PredictedKeypoint[points.Length];
        foreach (var job in jobs)
            foreach (var k in job.Members!)
            {
                points[k] = job.Prediction!.Keypoints[k];
                if (direct is not null && job.Prediction.Flip is { } flip) (direct[k], mirrored![k]) = (flip.Direct[k], flip.Mirrored[k]);
            }
        double minX = jobs.Min(j => j.Prediction!.Box.X), minY = jobs.Min(j => j.Prediction!.Box.Y);
        double maxX = jobs.Max(j => j.Prediction!.Box.X + j.Prediction.Box.Width), maxY = jobs.Max(j => j.Prediction!.Box.Y + j.Prediction.Box.Height);
        return (new PhotoPrediction(first.Path, first.Width, first.Height, points, new BoundingBox(minX, minY, maxX - minX, maxY - minY), points.Average(p => p.Confidence))
        {
            Flip = direct is null ? null : new FlipBranches(direct, mirrored!),
        }, null);
    }

    /// <summary>All passes for a batch of photos; each job ends with a prediction or a failure.</summary>
    private IReadOnlyList<Job> Run(IReadOnlyList<Job> jobs, CancellationToken cancellationToken)
    {
        foreach (var job in jobs) job.Open(_sampler, Model.Crop);
        var given = jobs.Where(j => j.IsGiven).ToArray();
        var found = jobs.Where(j => !j.IsGiven).ToArray();
        if (given.Length > 0) Pass(given, final: true, cancellationToken);
        if (found.Length > 0)
        {
            Pass(found, final: Options.RefinePasses == 0, cancellationToken);
            for (var pass = 1; pass <= Options.RefinePasses; pass++)
            {
                foreach (var job in found) job.Box = Locate(job) ?? job.Region;
                Pass(found, final: pass == Options.RefinePasses, cancellationToken);
            }
        }
        foreach (var job in jobs) job.Finish(Locate(job) ?? job.Area);
        return jobs;
    }

    /// <summary>One network pass over the readable jobs: crop each around its box (null: whole photo), run, decode, map back.</summary>
    private void Pass(IReadOnlyList<Job> jobs, bool final, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var cropped = jobs.Where(j => j.Failure is null).Select(j => (Job: j, Sample: j.Crop(_sampler, Model.Crop))).Where(c => c.Sample is not null).ToArray();
        if (cropped.Length == 0) return;
        var live = cropped.Select(c => c.Job).ToArray();
        var samples = cropped.Select(c => c.Sample!).ToArray();
        var (width, height) = (Model.Spec.InputWidth, Model.Spec.InputHeight);
        var plane = 3 * width * height;
        var pixels = new float[live.Length * plane];
        for (var i = 0; i < live.Length; i++) Array.Copy(samples[i].Chw, 0, pixels, i * plane, plane);

        var direct = _backend.Run(pixels, live.Length);
        var turns = final && QuarterTurns ? 4 : 1;
        if (!(final && (FlipTest || turns > 1)))
        {
            var points = _decoder.Decode(direct);
            for (var i = 0; i < live.Length; i++) live[i].Points = ToPhoto(points[i], samples[i]);
            LinkViews(live, samples, direct, mirroredShare: 0);
            return;
        }
        // The test-time views of the final pass: the crop as it is and turned by quarter turns, each also mirrored with
        // the flip test; every branch is mapped back to the crop's frame and their raw outputs averaged before decoding.
        var directs = new List<RawOutput> { direct };
        var mirrors = new List<RawOutput>();
        for (var q = 0; q < turns; q++)
        {
            var turned = q == 0 ? pixels : PoseDecoder.TurnPixels(pixels, width, q);
            if (q > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                directs.Add(_decoder.Unturn(_backend.Run(turned, live.Length), q));
            }
            if (!FlipTest) continue;
            cancellationToken.ThrowIfCancellationRequested();
            mirrors.Add(_decoder.Unturn(_decoder.Unflip(_backend.Run(PoseDecoder.MirrorPixels(turned, width, height), live.Length)), q));
        }
        var mirroredShare = mirrors.Count == 0 ? 0 : 0.5;
        var average = PoseDecoder.Average([.. directs, .. mirrors]);
        var averaged = _decoder.Decode(average, mirroredShare);
        for (var i = 0; i < live.Length; i++) live[i].Points = ToPhoto(averaged[i], samples[i]);
        if (mirrors.Count > 0)
        {
            var directPoints = _decoder.Decode(PoseDecoder.Average(directs));
            var mirroredPoints = _decoder.Decode(PoseDecoder.Average(mirrors), mirroredShare: 1);
            for (var i = 0; i < live.Length; i++)
                live[i].Flip = new FlipBranches(ToPhoto(directPoints[i], samples[i]), ToPhoto(mirroredPoints[i], samples[i]));
        }
        LinkViews(live, samples, average, mirroredShare);
    }

    /// <summary>
    /// Decodes each linked pair of a rig's keypoints (<see cref="ModelCard.ViewLinks"/>) jointly, per photo, instead of each
    /// at its own argmax: of the few highest peaks of each one's heatmap (<see cref="LinkCandidates"/>), in the view that
    /// owns it, the pair with the highest sum of log-confidences less the cost of the misfit of their shared coordinate
    /// (<see cref="ViewLink.MisfitCost"/> with <see cref="EngineOptions.LinkMisfitNu"/>), in units of the link's spread
    /// widened by a heatmap cell of each view (the points' own quantisation). A pair that
    /// already agrees keeps its argmax points; a side-view paw drawn to the neighbouring paw, while its other view saw the
    /// right one, moves to the peak that agrees.
    /// </summary>
    private void LinkViews(Job[] live, PoseSample[] samples, RawOutput raw, double mirroredShare)
    {
        if (_links is null) return;
        foreach (var photo in Enumerable.Range(0, live.Length).GroupBy(i => live[i].Photo))
        {
            var slot = new Dictionary<int, int>();
            foreach (var i in photo)
                foreach (var k in live[i].Members!) slot[k] = i;
            foreach (var (link, first, second) in _links)
            {
                if (!slot.TryGetValue(first, out var a) || !slot.TryGetValue(second, out var b)) continue;
                var firstCandidates = Candidates(live[a], samples[a], raw, a, first, link.Axis, mirroredShare);
                var secondCandidates = Candidates(live[b], samples[b], raw, b, second, link.Axis, mirroredShare);
                double firstCell = CellFraction(live[a], samples[a], link.Axis), secondCell = link.Slope * CellFraction(live[b], samples[b], link.Axis);
                var spread = Math.Sqrt(link.Spread * link.Spread + firstCell * firstCell + secondCell * secondCell);
                var (bestScore, bestFirst, bestSecond) = (double.NegativeInfinity, firstCandidates[0].Point, secondCandidates[0].Point);
                foreach (var p in firstCandidates)
                foreach (var q in secondCandidates)
                {
                    var misfit = (p.Coordinate - link.Expected(q.Coordinate)) / spread;
                    var score = p.LogConfidence + q.LogConfidence - ViewLink.MisfitCost(misfit, Options.LinkMisfitNu);
                    if (score > bestScore) (bestScore, bestFirst, bestSecond) = (score, p.Point, q.Point);
                }
                live[a].Points![first] = bestFirst;
                live[b].Points![second] = bestSecond;
            }
        }
    }

    /// <summary>A linked keypoint's highest heatmap peaks as points in the photo, each with its log-confidence and its coordinate along the link's axis (a fraction of the photo's side).</summary>
    private (PredictedKeypoint Point, double LogConfidence, double Coordinate)[] Candidates(Job job, PoseSample sample, RawOutput raw, int item, int keypoint, string axis, double mirroredShare) =>
        _decoder.Peaks(raw, item, keypoint, LinkCandidates).Select(cell =>
        {
            var input = _decoder.DecodeAt(raw, item, keypoint, cell, mirroredShare);
            var (x, y) = sample.ToSource.Apply(input.X, input.Y);
            var point = new PredictedKeypoint(x, y, input.Confidence);
            return (point, Math.Log(Math.Max(input.Confidence, 1e-12)), axis == "x" ? x / job.Width : y / job.Height);
        }).ToArray();

    /// <summary>One heatmap cell of a job's crop along <paramref name="axis"/>, as a fraction of the photo's side.</summary>
    private double CellFraction(Job job, PoseSample sample, string axis)
    {
        var stride = Model.Spec.HeatmapStride;
        var (x0, y0) = sample.ToSource.Apply(0, 0);
        var (x1, y1) = axis == "x" ? sample.ToSource.Apply(stride, 0) : sample.ToSource.Apply(0, stride);
        var length = Math.Sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0));
        return axis == "x" ? length / job.Width : length / job.Height;
    }

    private static PredictedKeypoint[] ToPhoto(PredictedKeypoint[] points, PoseSample sample) =>
        points.Select(p =>
        {
            var (x, y) = sample.ToSource.Apply(p.X, p.Y);
            return new PredictedKeypoint(x, y, p.Confidence);
        }).ToArray();

    /// <summary>
    /// The box around the points the last pass placed inside the photo with confidence (at least
    /// <see cref="LocatorSettings.MinPoints"/> of them, the most confident ones); null when none fell inside the photo.
    /// Points in the letterbox border are never used, so an empty border cannot pull the crop. A view's job uses only
    /// its own keypoints placed inside its region, so a view's crop cannot wander into another view.
    /// </summary>
    private BoundingBox? Locate(Job job)
    {
        if (job.Points is null) return null;
        var area = job.Area;
        var own = job.Members is null ? job.Points : job.Members.Select(k => job.Points[k]);
        var inside = own.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y) && p.X >= area.X && p.Y >= area.Y && p.X <= area.X + area.Width && p.Y <= area.Y + area.Height)
            .OrderByDescending(p => p.Confidence).ToArray();
        if (inside.Length == 0) return null;
        var sure = inside.Where(p => p.Confidence >= Model.Locator.MinConfidence).ToArray();
        var chosen = sure.Length >= Model.Locator.MinPoints ? sure : inside.Take(Model.Locator.MinPoints).ToArray();
        double minX = chosen.Min(p => p.X), minY = chosen.Min(p => p.Y), maxX = chosen.Max(p => p.X), maxY = chosen.Max(p => p.Y);
        return new BoundingBox(minX, minY, maxX - minX, maxY - minY);
    }

    /// <summary>
    /// One photo (or one view of it: <paramref name="view"/> and the keypoints it owns) on its way through the passes;
    /// holds its decoded pixels only while its batch runs. A view's job starts from its region instead of the whole photo.
    /// </summary>
    private sealed class Job(string path, BoundingBox? givenBox, ViewRegion? view = null, int[]? members = null, bool given = false)
    {
        public string Path { get; } = path;
        /// <summary>Whether the box is given (a label crop: one pass) rather than found.</summary>
        public bool IsGiven { get; } = given || givenBox is not null;
        public BoundingBox? GivenBox { get; } = givenBox;
        public ViewRegion? View { get; } = view;
        /// <summary>Shared by the jobs of one photo (its views), so linked views are decoded together.</summary>
        public object? Photo { get; init; }
        public int[]? Members { get; } = members;
        /// <summary>The view's region in the photo's pixels (once the size is read); null for the whole photo.</summary>
        public BoundingBox? Region => View?.Rect(Width, Height);
        /// <summary>Where this job looks: its view's region, else the whole photo.</summary>
        public BoundingBox Area => Region ?? new BoundingBox(0, 0, Width, Height);
        public int Width { get; private set; }
        public int Height { get; private set; }
        /// <summary>What the next pass crops around; null = the whole photo.</summary>
        public BoundingBox? Box { get; set; } = givenBox;
        public PredictedKeypoint[]? Points { get; set; }
        public FlipBranches? Flip { get; set; }
        public Exception? Failure { get; private set; }
        public PhotoPrediction? Prediction { get; private set; }
        private ScaledImage? _image;

        /// <summary>Reads the size and decodes the pixels the first crop needs; a file that cannot be read becomes the job's failure.</summary>
        public void Open(PoseSampler sampler, CropPolicy crop)
        {
            try
            {
                (Width, Height) = ImageLoader.ReadSize(Path);
                Box ??= Region;
                _image = ImageLoader.LoadScaled(Path, sampler.Fit(crop.CropFor((Width, Height), Box)), requireComplete: true);
            }
            catch (Exception e) when (IsUnreadable(e))
            {
                Failure = e;
            }
        }

        /// <summary>
        /// The network input around <see cref="Box"/>, decoding the photo finer first when the crop needs more detail than
        /// it has; null (and the job failed) when that decode fails, e.g. the file changed since the first read.
        /// </summary>
        public PoseSample? Crop(PoseSampler sampler, CropPolicy crop)
        {
            try
            {
                var needed = sampler.Fit(crop.CropFor((Width, Height), Box));
                if (_image!.Scale < Math.Min(1.0, needed) * 0.999) _image = ImageLoader.LoadScaled(Path, needed, requireComplete: true);
                return sampler.Crop(_image, (Width, Height), Box);
            }
            catch (Exception e) when (IsUnreadable(e))
            {
                Failure = e;
                Points = null;
                return null;
            }
        }

        private static bool IsUnreadable(Exception e) => e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException;

        public void Finish(BoundingBox found)
        {
            _image = null;
            if (Failure is not null || Points is null) return;
            Prediction = new PhotoPrediction(Path, Width, Height, Points, found, Points.Average(p => p.Confidence)) { Flip = Flip };
        }
    }
}
