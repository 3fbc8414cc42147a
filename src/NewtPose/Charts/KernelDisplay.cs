using System.Reflection;

namespace NewtPose.Charts;

/// <summary>
/// Shows an HTML output in the running .NET Interactive kernel and replaces it later, found by name so the library
/// needs no kernel package. Why not <c>display(x).Update(x)</c>: in the served kernel (1.0.0-beta.26120.1 and the
/// dotnet-interactive tool 1.0.712001) the first output carries a different id from the one its updates carry, so
/// updates never land (measured in both notebook paths). Publishing both events here with one id works in both.
/// </summary>
internal sealed class KernelDisplay
{
    private readonly string id = Guid.NewGuid().ToString("N");
    private readonly KernelTypes types;

    private KernelDisplay(KernelTypes types) => this.types = types;

    /// <summary>True inside a running cell of a .NET Interactive kernel (where <see cref="Show"/> displays something).</summary>
    public static bool IsAvailable => KernelTypes.Find()?.CurrentContext() is not null;

    /// <summary>Displays <paramref name="html"/> in the current cell; null when no kernel is running (a plain program).</summary>
    public static KernelDisplay? Show(object value, string html)
    {
        var types = KernelTypes.Find();
        if (types is null || types.CurrentContext() is null) return null;
        var display = new KernelDisplay(types);
        display.Publish(types.Produced, value, html, (command, values) => [value, command, values, display.id]);
        return display;
    }

    /// <summary>Replaces the output (wherever it is in the notebook) with <paramref name="html"/>.</summary>
    public void Update(object value, string html) =>
        Publish(types.Updated, value, html, (command, values) => [value, id, command, values]);

    private void Publish(Type eventType, object value, string html, Func<object, Array, object[]> arguments)
    {
        var context = types.CurrentContext();
        if (context is null) return; // the cell that showed it has ended and no other is running
        var command = types.ContextCommand.GetValue(context)!;
        var values = Array.CreateInstance(types.FormattedValue, 1);
        values.SetValue(Activator.CreateInstance(types.FormattedValue, "text/html", html), 0);
        types.Publish.Invoke(context, [Activator.CreateInstance(eventType, arguments(command, values))]);
    }

    private sealed record KernelTypes(Type Produced, Type Updated, Type FormattedValue, PropertyInfo Current, PropertyInfo ContextCommand, MethodInfo Publish)
    {
        public object? CurrentContext() => Current.GetValue(null);

        public static KernelTypes? Find()
        {
            var assemblies = AppDomain.CurrentDomain.GetAssemblies();
            var kernel = assemblies.FirstOrDefault(a => a.GetName().Name == "Microsoft.DotNet.Interactive");
            var formatting = assemblies.FirstOrDefault(a => a.GetName().Name == "Microsoft.DotNet.Interactive.Formatting");
            var context = kernel?.GetType("Microsoft.DotNet.Interactive.KernelInvocationContext");
            var produced = kernel?.GetType("Microsoft.DotNet.Interactive.Events.DisplayedValueProduced");
            var updated = kernel?.GetType("Microsoft.DotNet.Interactive.Events.DisplayedValueUpdated");
            var formatted = formatting?.GetType("Microsoft.DotNet.Interactive.Formatting.FormattedValue");
            var current = context?.GetProperty("Current", BindingFlags.Public | BindingFlags.Static);
            var command = context?.GetProperty("Command", BindingFlags.Public | BindingFlags.Instance);
            var publish = context?.GetMethods().FirstOrDefault(m => m.Name == "Publish" && m.GetParameters().Length == 1);
            if (produced is null || updated is null || formatted is null || current is null || command is null || publish is null) return null;
            return new KernelTypes(produced, updated, formatted, current, command, publish);
        }
    }
}
