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
        command.SetAction(_ =>
        {
            var width = PoseModels.Names.Max(b => b.Name.Length);
            foreach (var backbone in PoseModels.Names)
                Console.WriteLine($"{backbone.Name.PadRight(width)}  {(backbone.Pretrained ? "ImageNet" : "scratch ")}  {backbone.Description}");
            Console.WriteLine($"heads: {string.Join(", ", PoseModels.Heads)}");
            try
            {
                Console.WriteLine($"ImageNet ResNet18 ONNX: {ImageNetResNet18.LocateOnnx()}; converted weights cached in {ImageNetResNet18.DefaultCacheDirectory()}");
                return 0;
            }
            catch (FileNotFoundException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }
}
