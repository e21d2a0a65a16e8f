using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace SocketTools.Tests.Static;

/// <summary>
/// Checks of docs/en-US against the built module: examples call only cmdlets and parameters that
/// exist, -View names a view of the type shown, about topics have PlatyPS's shape, the module page
/// lists every cmdlet. Each check is also run on a broken sample, so it is known to be able to fail.
/// </summary>
[Trait("Tier", "Offline")]
public sealed class DocsStaticTests
{
    /// <summary>Cmdlets of other issues that docs may name before they land; once defined they are checked like the rest.</summary>
    private static readonly HashSet<string> PendingModuleCmdlets = new(StringComparer.OrdinalIgnoreCase)
    {
        "Get-ListeningPort", "Get-SocketProcess", "Watch-TcpTimer",
    };

    /// <summary>PowerShell's own cmdlets (and Pester's) that the docs use; anything else Verb-Noun is a mistake.</summary>
    private static readonly HashSet<string> BuiltinCmdlets = new(StringComparer.OrdinalIgnoreCase)
    {
        "Sort-Object", "Where-Object", "ForEach-Object", "Select-Object", "Group-Object", "Measure-Object",
        "Compare-Object", "Tee-Object", "Format-Table", "Format-List", "Format-Wide", "Out-String", "Out-Host",
        "Out-GridView", "Write-Output", "Write-Host", "Invoke-Command", "New-PSSession", "Remove-PSSession",
        "Stop-Process", "Get-Process", "ConvertTo-Json", "ConvertFrom-Json", "Export-Csv", "Import-Csv",
        "ConvertTo-Csv", "Export-Clixml", "Import-Clixml", "Import-Module", "Get-Module", "Get-Help", "Get-Command",
        "Start-Sleep", "Get-Date", "Set-StrictMode", "Invoke-Pester", "New-PesterConfiguration",
        "Register-ArgumentCompleter", "TabExpansion2", "Get-Content", "Set-Content", "Test-Path", "Join-Path",
        "Select-String", "Start-Job", "Receive-Job", "Get-FormatData", "Get-TypeData", "Update-FormatData",
    };

