using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace SocketTools.Tests.Static;

/// <summary>
/// Two classes of PowerShell defect that only show in pwsh: a view that reads a nested value
/// (<c>$_.Socket.Family</c>) on an object remoting serialized one level deep, and parameter names
/// and aliases that collide with each other or with the common parameters.
/// </summary>
[Trait("Tier", "Offline")]
public sealed class PowerShellShapeStaticTests
{
    /// <summary>PowerShell 7.4's common parameters and their aliases (CommonParameters.cs).</summary>
    private static readonly string[] CommonNames =
    [
        "Verbose", "vb", "Debug", "db", "ErrorAction", "ea", "WarningAction", "wa", "InformationAction", "infa",
        "ProgressAction", "proga", "ErrorVariable", "ev", "WarningVariable", "wv", "InformationVariable", "iv",
        "OutVariable", "ov", "OutBuffer", "ob", "PipelineVariable", "pv",
    ];

    /// <summary>The -WhatIf and -Confirm names a cmdlet with SupportsShouldProcess gets.</summary>
    private static readonly string[] ShouldProcessNames = ["WhatIf", "wi", "Confirm", "cf"];

    /// <summary>SerializationDepth of a type from SocketTools.Types.ps1xml, or null when it sets none.</summary>
    private static int? TypeDepth(Type type)
    {
        var types = XDocument.Load(Repo.PathOf("src", "SocketTools", "SocketTools.Types.ps1xml"));
        var depth = types.Descendants("Type")
            .Where(t => (string?)t.Element("Name") == type.FullName)
            .SelectMany(t => t.Descendants("NoteProperty"))
            .Where(n => (string?)n.Element("Name") == "SerializationDepth")
            .Select(n => (string?)n.Element("Value"))
            .FirstOrDefault();
        return depth is null ? null : int.Parse(depth, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The element type when <paramref name="type"/> is a collection (not a string), else null.</summary>
    private static Type? ElementType(Type type)
    {
        if (type.FullName == "System.String")
        {
            return null;
        }

        var enumerable = type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType
            && i.GetGenericTypeDefinition().FullName == "System.Collections.Generic.IEnumerable`1");
        return enumerable?.GetGenericArguments()[0];
    }

    /// <summary>
    /// The depth at which remoting and PSSerializer write the value of <paramref name="property"/> of a
    /// <paramref name="owner"/>, as PowerShell's InternalSerializer computes it: the owner is written at
    /// its Types.ps1xml SerializationDepth or the default of 1, each property one level less; but a
    /// value whose type has its own SerializationDepth is written at that depth wherever it appears
    /// (WriteOneObject calls GetDepthOfSerialization first). A collection is always enumerated, its
    /// items at the collection's depth, each again subject to its own type's depth. At 0 a value is
    /// written as its ToString text.
    /// </summary>
    private static int SerializedDepth(Type owner, PropertyInfo property)
    {
        int inherited = (TypeDepth(owner) ?? 1) - 1;
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var element = ElementType(type);
        int containerDepth = TypeDepth(type) ?? inherited;
        return element is null ? containerDepth : TypeDepth(element) ?? containerDepth;
    }

    private static bool HasProperty(Type type, string name) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    [Fact]
    public void ViewsThatReadNestedValuesGetThemOnDeserializedObjects()
    {
        var doc = XDocument.Load(Repo.PathOf("src", "SocketTools", "SocketTools.Format.ps1xml"));
        int checkedReads = 0;
        foreach (var view in doc.Descendants("View"))
        {
            string viewName = (string)view.Element("Name")!;
            var live = view.Element("ViewSelectedBy")!.Elements("TypeName").Select(t => t.Value)
                .Where(t => !t.StartsWith("Deserialized.", StringComparison.Ordinal)).Select(t => t.Split('#')[0]).Distinct();
            foreach (string typeName in live)
            {
                var type = Repo.FindType(typeName);
                Assert.True(type is not null, $"view {viewName}: type {typeName} does not exist");
                foreach (var sb in view.Descendants("ScriptBlock"))
                {
                    // $_.A.B, not $_.A.Method(...)
                    foreach (Match m in Regex.Matches(sb.Value, @"\$_\.(\w+)\.(\w+)\b(?!\s*\()"))
                    {
                        if (m.Groups[1].Value == "PSObject")
                        {
                            continue;   // PowerShell's own member of every object, live or deserialized, not data
                        }

                        checkedReads++;
                        var property = type!.GetProperty(m.Groups[1].Value, BindingFlags.Public | BindingFlags.Instance);
                        Assert.True(property is not null, $"view {viewName}: {typeName} has no property {m.Groups[1].Value}");
                        var propertyType = Nullable.GetUnderlyingType(property!.PropertyType) ?? property.PropertyType;
                        var holder = ElementType(propertyType) ?? propertyType;
                        Assert.True(HasProperty(holder, m.Groups[2].Value) || HasProperty(propertyType, m.Groups[2].Value),
                            $"view {viewName}: {holder.FullName} has no property {m.Groups[2].Value} (in '{sb.Value}')");
                        // A collection is enumerated at any depth, so its own members (Count) always arrive;
                        // a value's members, or its elements' (member enumeration), need it written as a property bag.
                        if (ElementType(propertyType) is null || !HasProperty(propertyType, m.Groups[2].Value))
                        {
                            Assert.True(SerializedDepth(type, property) >= 1,
                                $"view {viewName} reads $_.{m.Groups[1].Value}.{m.Groups[2].Value}, but remoting and PSSerializer write " +
                                $"{typeName}.{m.Groups[1].Value} as its ToString text, so a deserialized object has no {m.Groups[2].Value}: " +
                                $"give {typeName} (or {holder.FullName}) a PSStandardMembers SerializationDepth in SocketTools.Types.ps1xml");
                        }
                    }
                }
            }
        }

        Assert.True(checkedReads > 0, "no view reads a nested value: the check checked nothing");
    }

    /// <summary>The number of top-level arguments in the call whose '(' is at <paramref name="open"/>, or -1 when unbalanced.</summary>
    public static int ArgumentCount(string text, int open)
    {
        int depth = 0, commas = 0;
        bool any = false;
        char quote = '\0';
        for (int i = open; i < text.Length; i++)
        {
            char c = text[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }

                continue;
            }

            switch (c)
            {
                case '\'' or '"':
                    quote = c;
                    any = true;
                    break;
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}':
                    depth--;
                    if (depth == 0)
                    {
                        return any ? commas + 1 : 0;
                    }

                    break;
                case ',' when depth == 1:
                    commas++;
                    break;
                default:
                    if (depth >= 1 && !char.IsWhiteSpace(c))
                    {
                        any = true;
                    }

                    break;
            }
        }

