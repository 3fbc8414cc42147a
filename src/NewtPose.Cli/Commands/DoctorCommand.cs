using System.CommandLine;
using NewtPose.Runtime;

namespace NewtPose.Cli.Commands;

/// <summary>`newtpose doctor`: checks that libtorch loads and computes here, and which device "auto" picks.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Check that libtorch loads and computes on this machine.");
        command.SetAction(parse => CommandRunner.Run(parse, (stdout, _) =>
        {
            var device = TorchRuntime.ResolveDevice();
            stdout.WriteLine($"libtorch OK; device auto = {device}; threads = {TorchSharp.torch.get_num_threads()}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
