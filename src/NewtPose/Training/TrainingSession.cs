using System.Diagnostics;
using NewtPose.Data;
using NewtPose.Evaluation;
using NewtPose.Inference;
using NewtPose.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NewtPose.Training;

/// <summary>The phases of one run: epoch, validation, checkpoint, final evaluation. Each is short; the loop only sequences them.</summary>
internal sealed class TrainingSession(
    TrainingOptions options, PoseNetwork network, ModelCard card, OptimizerHelper optimizer, RunFolder run, SplitItems data, PoseDataset dataset,
    PipelineSettings trainSettings, IProgress<TrainingEvent>? progress, CancellationToken cancellationToken)
{
    private readonly int stepsPerEpoch = (data.Train.Count + options.BatchSize - 1) / options.BatchSize;
    private readonly Device device = ModelInput.DeviceOf(network);

    /// <summary>AdamW with two parameter groups: the backbone (index 0) at a lower rate, the head (index 1) at the base rate.</summary>
    public static OptimizerHelper BuildOptimizer(PoseNetwork network, TrainingOptions options)
    {
        var groups = new[]
        {
            new AdamW.ParamGroup(network.BackboneParameters(), options.LearningRate * options.BackboneLearningRateFactor, weight_decay: options.WeightDecay),
            new AdamW.ParamGroup(network.HeadParameters(), options.LearningRate, weight_decay: options.WeightDecay),
        };
        return optim.AdamW(groups, options.LearningRate, weight_decay: options.WeightDecay);
    }

    public TrainingState TrainEpochs(TrainingState state)
    {
        while (state.Epoch < options.ScheduledEpochs && !state.StoppedEarly)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var epoch = state.Epoch + 1;
            var watch = Stopwatch.StartNew();
            var (loss, imagesPerSecond) = TrainEpoch(epoch);
            var validation = data.Validation.Count > 0 ? EvaluateLabelCrops(data.Validation) : null;
            var rates = Rates(epoch, stepsPerEpoch - 1);
            var record = new EpochRecord(epoch, loss, rates.Head, rates.Backbone,
                validation?.Overall, watch.Elapsed.TotalSeconds, imagesPerSecond);
            state = state.After(record, options.EarlyStoppingPatience);
            WriteCheckpoints(state, record);
            if (state.StoppedEarly) progress?.Report(new EarlyStopped(epoch, state.BestEpoch, state.BestError));
        }
        return state;
    }

    private (double Loss, double ImagesPerSecond) TrainEpoch(int epoch)
    {
        network.train();
        var frozen = epoch <= options.FreezeBackboneEpochs;
        // A frozen backbone keeps its BatchNorm statistics too, or its features would still drift.
        if (options.FreezeBackboneNormalization || frozen) network.FreezeBackboneNormalization();
        foreach (var p in network.BackboneParameters()) p.requires_grad = !frozen;
        progress?.Report(new EpochStarted(epoch, options.ScheduledEpochs, stepsPerEpoch, Rates(epoch, 0).Head, frozen));

        var order = Enumerable.Range(0, data.Train.Count).ToArray();
        new Random(Seeds.Derive(options.Seed, epoch, -1)).Shuffle(order);
        var watch = Stopwatch.StartNew();
        double lossSum = 0;
        var seen = 0;
        foreach (var batch in BatchPipeline.Run(data.Train, order, epoch, trainSettings, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var loss = Step(epoch, batch);
            lossSum += loss * batch.Samples.Length;
            seen += batch.Samples.Length;
            progress?.Report(new BatchCompleted(epoch, batch.Index + 1, stepsPerEpoch, loss, seen / watch.Elapsed.TotalSeconds));
        }
        return (lossSum / seen, seen / watch.Elapsed.TotalSeconds);
    }

    /// <summary>One optimizer step; everything it allocates is freed by the dispose scope, so memory stays flat.</summary>
    private double Step(int epoch, PreparedBatch batch)
    {
        var rates = Rates(epoch, batch.Index);
        var groups = optimizer.ParamGroups.ToArray();
        groups[0].LearningRate = rates.Backbone;
        groups[1].LearningRate = rates.Head;

        using var scope = NewDisposeScope();
        var b = batch.Samples.Length;
        var k = network.Spec.Keypoints.Count;
        var input = ModelInput.ToTensor(batch.Pixels, b, network.Spec, device);
        var keypoints = tensor(batch.Keypoints, [b, k, 2]).to(device);
        var weights = tensor(batch.Weights, [b, k]).to(device);
        var loss = network.Loss(network.forward(input), keypoints, weights);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        var value = loss.item<float>();
        if (!float.IsFinite(value))
            throw new InvalidOperationException($"Training diverged at epoch {epoch}, batch {batch.Index + 1}: the loss is {value}. Lower the learning rate; checkpoints/last.ckpt holds the last good epoch.");
        return value;
    }

    /// <summary>The head and backbone rates at a step; the backbone's is 0 while it is frozen.</summary>
    private (double Head, double Backbone) Rates(int epoch, int step)
    {
        var head = options.LearningRate * LearningRateSchedule.Factor(options, epoch, step, stepsPerEpoch);
        return (head, epoch <= options.FreezeBackboneEpochs ? 0 : head * options.BackboneLearningRateFactor);
    }

    /// <summary>
    /// The per-epoch validation: each animal cropped around its own labels (label crops, the training sampler without
    /// augmentation, batched: fast) and scored in the pixels of its photo. Optimistic next to the found-crop figure of
    /// <see cref="Finish"/>; metrics.csv and the console name it as label crops.
    /// </summary>
    private EvaluationReport EvaluateLabelCrops(IReadOnlyList<TrainingItem> items)
    {
        var settings = trainSettings with { Augment = false };
        var cases = new List<EvaluationCase>(items.Count);
        foreach (var batch in BatchPipeline.Run(items, Enumerable.Range(0, items.Count).ToArray(), 0, settings, cancellationToken))
        {
            var predictions = PosePredictor.PredictBatch(network, batch.Pixels, batch.Samples, options.FlipTest);
            for (var i = 0; i < predictions.Length; i++)
                cases.Add(new EvaluationCase(batch.Items[i].Instance.Keypoints, predictions[i].Keypoints, batch.Items[i].Instance.Box));
        }
        return KeypointMetrics.Evaluate(network.Spec.Keypoints, cases);
    }

    private void WriteCheckpoints(TrainingState state, EpochRecord record)
    {
        var written = new List<Checkpointed>();
        if (state.BestEpoch == record.Epoch)
        {
            // The best epoch is kept as the plain model (no optimizer state: a resume continues from last.ckpt), so a run
            // folder, even a killed one, loads with PoseModels.Load(run folder).
            PoseModels.Save(network, run.Path, card: card);
            written.Add(new Checkpointed(record.Epoch, CheckpointKind.Best, run.ModelWeights));
        }
        if (options.CheckpointEveryEpoch || record.Epoch == options.ScheduledEpochs || state.StoppedEarly)
        {
            Checkpoint.Save(run.LastCheckpoint, network, optimizer, state);
            written.Add(new Checkpointed(record.Epoch, CheckpointKind.Last, run.LastCheckpoint));
        }
        run.WriteMetrics(state.History, final: null);
        var v = record.Validation;
        run.Log($"epoch {record.Epoch}/{options.ScheduledEpochs} loss {record.TrainLoss:G5} lr {record.LearningRate:G3} " +
                (v is null ? "" : $"val (label crops) {MetricColumns.Summary(v)} ") +
                $"{record.ImagesPerSecond:F1} img/s {record.Seconds:F1} s" + (state.StoppedEarly ? $"; early stop (best epoch {state.BestEpoch})" : ""));
        progress?.Report(new EpochCompleted(record));
        foreach (var c in written) progress?.Report(c);
    }

    /// <summary>
    /// Scores the best weights on the test images (else validation, else train) the way a new photo is processed: the
    /// network with its model card through the <see cref="PoseEngine"/> and <see cref="PoseEvaluator"/> (the animal found by the
    /// model), with the label-crop figure beside it; writes the final metrics.json.
    /// </summary>
    public TrainingResult Finish(TrainingState state)
    {
        if (File.Exists(run.ModelWeights)) network.load(run.ModelWeights);
        var (items, name) = data.Test.Count > 0 ? (data.Test, "test") : data.Validation.Count > 0 ? (data.Validation, "validation") : (data.Train, "train");
        double? bestValidation = data.Validation.Count > 0 && double.IsFinite(state.BestError) ? state.BestError : null;
        var result = PoseModels.Heads.Contains(network.Spec.Head) ? FinishFound(state, items, name, bestValidation) : FinishOnLabelCrops(state, items, name, bestValidation);
        progress?.Report(new Finished(result));
        return result;
    }

    private TrainingResult FinishFound(TrainingState state, IReadOnlyList<TrainingItem> items, string name, double? bestValidation)
    {
        var images = items.Select(i => i.Image).DistinctBy(i => i.Path).ToArray();
        PoseEvaluation evaluation;
        using (var engine = new PoseEngine(new LentBackend(network), card, new EngineOptions { FlipTest = options.FlipTest, BatchSize = options.BatchSize }))
            evaluation = new PoseEvaluator(engine).Evaluate(dataset, images, name, cancellationToken: cancellationToken);
        run.WriteMetrics(state.History, RunFolder.FinalJson(EvaluationReportJson.ToJsonObject(evaluation), state.BestEpoch));
        run.Log($"finished after epoch {state.Epoch}: best epoch {state.BestEpoch}; {name}, animal found by the model: {MetricColumns.Summary(evaluation.Found.Overall)}" +
                (evaluation.LabelCrops is { } l ? $"; {EvaluationCrops.Label}: {MetricColumns.Summary(l.Overall)}" : ""));
        return new TrainingResult(run.Path, state.Epoch, state.BestEpoch, bestValidation, state.StoppedEarly, name, evaluation.Found)
        {
            History = state.History, FinalLabelCrops = evaluation.LabelCrops, Evaluation = evaluation,
        };
    }

    /// <summary>
    /// A caller's own network whose head the inference engine cannot decode (it decodes the registry's heads only) is
    /// scored on label crops, and metrics.json, the log and the result say so (<see cref="TrainingResult.FinalCrop"/>).
    /// </summary>
    private TrainingResult FinishOnLabelCrops(TrainingState state, IReadOnlyList<TrainingItem> items, string name, double? bestValidation)
    {
        var report = EvaluateLabelCrops(items);
        var why = $"the inference engine decodes the heads {string.Join(", ", PoseModels.Heads)}; this network's head '{network.Spec.Head}' is scored on label crops only";
        var json = EvaluationReportJson.ToJsonObject(report, EvaluationCrops.Label);
        json.Insert(0, "split", name);
        json.Insert(1, "flip_test", options.FlipTest);
        json.Insert(3, "crop_note", why);
        run.WriteMetrics(state.History, RunFolder.FinalJson(json, state.BestEpoch));
        run.Log($"finished after epoch {state.Epoch}: best epoch {state.BestEpoch}; {name} ({EvaluationCrops.Label}: {why}) {MetricColumns.Summary(report.Overall)}");
        return new TrainingResult(run.Path, state.Epoch, state.BestEpoch, bestValidation, state.StoppedEarly, name, report)
        {
            History = state.History, FinalCrop = EvaluationCrops.Label,
        };
    }

    /// <summary>The trainer's network lent to the engine for the final evaluation: the trainer, not the engine, disposes it.</summary>
    private sealed class LentBackend(PoseNetwork network) : IPoseBackend
    {
        private readonly TorchBackend inner = new(network);
        public PoseModelSpec Spec => inner.Spec;
        public string Name => inner.Name;
        public RawOutput Run(float[] pixels, int batch) => inner.Run(pixels, batch);
        public void Dispose() { } // the network belongs to the trainer (Trainer.Run disposes it)
    }
}
