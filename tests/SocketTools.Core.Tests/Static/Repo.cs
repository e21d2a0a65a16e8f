using System.Reflection;
using System.Runtime.InteropServices;

namespace SocketTools.Tests.Static;

/// <summary>Paths of the repository and of the built module, and its metadata through MetadataLoadContext.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SocketTools.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("SocketTools.sln not found above " + AppContext.BaseDirectory);
    }

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The configuration the tests were built in (Debug or Release), so the module matches.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    public static string ModuleAssemblyPath => PathOf("src", "SocketTools", "bin", Configuration, "net8.0", "SocketTools.dll");

    private static readonly Lazy<(MetadataLoadContext Context, Assembly Module, Assembly Core)> Loaded = new(Load);

    private static (MetadataLoadContext, Assembly, Assembly) Load()
    {
        string moduleDir = Path.GetDirectoryName(ModuleAssemblyPath)!;
        var paths = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
            .Concat(Directory.GetFiles(moduleDir, "*.dll"))
            .Append(Path.Combine(AppContext.BaseDirectory, "System.Management.Automation.dll"))
            .GroupBy(Path.GetFileName).Select(g => g.Last());
        var context = new MetadataLoadContext(new PathAssemblyResolver(paths), "System.Runtime");
        var module = context.LoadFromAssemblyPath(ModuleAssemblyPath);
        var core = context.LoadFromAssemblyPath(Path.Combine(moduleDir, "SocketTools.Core.dll"));
        return (context, module, core);
    }

    public static Assembly Module => Loaded.Value.Module;

    public static Assembly Core => Loaded.Value.Core;

    /// <summary>A type by full name from the module or the core.</summary>
    public static Type? FindType(string fullName) => Module.GetType(fullName) ?? Core.GetType(fullName);

    /// <summary>Every cmdlet the module defines: (Verb-Noun, type).</summary>
    public static IReadOnlyList<(string Name, Type Type)> Cmdlets() =>
        Module.GetTypes()
            .Select(t => (Type: t, Attr: t.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == "System.Management.Automation.CmdletAttribute")))
            .Where(x => x.Attr is not null)
            .Select(x => ($"{x.Attr!.ConstructorArguments[0].Value}-{x.Attr.ConstructorArguments[1].Value}", x.Type))
            .OrderBy(x => x.Item1, StringComparer.Ordinal)
            .ToList();

    /// <summary>The parameters of a cmdlet type (properties with [Parameter]) with their aliases.</summary>
    public static IReadOnlyList<(string Name, string[] Aliases, PropertyInfo Property)> Parameters(Type cmdlet) =>
        cmdlet.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttributesData().Any(a => a.AttributeType.FullName == "System.Management.Automation.ParameterAttribute"))
            .Select(p => (p.Name,
                p.GetCustomAttributesData().Where(a => a.AttributeType.FullName == "System.Management.Automation.AliasAttribute")
                    .SelectMany(a => a.ConstructorArguments.SelectMany(v => v.Value is IEnumerable<CustomAttributeTypedArgument> list
                        ? list.Select(x => (string)x.Value!) : [(string)v.Value!])).ToArray(),
                p))
            .ToList();
}
