using System.CommandLine;

namespace NewtPose.Cli;

/// <summary>Every `newtpose` subcommand, one file each under Commands/.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All() =>
    [
        Commands.DoctorCommand.Create(),
        Commands.ModelsCommand.Create(),
    ];
}
