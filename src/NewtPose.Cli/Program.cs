using System.CommandLine;
using NewtPose.Cli;

var root = new RootCommand("NewtPose: animal keypoint estimation — inspect, convert, split, synthesise, train, evaluate, predict, export.");
foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync();
