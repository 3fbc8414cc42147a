using System.CommandLine;
using NewtPose.Runtime;

namespace NewtPose.Cli.Commands;

/// <summary>`newtpose doctor`: checks that libtorch loads and computes here, and which device "auto" picks.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Check that libtorch loads and computes on this machine.");
        command.SetAction(_ =>
        {
            try
            {
                var device = TorchRuntime.ResolveDevice();
                Console.WriteLine($"libtorch OK; device auto = {device}; threads = {TorchSharp.torch.get_num_threads()}");
                return 0;
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }
}