    private static readonly HashSet<string> CommonParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable",
        "WarningVariable", "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf", "Confirm",
    };

    private static string[] DocFiles() => Directory.GetFiles(Repo.PathOf("docs", "en-US"), "*.md").Order(StringComparer.Ordinal).ToArray();

    private static Dictionary<string, Type> ModuleCmdlets() =>
        Repo.Cmdlets().ToDictionary(c => c.Name, c => c.Type, StringComparer.OrdinalIgnoreCase);

    /// <summary>Views by type name, from the format file.</summary>
    private static ILookup<string, string> ViewsByType() =>
        XDocument.Load(Repo.PathOf("src", "SocketTools", "SocketTools.Format.ps1xml")).Descendants("View")
            .SelectMany(v => v.Element("ViewSelectedBy")!.Elements("TypeName").Select(t => (Type: t.Value, View: (string)v.Element("Name")!)))
            .ToLookup(x => x.Type, x => x.View, StringComparer.Ordinal);

    private static IEnumerable<string> OutputTypes(Type cmdlet) =>
        cmdlet.GetCustomAttributesData().Where(a => a.AttributeType.FullName == "System.Management.Automation.OutputTypeAttribute")
            .SelectMany(a => a.ConstructorArguments)
            .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> list ? list.Select(x => x.Value) : [arg.Value])
            .Select(v => v is Type t ? t.FullName! : v?.ToString() ?? "");

    /// <summary>Every problem in the PowerShell examples of <paramref name="markdown"/>.</summary>
    public static List<string> ExampleProblems(string markdown, IReadOnlyDictionary<string, Type> cmdlets, ILookup<string, string> views)
    {
        var problems = new List<string>();
        foreach (string block in DocExamples.PowerShellBlocks(markdown))
        {
            var calls = DocExamples.Calls(block);
            foreach (var call in calls.Where(c => DocExamples.IsCmdletName(c.Name)))
            {
                if (cmdlets.TryGetValue(call.Name, out var type))
                {
                    var known = Repo.Parameters(type).SelectMany(p => p.Aliases.Prepend(p.Name)).ToHashSet(StringComparer.OrdinalIgnoreCase);
                    foreach (string p in call.Parameters.Where(p => !known.Contains(p) && !CommonParameters.Contains(p)))
                    {
                        problems.Add($"{call.Name} has no parameter -{p} (abbreviations are not allowed in docs): {FirstLine(block)}");
                    }
                }
                else if (!PendingModuleCmdlets.Contains(call.Name) && !BuiltinCmdlets.Contains(call.Name))
                {
                    problems.Add($"{call.Name} is neither a module cmdlet nor an allowed built-in: {FirstLine(block)}");
                }
            }

            foreach (var format in calls.Where(c => c.Name.Equals("Format-Table", StringComparison.OrdinalIgnoreCase)))
            {
                foreach (var (_, view) in format.Arguments.Where(a => a.Name.Equals("View", StringComparison.OrdinalIgnoreCase)))
                {
                    var sources = calls.Where(c => c.Statement == format.Statement && cmdlets.ContainsKey(c.Name)).ToList();
                    var allowed = sources.Count > 0
                        ? sources.SelectMany(s => OutputTypes(cmdlets[s.Name])).SelectMany(t => views[t]).ToHashSet(StringComparer.OrdinalIgnoreCase)
                        : views.SelectMany(g => g).ToHashSet(StringComparer.OrdinalIgnoreCase);
                    if (view is null || !allowed.Contains(view))
                    {
                        string what = sources.Count > 0 ? string.Join(", ", sources.Select(s => s.Name).Distinct()) : "any type";
                        problems.Add($"Format-Table -View {view} names no view of {what}: {FirstLine(block)}");
                    }
                }
            }
        }

        return problems;
    }

    private static string FirstLine(string block) => block.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";

    [Fact]
    public void EveryExampleCallsOnlyCmdletsParametersAndViewsThatExist()
    {
        var cmdlets = ModuleCmdlets();
        var views = ViewsByType();
        var problems = new List<string>();
        int blocks = 0;
        foreach (string file in DocFiles())
        {
            string md = File.ReadAllText(file);
            blocks += DocExamples.PowerShellBlocks(md).Count();
            problems.AddRange(ExampleProblems(md, cmdlets, views).Select(p => $"{Path.GetFileName(file)}: {p}"));
        }

        Assert.True(blocks >= 10, $"only {blocks} PowerShell examples in docs/en-US");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("Get-SocketStat -Stat TimeWait", "no parameter -Stat")]
    [InlineData("Get-SocketStat -State TimeWait | Sort-Objekt Timer", "Sort-Objekt is neither")]
    [InlineData("Get-SocketStat | Format-Table -View nosuchview", "-View nosuchview names no view of Get-SocketStat")]
    [InlineData("Invoke-Command -ComputerName web1 { Get-SocketStat -Lis } |\n  Format-Table -View process", "no parameter -Lis")]
    [InlineData("$s = Get-SocketStat -Listening\n$s | Format-Table -View bogus", "names no view of any type")]
    public void TheExampleCheckFindsBrokenExamples(string code, string expected)
    {
        var problems = ExampleProblems($"```powershell\n{code}\n```\n", ModuleCmdlets(), ViewsByType());
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Get-SocketStat -State 'time-wait','syn-sent' -l | Format-Table -View timer")]
    [InlineData("Get-SocketStat -Filter \"sport = :22 or dport = :443\" # -Bogus in a comment")]
    [InlineData("Invoke-Command -ComputerName web1, web2 { Get-SocketStat -Listening } |\n    Format-Table -View process")]
    [InlineData("Get-SocketStat -LocalPort 8000-8100 |\n  Group-Object RemoteAddress | Sort-Object Count -Descending")]
    public void TheExampleCheckAcceptsGoodExamples(string code) =>
        Assert.Empty(ExampleProblems($"```powershell\n{code}\n```\n", ModuleCmdlets(), ViewsByType()));

    [Fact]
    public void ExamplesAreReadAsPowerShell()
    {
        var calls = DocExamples.Calls("$x = Get-SocketStat -State 'time-wait' -All:$true | Where-Object { $_.Port -notin 22, 443 } | Format-Table -View ss")
            .Where(c => DocExamples.IsCmdletName(c.Name)).ToList();
        Assert.Equal(["Get-SocketStat", "Where-Object", "Format-Table"], calls.Select(c => c.Name));
        Assert.Equal(["State", "All"], calls[0].Parameters);
        Assert.Equal([("View", (string?)"ss")], calls[2].Arguments);
        Assert.All(calls, c => Assert.Equal(0, c.Statement));
    }

    [Fact]
    public void EveryCmdletExampleIsFollowedByASentence()
    {
        foreach (var (name, _) in Repo.Cmdlets())
        {
            string md = File.ReadAllText(Repo.PathOf("docs", "en-US", name + ".md"));
            var examples = Regex.Matches(md, @"(?ms)^### (Example \d+ - [^\n]*)\n(.*?)(?=^### |^## )");
            Assert.True(examples.Count >= 3, $"{name}: fewer than three examples");
            foreach (Match m in examples)
            {
                string body = m.Groups[2].Value;
                Assert.True(Regex.IsMatch(body, @"(?s)^\s*```powershell\r?\n.+?\n```"), $"{name} {m.Groups[1].Value}: no ```powershell block first");
                string after = Regex.Replace(body, @"(?s)```.*?```", "").Trim();
                Assert.True(Regex.IsMatch(after, @"\w+.*[.:]"), $"{name} {m.Groups[1].Value}: no sentence says what it shows");
            }
        }
    }

    [Fact]
    public void OutputsListTheOutputTypesProperties()
    {
        foreach (var (name, type) in Repo.Cmdlets())
        {
            string md = File.ReadAllText(Repo.PathOf("docs", "en-US", name + ".md"));
            var outputs = Regex.Match(md, @"(?ms)^## OUTPUTS\s*\n(.*?)(?=^## )");
            Assert.True(outputs.Success, $"{name}: no OUTPUTS section");
            foreach (string typeName in OutputTypes(type))
            {
                Assert.Contains("### " + typeName, outputs.Groups[1].Value, StringComparison.Ordinal);
                var t = Repo.FindType(typeName);
                Assert.NotNull(t);
                foreach (var p in t!.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    Assert.True(Regex.IsMatch(outputs.Groups[1].Value, $@"\b{p.Name}\b"), $"{name}: OUTPUTS does not name {typeName}.{p.Name}");
                }
            }
        }
    }

    public static IEnumerable<object[]> AboutTopics() => [["about_SocketTools"], ["about_SocketStates"]];

    /// <summary>
    /// PlatyPS 0.14's New-ExternalHelp takes a .md as an about topic when the second heading's text starts
    /// with "about" (GetAboutTopicsFromPath), and writes it as &lt;file name&gt;.help.txt; its template has
    /// SHORT DESCRIPTION, LONG DESCRIPTION, EXAMPLES … KEYWORDS as level-1 headings.
    /// </summary>
    [Theory]
    [MemberData(nameof(AboutTopics))]
    public void AboutTopicHasPlatyPSShape(string topic)
    {
        string path = Repo.PathOf("docs", "en-US", topic + ".md");
        Assert.True(File.Exists(path), $"docs/en-US/{topic}.md is missing");
        var headings = File.ReadAllLines(path).Where(l => l.StartsWith('#')).ToList();
        Assert.Matches(@"^# \S", headings[0]);
        Assert.Equal("## " + topic, headings[1]);
        var level1 = headings.Where(h => Regex.IsMatch(h, "^# ")).Skip(1).Select(h => h[2..].Trim()).ToList();
        Assert.Equal(["SHORT DESCRIPTION", "LONG DESCRIPTION"], level1.Take(2));
        Assert.Contains("EXAMPLES", level1);
        Assert.Contains("SEE ALSO", level1);
        Assert.Contains("KEYWORDS", level1);
        Assert.DoesNotContain(File.ReadAllLines(path), l => l.Contains("{{", StringComparison.Ordinal));

        // PlatyPS 0.14's parser (Markdown.MAML) knows headings, paragraphs and ``` code blocks only:
        // *x* on one line becomes italics and loses its stars, a line of -- or == under text becomes a
        // heading, and an indented block is not code.
        string prose = Regex.Replace(File.ReadAllText(path), @"(?ms)^```.*?^```", "");
        foreach (string line in prose.Split('\n'))
        {
            Assert.False(Regex.IsMatch(line, @"\*.+\*"), $"{topic}: '{line}' would lose its stars to italics");
            Assert.False(Regex.IsMatch(line, @"^(==+|--+)\s*$"), $"{topic}: '{line}' would turn the line above into a heading");
            Assert.False(line.StartsWith("    ", StringComparison.Ordinal) && line.Trim().Length > 0, $"{topic}: indented '{line}' is not code to PlatyPS; use ```");
        }
    }

    [Fact]
    public void ModulePageListsExactlyTheCmdlets()
    {
        string md = File.ReadAllText(Repo.PathOf("docs", "en-US", "SocketTools.md"));
        var listed = Regex.Matches(md, @"(?m)^### \[([\w-]+)\]\(([\w-]+)\.md\)\s*\n+(\S.*)$").ToList();
        foreach (var m in listed)
        {
            Assert.Equal(m.Groups[1].Value, m.Groups[2].Value);
        }

        Assert.Equal(Repo.Cmdlets().Select(c => c.Name).Order(StringComparer.Ordinal),
            listed.Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal));
        Assert.Matches(@"(?m)^Module Guid: 6f0c1d2e-5b7a-4f3e-9a41-2c8d7e5b9f10$", md);
    }
}
