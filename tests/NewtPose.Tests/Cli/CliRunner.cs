namespace NewtPose.Tests.Cli;

/// <summary>Runs a `newtpose` command line in-process, through the same entry point as the tool, with its output captured.</summary>
internal static class CliRunner
{
    public static (int Exit, string Out, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = NewtPose.Cli.CliApp.RunAsync(args, output, error).GetAwaiter().GetResult();
        return (exit, output.ToString(), error.ToString());
    }
}
