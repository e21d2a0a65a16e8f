using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace SocketTools.Tests.Static;

/// <summary>Checks of the PowerShell-facing files against the built assemblies (there is no pwsh here).</summary>
[Trait("Tier", "Offline")]
public sealed class ModuleStaticTests
{
    private static string Manifest => File.ReadAllText(Repo.PathOf("SocketTools.psd1"));

    private static string[] ManifestList(string key)
    {
        var m = Regex.Match(Manifest, key + @"\s*=\s*@\(([^)]*)\)", RegexOptions.Singleline);
        Assert.True(m.Success, $"SocketTools.psd1 has no {key} = @(...)");
        return Regex.Matches(m.Groups[1].Value, @"'([^']+)'").Select(x => x.Groups[1].Value).ToArray();
    }

    [Fact]
    public void ManifestExportsExactlyTheCmdletsTheAssemblyDefines()
    {
        var defined = Repo.Cmdlets().Select(c => c.Name).ToArray();
        Assert.NotEmpty(defined);
        Assert.Equal(defined.OrderBy(x => x, StringComparer.Ordinal), ManifestList("CmdletsToExport").OrderBy(x => x, StringComparer.Ordinal));
        Assert.Empty(ManifestList("FunctionsToExport"));
        Assert.Empty(ManifestList("VariablesToExport"));
        Assert.Empty(ManifestList("AliasesToExport"));
    }

    [Fact]
    public void ManifestNamesFilesThatTheBuildShips()
    {
        Assert.Matches(@"RootModule\s*=\s*'SocketTools.dll'", Manifest);
        Assert.Matches(@"PowerShellVersion\s*=\s*'7.4'", Manifest);
        string dir = Path.GetDirectoryName(Repo.ModuleAssemblyPath)!;
        foreach (string file in ManifestList("FormatsToProcess").Concat(ManifestList("TypesToProcess")).Concat(ManifestList("RequiredAssemblies")))
        {
            Assert.True(File.Exists(Path.Combine(dir, file)), $"{file} is named by the manifest but not in the build output");
        }

        Assert.False(File.Exists(Path.Combine(dir, "System.Management.Automation.dll")), "the module must not ship System.Management.Automation.dll");
    }

    [Fact]
    public void EveryCmdletDeclaresItsOutputType()
    {
        foreach (var (name, type) in Repo.Cmdlets())
        {
            Assert.True(type.GetCustomAttributesData().Any(a => a.AttributeType.FullName == "System.Management.Automation.OutputTypeAttribute"),
                $"{name} has no [OutputType]");
        }
    }

    /// <summary>Properties a type has for PowerShell: its public properties plus Types.ps1xml members.</summary>
    /// <summary>
    /// Members a view may read that no type declares: PSObject, which PowerShell gives every object,
    /// and the note properties remoting adds to what it returns (a view reads those through
    /// PSObject.Properties first, since live objects have none).
    /// </summary>
    private static readonly string[] PowerShellMembers = ["PSObject", "PSComputerName", "PSShowComputerName"];

    private static HashSet<string> MembersOf(string typeName)
    {
        var type = Repo.FindType(typeName);
        Assert.True(type is not null, $"type {typeName} named by a view does not exist");
        var names = new HashSet<string>(type!.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name), StringComparer.OrdinalIgnoreCase);
        var types = XDocument.Load(Repo.PathOf("src", "SocketTools", "SocketTools.Types.ps1xml"));
        foreach (var t in types.Descendants("Type").Where(t => (string?)t.Element("Name") == typeName))
        {
            foreach (var member in t.Element("Members")?.Elements() ?? [])
            {
                names.Add((string)member.Element("Name")!);
            }
        }

