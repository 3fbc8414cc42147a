using System.CommandLine;

namespace NewtPose.Tests.Cli;

/// <summary>Runs a `newtpose` command in-process with its output captured.</summary>
internal static class CliRunner
{
    public static (int Exit, string Out, string Error) Run(params string[] args)
    {
        var root = new RootCommand();
        foreach (var command in NewtPose.Cli.CommandCatalog.All()) root.Subcommands.Add(command);
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
