// Inference benchmarks. Modes:
//   speed: img/s of the network through TorchSharp, ONNX Runtime and ML.NET beside the CPU's ceiling (SpeedBench.cs).
if (args.Length > 0 && args[0] == "speed") return SpeedBench.Run(args[1..]);
Console.Error.WriteLine("usage: InferBench speed [--sizes 192,256] [--batches 1,8] [--backbone NAME] [--head heatmap|integral] [--threads N] [--iterations N] [--rounds N] [--engines torch,onnx,onnx-basic,mlnet]");
return 2;
