return await NewtPose.Cli.CliApp.RunAsync(args);
