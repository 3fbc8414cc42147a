using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace NewtPose.NotebookRunner;

/// <summary>
/// Turns kernel events into a cell's Jupyter outputs. A display that is later updated (a live chart) keeps its place
/// and ends with its last state, as Jupyter's update_display_data does, even when a later cell updates it.
/// </summary>
internal sealed class CellOutputs(InteractiveDocumentElement cell, Dictionary<string, (InteractiveDocumentElement Cell, int Index)> displays)
{

    public void Add(KernelEvent e)
    {
        switch (e)
        {
            case DisplayedValueUpdated updated when updated.ValueId is not null && displays.TryGetValue(updated.ValueId, out var shown):
                shown.Cell.Outputs[shown.Index] = new DisplayElement(Data(updated.FormattedValues));
                break;
            case ReturnValueProduced returned:
                var element = new ReturnValueElement { ExecutionOrder = cell.ExecutionOrder };
                foreach (var (mime, value) in Data(returned.FormattedValues)) element.Data[mime] = value;
                cell.Outputs.Add(element);
                break;
            case DisplayedValueProduced displayed:
                if (displayed.ValueId is not null) displays[displayed.ValueId] = (cell, cell.Outputs.Count);
                cell.Outputs.Add(new DisplayElement(Data(displayed.FormattedValues)));
                break;
            case StandardOutputValueProduced stdout:
                AddText("stdout", Text(stdout.FormattedValues));
                break;
            case StandardErrorValueProduced stderr:
                AddText("stderr", Text(stderr.FormattedValues));
                break;
            case CommandFailed failed:
                cell.Outputs.Add(new ErrorElement(failed.Message, "Error", failed.Exception?.StackTrace?.Split('\n') ?? []));
                break;
        }
    }

    private void AddText(string stream, string text)
    {
        // Consecutive writes to one stream become one output, as in Jupyter.
        if (cell.Outputs.Count > 0 && cell.Outputs[^1] is TextElement last && last.Name == stream)
            cell.Outputs[^1] = new TextElement(last.Text + text, stream);
        else
            cell.Outputs.Add(new TextElement(text, stream));
    }

    private static Dictionary<string, object> Data(IEnumerable<FormattedValue> values) =>
        values.GroupBy(v => v.MimeType).ToDictionary(g => g.Key, g => (object)g.First().Value);

    private static string Text(IEnumerable<FormattedValue> values) =>
        values.FirstOrDefault(v => v.MimeType == "text/plain")?.Value ?? values.FirstOrDefault()?.Value ?? "";
}
