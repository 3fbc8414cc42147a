using System.CommandLine;
using NewtPose.Models;
using NewtPose.Models.Backbones;

namespace NewtPose.Cli.Commands;

/// <summary>`newtpose models`: the backbones a spec can name, which start from ImageNet weights, and where those come from.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "List the model backbones and heads.");
        command.SetAction(parse => CommandRunner.Run(parse, (stdout, _) =>
        {
            var width = PoseModels.Names.Max(b => b.Name.Length);
            foreach (var backbone in PoseModels.Names)
                stdout.WriteLine($"{backbone.Name.PadRight(width)}  {(backbone.Pretrained ? "ImageNet" : "scratch ")}  {backbone.Description}");
            stdout.WriteLine($"heads: {string.Join(", ", PoseModels.Heads)}");
            stdout.WriteLine($"ImageNet ResNet18 ONNX: {ImageNetResNet18.LocateOnnx()}; converted weights cached in {ImageNetResNet18.DefaultCacheDirectory()}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
