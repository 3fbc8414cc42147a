using System.CommandLine;
using NewtPose.Cli;

var root = new RootCommand("NewtPose: animal keypoint (pose) estimation — inspect, convert and split labels, synthesise newts, train and evaluate models.");
foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync();