        names.UnionWith(PowerShellMembers);
        return names;
    }

    public static IEnumerable<object[]> Views() =>
        XDocument.Load(Repo.PathOf("src", "SocketTools", "SocketTools.Format.ps1xml"))
            .Descendants("View").Select(v => new object[] { (string)v.Element("Name")! + "|" + string.Join(",", v.Descendants("TypeName").Select(t => t.Value)) });

    [Theory]
    [MemberData(nameof(Views))]
    public void EveryPropertyAViewNamesExistsOnItsType(string viewKey)
    {
        var doc = XDocument.Load(Repo.PathOf("src", "SocketTools", "SocketTools.Format.ps1xml"));
        var view = doc.Descendants("View").First(v => (string)v.Element("Name")! + "|" + string.Join(",", v.Descendants("TypeName").Select(t => t.Value)) == viewKey);
        var typeNames = view.Element("ViewSelectedBy")!.Elements("TypeName").Select(t => t.Value).ToList();
        var live = typeNames.Where(t => !t.StartsWith("Deserialized.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(live);
        foreach (string t in live)
        {
            Assert.Contains("Deserialized." + t, typeNames);
            // "T#Tag" (an instance type name a cmdlet adds, e.g. SocketInfo#Listening) has the members of T.
            var members = MembersOf(t.Split('#')[0]);
            foreach (var p in view.Descendants("PropertyName"))
            {
                Assert.True(members.Contains(p.Value), $"view {viewKey}: {t} has no property {p.Value}");
            }

            foreach (var sb in view.Descendants("ScriptBlock"))
            {
                foreach (Match m in Regex.Matches(sb.Value, @"\$_\.(\w+)"))
                {
                    Assert.True(members.Contains(m.Groups[1].Value), $"view {viewKey}: {t} has no property {m.Groups[1].Value} (in '{sb.Value}')");
                }

                foreach (Match m in Regex.Matches(sb.Value, @"\[(SocketTools\.[\w.]+)\]::(\w+)"))
                {
                    var type = Repo.FindType(m.Groups[1].Value);
                    Assert.True(type is not null, $"view {viewKey}: type {m.Groups[1].Value} does not exist");
                    Assert.True(type!.GetMethods(BindingFlags.Public | BindingFlags.Static).Any(x => x.Name == m.Groups[2].Value),
                        $"view {viewKey}: {m.Groups[1].Value} has no static method {m.Groups[2].Value}");
                }
            }
        }
    }

    [Fact]
    public void TypesFileAliasesPointAtRealProperties()
    {
        var types = XDocument.Load(Repo.PathOf("src", "SocketTools", "SocketTools.Types.ps1xml"));
        foreach (var t in types.Descendants("Type"))
        {
            var type = Repo.FindType((string)t.Element("Name")!);
            Assert.NotNull(type);
            foreach (var alias in t.Descendants("AliasProperty"))
            {
                string target = (string)alias.Element("ReferencedMemberName")!;
                Assert.True(type!.GetProperty(target) is not null, $"{type.FullName} has no {target} for alias {(string)alias.Element("Name")!}");
            }
        }
    }

    [Fact]
    public void EveryCmdletAndParameterHasHelp()
    {
        foreach (var (name, type) in Repo.Cmdlets())
        {
            string path = Repo.PathOf("docs", "en-US", name + ".md");
            Assert.True(File.Exists(path), $"{name} has no docs/en-US/{name}.md");
            string md = File.ReadAllText(path);
            var documented = Regex.Matches(md, @"^### -(\w+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();
            var parameters = Repo.Parameters(type).Select(p => p.Name).ToHashSet();
            foreach (string p in parameters)
            {
                Assert.True(documented.Contains(p), $"{name}: parameter -{p} has no '### -{p}' section");
            }

            // -WhatIf and -Confirm come with SupportsShouldProcess, as PlatyPS documents them.
            bool shouldProcess = type.GetCustomAttributesData().Any(a => a.AttributeType.FullName == "System.Management.Automation.CmdletAttribute"
                && a.NamedArguments.Any(n => n.MemberName == "SupportsShouldProcess" && n.TypedValue.Value is true));
            foreach (string d in documented.Where(d => !(shouldProcess && d is "WhatIf" or "Confirm")))
            {
                Assert.True(parameters.Contains(d), $"{name}: help documents -{d}, which the cmdlet does not have");
            }

            Assert.Matches(@"(?m)^## SYNOPSIS\s*\n\s*\S", md);
            Assert.True(Regex.Matches(md, @"(?m)^### Example \d+ - ").Count >= 3, $"{name}: fewer than three examples");
        }
    }
}
