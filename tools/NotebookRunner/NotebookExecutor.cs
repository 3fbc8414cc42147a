using System.Diagnostics;
using System.Reflection;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace NewtPose.NotebookRunner;

/// <summary>The outcome of one notebook: which cell failed (1-based, counting every cell, markdown included) and why.</summary>
internal sealed record NotebookRun(string Notebook, string OutputPath, int CellCount, int? FailedCell, string? Error, TimeSpan Elapsed)
{
    public bool Succeeded => FailedCell is null;

    public string Summary => Succeeded
        ? $"{Path.GetFileName(Notebook)}: {CellCount} cells ran in {Elapsed.TotalSeconds:F1} s -> {OutputPath}"
        : $"{Path.GetFileName(Notebook)}: cell {FailedCell} failed: {Error} (executed notebook with outputs: {OutputPath})";
}

/// <summary>
/// Runs one .ipynb cell by cell in an in-process C# kernel, as the official kernel would, and writes the notebook
/// back with its outputs. The working folder is the notebook's folder, so relative paths in cells (#r, #load, files)
/// resolve as they do in VS Code and Jupyter.
/// </summary>
internal static class NotebookExecutor
{
    private static readonly KernelInfoCollection Kernels = CreateKernelInfos();

    public static async Task<NotebookRun> RunAsync(string notebookPath, string outFolder)
    {
        notebookPath = Path.GetFullPath(notebookPath);
        var watch = Stopwatch.StartNew();
        InteractiveDocument document;
        await using (var stream = File.OpenRead(notebookPath))
            document = Notebook.Read(stream, Kernels);

        Directory.SetCurrentDirectory(Path.GetDirectoryName(notebookPath)!);
        using var kernel = CreateKernel();
        int? failedCell = null;
        string? error = null;
        var executionCount = 0;
        var displays = new Dictionary<string, (InteractiveDocumentElement Cell, int Index)>();
        for (var i = 0; i < document.Elements.Count && failedCell is null; i++)
        {
            var cell = document.Elements[i];
            if (cell.KernelName is "markdown" or "md" || string.IsNullOrWhiteSpace(cell.Contents)) continue;
            if (cell.KernelName is not ("csharp" or "C#" or "c#"))
            {
                failedCell = i + 1;
                error = $"the cell's kernel is '{cell.KernelName}'; the runner runs C# cells only.";
                break;
            }
            cell.Outputs.Clear();
            cell.ExecutionOrder = ++executionCount;
            var result = await kernel.SendAsync(new SubmitCode(cell.Contents, "csharp"));
            var outputs = new CellOutputs(cell, displays);
            foreach (var e in result.Events)
            {
                if (e is CommandFailed failed && failedCell is null)
                {
                    failedCell = i + 1;
                    error = failed.Message.Split('\n')[0].Trim();
                }
                outputs.Add(e);
            }
        }

        var outputPath = Path.Combine(outFolder, Path.GetFileName(notebookPath));
        Write(document, outputPath);
        return new NotebookRun(notebookPath, outputPath, document.Elements.Count, failedCell, error, watch.Elapsed);
    }

    private static CompositeKernel CreateKernel()
    {
        var csharp = new CSharpKernel()
            .UseNugetDirective(async (k, packages) =>
            {
                k.AddAssemblyReferences(packages.SelectMany(p => p.AssemblyPaths));
                foreach (var package in packages) await LoadKernelExtensionsAsync(package, k);
            })
            .UseKernelHelpers()
            .UseValueSharing();
        var composite = new CompositeKernel { csharp };
        composite.DefaultKernelName = csharp.Name;
        return composite;
    }

    /// <summary>
    /// The official kernel runs the IKernelExtension of a package that ships interactive-extensions/dotnet (that is how a
    /// package registers its formatters); an in-process kernel does not, so the runner does it here.
    /// </summary>
    private static async Task LoadKernelExtensionsAsync(ResolvedPackageReference package, Kernel kernel)
    {
        var folder = Path.Combine(package.PackageRoot, "interactive-extensions", "dotnet");
        if (!Directory.Exists(folder)) return;
        foreach (var dll in Directory.GetFiles(folder, "*.dll"))
        {
            var assembly = Assembly.LoadFrom(dll);
            foreach (var type in assembly.GetExportedTypes().Where(t => typeof(IKernelExtension).IsAssignableFrom(t) && !t.IsAbstract))
                await ((IKernelExtension)Activator.CreateInstance(type)!).OnLoadAsync(kernel);
        }
    }

    private static void Write(InteractiveDocument document, string outputPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(outputPath)!);
        // Temp file + rename: a reader never sees a half-written notebook.
        var temp = outputPath + ".tmp";
        using (var stream = File.Create(temp))
            Notebook.Write(document, stream, Kernels);
        File.Move(temp, outputPath, overwrite: true);
    }

    private static KernelInfoCollection CreateKernelInfos() => new()
    {
        new Microsoft.DotNet.Interactive.Documents.KernelInfo("csharp", "C#", ["c#", "C#"]),
        new Microsoft.DotNet.Interactive.Documents.KernelInfo("markdown", "Markdown", ["md"]),
    };
}
