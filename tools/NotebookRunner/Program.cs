using System.Diagnostics;
using NewtPose.NotebookRunner;

// Usage: NotebookRunner <notebook.ipynb | folder>... [--out <folder>]
// Each notebook runs in its own child process (a strict check: assemblies one notebook loaded cannot make another pass).
// Exit code 0 when every cell of every notebook ran; 1 on the first failing notebook's error; 2 on bad arguments.
var (inputs, outFolder, single) = RunnerArguments.Parse(args);
if (inputs.Count == 0)
{
    Console.Error.WriteLine("usage: NotebookRunner <notebook.ipynb | folder>... [--out <folder>]");
    return 2;
}

if (single)
{
    // Child mode: run exactly one notebook in this process.
    var run = await NotebookExecutor.RunAsync(inputs[0], outFolder);
    Console.WriteLine(run.Summary);
    return run.Succeeded ? 0 : 1;
}

var notebooks = RunnerArguments.ExpandNotebooks(inputs);
if (notebooks.Count == 0)
{
    Console.Error.WriteLine($"No .ipynb files under {string.Join(", ", inputs)}.");
    return 2;
}

var failed = 0;
foreach (var notebook in notebooks)
{
    var watch = Stopwatch.StartNew();
    var code = await ChildProcess.RunSelfAsync(notebook, outFolder);
    Console.WriteLine($"{Path.GetFileName(notebook)}: {(code == 0 ? "ok" : "FAILED")} in {watch.Elapsed.TotalSeconds:F1} s");
    if (code != 0) failed++;
}
Console.WriteLine(failed == 0 ? $"All {notebooks.Count} notebook(s) ran." : $"{failed} of {notebooks.Count} notebook(s) failed.");
return failed == 0 ? 0 : 1;
