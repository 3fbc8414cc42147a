using System.CommandLine;

namespace NewtPose.Cli;

/// <summary>Every `newtpose` subcommand, one file each under Commands/.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All() =>
    [
        Commands.DoctorCommand.Create(),
        Commands.InspectCommand.Create(),
        Commands.ConvertCommand.Create(),
        Commands.SplitCommand.Create(),
        Commands.SynthCommand.Create(),
        Commands.ModelsCommand.Create(),
        Commands.TrainCommand.Create(),
        Commands.CompareCommand.Create(),
        Commands.ExportCommand.Create(),
        Commands.DemoCommand.Create(),
        Commands.LabelCommand.Create(),
        Commands.EvaluateCommand.Create(),
        Commands.PredictCommand.Create(),
        Commands.SuggestCommand.Create(),
        Commands.MergeCommand.Create(),
    ];
}
