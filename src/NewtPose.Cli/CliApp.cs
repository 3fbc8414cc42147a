using System.CommandLine;
using System.CommandLine.Help;

namespace NewtPose.Cli;

/// <summary>The `newtpose` command line: the root command and the one place that turns a parse error into exit code 2.</summary>
public static class CliApp
{
    /// <summary>The name in usage lines (the assembly is NewtPose.Cli; the installed tool and the docs say newtpose).</summary>
    public const string Name = "newtpose";

    /// <summary>Runs one command line; output and error default to the console.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var configuration = new InvocationConfiguration { Output = output ?? Console.Out, Error = error ?? Console.Error };
        var parse = Root().Parse(args);
        if (parse.Errors.Count == 0) return parse.InvokeAsync(configuration);
        // "Required command was not provided" only repeats what an unknown command's own error says.
        var errors = parse.Errors.Count > 1 ? parse.Errors.Where(e => !e.Message.StartsWith("Required command", StringComparison.Ordinal)) : parse.Errors;
        foreach (var e in errors) configuration.Error.WriteLine($"{Name}: {e.Message}");
        var command = parse.CommandResult.Command;
        configuration.Error.WriteLine($"Usage: `{(command.Name == Name ? Name : $"{Name} {command.Name}")} --help`.");
        return Task.FromResult(ExitCodes.Usage);
    }

    private static Command Root()
    {
        // A plain command named newtpose (a RootCommand takes the executable's name, NewtPose.Cli under `dotnet run`).
        var root = new Command(Name, "NewtPose: animal keypoint (pose) estimation — inspect, convert and split labels, synthesise newts, train and evaluate models. " +
                                     "Exit codes: 0 ok, 1 failed, 2 wrong command line, 3 partly failed, 130 cancelled.");
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption());
        foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
        return root;
    }
}