        return -1;
    }

    [Theory]
    [InlineData("[T]::M()", 0)]
    [InlineData("[T]::M($_.A)", 1)]
    [InlineData("[T]::M([string[]]$_.A.B, @($_.C), 'x,y', $null)", 4)]
    [InlineData("[T]::M([int[]]@($_.Owners.Id), [string[]]@($_.Owners.Command))", 2)]
    public void ArgumentCountReadsTopLevelCommasOnly(string call, int expected) =>
        Assert.Equal(expected, ArgumentCount(call, call.IndexOf('(', StringComparison.Ordinal)));

    [Fact]
    public void ViewsCallStaticMethodsWithAnArityTheyHave()
    {
        var doc = XDocument.Load(Repo.PathOf("src", "SocketTools", "SocketTools.Format.ps1xml"));
        int calls = 0;
        foreach (var sb in doc.Descendants("ScriptBlock"))
        {
            foreach (Match m in Regex.Matches(sb.Value, @"\[(SocketTools\.[\w.]+)\]::(\w+)\s*\("))
            {
                calls++;
                var type = Repo.FindType(m.Groups[1].Value);
                Assert.True(type is not null, $"type {m.Groups[1].Value} does not exist (in '{sb.Value}')");
                int count = ArgumentCount(sb.Value, m.Index + m.Length - 1);
                Assert.True(count >= 0, $"unbalanced call in '{sb.Value}'");
                // PowerShell fills in optional parameters left out at the end.
                var arities = type!.GetMethods(BindingFlags.Public | BindingFlags.Static)
                    .Where(x => x.Name == m.Groups[2].Value)
                    .Select(x => (Min: x.GetParameters().Count(p => !p.IsOptional), Max: x.GetParameters().Length)).ToList();
                Assert.True(arities.Any(a => count >= a.Min && count <= a.Max),
                    $"{m.Groups[1].Value}.{m.Groups[2].Value} is called with {count} argument(s) but takes {string.Join(" or ", arities.Select(a => a.Min == a.Max ? $"{a.Min}" : $"{a.Min}-{a.Max}"))} (in '{sb.Value}')");
            }
        }

        Assert.True(calls > 0, "no view calls a static method: the check checked nothing");
    }

    [Fact]
    public void EveryErrorKindNamesAnErrorCategory()
    {
        // ErrorRecords.From maps ErrorKind onto ErrorCategory by name; a kind without a category
        // would surface as NotSpecified.
        var kind = Repo.FindType("SocketTools.ErrorKind");
        Assert.NotNull(kind);
        // System.Management.Automation as the module binds to it: the assembly of PSCmdlet.
        var sma = Repo.FindType("SocketTools.Commands.SocketCmdlet")!.BaseType!.Assembly;
        var category = sma.GetType("System.Management.Automation.ErrorCategory");
        Assert.NotNull(category);
        var categories = category!.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var f in kind!.GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            Assert.True(categories.Contains(f.Name), $"ErrorKind.{f.Name} has no ErrorCategory of that name");
        }
    }

    [Fact]
    public void ParameterNamesAndAliasesAreUniqueAmongThemselvesAndTheCommonParameters()
    {
        foreach (var (name, type) in Repo.Cmdlets())
        {
            var cmdletAttribute = type.GetCustomAttributesData().First(a => a.AttributeType.FullName == "System.Management.Automation.CmdletAttribute");
            bool shouldProcess = cmdletAttribute.NamedArguments.Any(a => a.MemberName == "SupportsShouldProcess" && a.TypedValue.Value is true);
            var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (string common in CommonNames.Concat(shouldProcess ? ShouldProcessNames : []))
            {
                seen[common] = "common parameter";
            }

            foreach (var (parameter, aliases, _) in Repo.Parameters(type))
            {
                foreach (string n in aliases.Prepend(parameter))
                {
                    Assert.True(seen.TryAdd(n, "-" + parameter),
                        $"{name}: '-{n}' of -{parameter} collides with {(seen.TryGetValue(n, out var other) ? other : "?")}; PowerShell refuses to load such a cmdlet");
                }
            }
        }
    }

    [Fact]
    public void TheAliasCheckKnowsTheCommonParameters()
    {
        // An alias such as 'ev' or 'pv' would make the cmdlet's metadata invalid: the list must name them.
        Assert.Contains("pv", CommonNames);
        Assert.Contains("infa", CommonNames);
        Assert.Contains("proga", CommonNames);
        Assert.Equal(CommonNames.Length, CommonNames.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }
}
