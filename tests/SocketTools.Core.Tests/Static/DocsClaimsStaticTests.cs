using System.Reflection;
using System.Text.RegularExpressions;

namespace SocketTools.Tests.Static;

/// <summary>
/// What docs/en-US (and the README) say against what the code does, and markdown that PlatyPS 0.14
/// turns into broken help. Each check also runs on a broken sample, so it is known to be able to fail.
/// </summary>
[Trait("Tier", "Offline")]
public sealed class DocsClaimsStaticTests
{
    private static IEnumerable<string> DocFiles() =>
        Directory.GetFiles(Repo.PathOf("docs", "en-US"), "*.md").Order(StringComparer.Ordinal);

    /// <summary>The prose of a markdown file: without the YAML front matter and without ``` blocks (kept as blank lines, so line numbers stay).</summary>
    private static string[] ProseLines(string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        bool inFence = false, inFrontMatter = lines.Length > 0 && lines[0] == "---";
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (inFrontMatter)
            {
                inFrontMatter = i == 0 || line != "---";
                lines[i] = "";
                continue;
            }

            bool fence = line.TrimStart().StartsWith("```", StringComparison.Ordinal);
            if (fence || inFence)
            {
                inFence ^= fence;
                lines[i] = "";
            }
        }

        return lines;
    }

    private static readonly Regex ListItem = new(@"^\s*(?:[-*+]|\d+\.)\s+\S", RegexOptions.Compiled);

    /// <summary>
    /// List items that PlatyPS 0.14 would not keep apart. Its parser (Markdown.MAML) knows headings,
    /// paragraphs and ``` blocks, no lists: an item that shares a paragraph with its neighbours, or
    /// runs on over a second line, is joined to them in Get-Help's text. An item on one line of its
    /// own, with a blank line before and after, is a paragraph of its own and prints on its own line.
    /// </summary>
    public static List<string> ListProblems(string markdown)
    {
        var lines = ProseLines(markdown);
        var problems = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (!ListItem.IsMatch(lines[i]))
            {
                continue;
            }

            bool blankBefore = i == 0 || lines[i - 1].Trim().Length == 0;
            bool blankAfter = i == lines.Length - 1 || lines[i + 1].Trim().Length == 0;
            if (!blankBefore || !blankAfter)
            {
                problems.Add($"line {i + 1}: '{lines[i].Trim()}' needs a blank line {(blankBefore ? "after it (no continuation lines)" : "before it")}");
            }
        }

        return problems;
    }

    [Fact]
    public void ListItemsAreParagraphsOfTheirOwn()
    {
        var problems = DocFiles().SelectMany(f => ListProblems(File.ReadAllText(f)).Select(p => $"{Path.GetFileName(f)} {p}")).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// PlatyPS 0.14 reads *x* on one line as italics and drops the stars, in cmdlet pages as in about
    /// topics: `*:*` would print as ":". A prose line may hold one star at most.
    /// </summary>
    [Fact]
    public void NoProseLineLosesItsStarsToItalics()
    {
        var problems = DocFiles().SelectMany(f => ProseLines(File.ReadAllText(f))
            .Select((line, i) => (line, i)).Where(x => Regex.IsMatch(x.line, @"\*.*\*"))
            .Select(x => $"{Path.GetFileName(f)} line {x.i + 1}: '{x.line.Trim()}'")).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("Conditions:\n- one\n- two\n", 2)]
    [InlineData("Conditions:\n\n- one\n  goes on\n\n- two\n", 1)]
    [InlineData("Conditions:\n\n- one\n\n- two\n\n```yaml\n- not: prose\n```\n", 0)]
    public void TheListCheckFindsJoinedItems(string markdown, int problems) =>
        Assert.Equal(problems, ListProblems(markdown).Count);

    /// <summary>The name of <paramref name="type"/> as the docs may write it (Int32 for int?, String, SocketTools.SocketState or SocketState).</summary>
    private static IEnumerable<string> NamesOf(Type type)
    {
        // The types come from a MetadataLoadContext, where Nullable.GetUnderlyingType does not apply.
        var t = type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1" ? type.GetGenericArguments()[0] : type;
        yield return t.Name;
        yield return t.FullName!;
    }

    /// <summary>The type names a doc may claim for a property: .NET's value types and strings, and the module's own types.</summary>
    private static readonly Lazy<HashSet<string>> TypeNames = new(() =>
    {
        var names = new HashSet<string>(StringComparer.Ordinal)
        {
            "String", "Boolean", "Int16", "Int32", "Int64", "UInt16", "UInt32", "UInt64", "Double", "Decimal", "TimeSpan", "DateTime",
            "IPAddress", "System.Net.IPAddress", "System.String", "System.Int32", "System.TimeSpan",
        };
        foreach (var t in Repo.Core.GetExportedTypes())
        {
            names.Add(t.Name);
            names.Add(t.FullName!);
        }

        return names;
    });

    private static Dictionary<string, Type> ModelProperties() =>
        new[] { "SocketTools.SocketInfo", "SocketTools.SocketProcess", "SocketTools.SocketOwner" }
            .Select(n => Repo.FindType(n)!)
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.First().PropertyType, StringComparer.Ordinal);

    /// <summary>
    /// Claims of a property's type: "LocalAddress an IPAddress", "State is a SocketTools.SocketState",
    /// "Uid (UInt32)". The type named must be the property's.
    /// </summary>
    public static List<string> TypeClaimProblems(string markdown, IReadOnlyDictionary<string, Type> properties)
    {
        string prose = string.Join("\n", ProseLines(markdown));
        var problems = new List<string>();
        var claims = Regex.Matches(prose, @"\b(?<p>[A-Z]\w+),? (?:is )?an? (?<t>[A-Z][\w.]*)")
            .Concat(Regex.Matches(prose, @"\b(?<p>[A-Z]\w+) \((?<t>[A-Z][\w.]*)[,)]"));
        foreach (Match m in claims)
        {
            if (properties.TryGetValue(m.Groups["p"].Value, out var type) && TypeNames.Value.Contains(m.Groups["t"].Value.TrimEnd('.'))
                && !NamesOf(type).Contains(m.Groups["t"].Value.TrimEnd('.')))
            {
                problems.Add($"'{m.Value}': {m.Groups["p"].Value} is a {NamesOf(type).First()}");
            }
        }

        return problems;
    }

    [Fact]
    public void PropertyTypesAreTheModels()
    {
        var properties = ModelProperties();
        var problems = DocFiles().Append(Repo.PathOf("README.md"))
            .SelectMany(f => TypeClaimProblems(File.ReadAllText(f), properties).Select(p => $"{Path.GetFileName(f)}: {p}")).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("State is a SocketTools.SocketState, LocalAddress an IPAddress, Timer a TimeSpan.", "LocalAddress an IPAddress")]
    [InlineData("- Uid (UInt32), Inode (Int32), Cookie (UInt64, ss's sk:)", "Inode (Int32")]
    public void TheTypeCheckFindsWrongTypes(string text, string expected) =>
        Assert.Contains(TypeClaimProblems(text, ModelProperties()), p => p.Contains(expected, StringComparison.Ordinal));

    /// <summary>Sentences of the docs' prose (code blocks left out).</summary>
    private static IEnumerable<(string File, string Sentence)> Sentences() =>
        DocFiles().Append(Repo.PathOf("README.md")).SelectMany(f =>
            Regex.Split(Regex.Replace(string.Join("\n", ProseLines(File.ReadAllText(f))), @"\s+", " "), @"(?<=[.;])\s")
                .Select(s => (Path.GetFileName(f), s)));

    [Fact]
    public void OwningProcessIsDescribedAsTheLowestPid()
    {
        // OwnerEnrichment.Attach sets the lowest pid among Owners (the one netstat -p prints).
        var wrong = Sentences().Where(x => Regex.IsMatch(x.Sentence, @"OwningProcess[^.;]*\bfirst\b")).ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.Contains(Sentences(), x => Regex.IsMatch(x.Sentence, @"OwningProcess[^.;]*\blowest\b"));
    }

    [Fact]
    public void StateListenIsNotSaidToSelectUnconnectedSockets()
    {
        // As ss's 'state listening': TCP listeners only; -Listening (ss -l) adds UNCONN (SelectionLiveTests checks both against ss).
        var wrong = Sentences().Where(x => x.Sentence.Contains("-State Listen", StringComparison.Ordinal)
            && Regex.IsMatch(x.Sentence, @"\b(UDP|unconnected|UNCONN)\b") && !Regex.IsMatch(x.Sentence, @"\b(not|never|only|-Listening)\b")).ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    /// <summary>
    /// Aliases that Windows PowerShell has and PowerShell on Linux does not, because the name is a
    /// program there: in an example on Linux they run /usr/bin/sort, /usr/bin/tee … on the objects' text.
    /// </summary>
    private static readonly HashSet<string> LinuxPrograms = new(StringComparer.OrdinalIgnoreCase)
    {
        "sort", "tee", "ls", "cat", "cp", "mv", "rm", "rmdir", "ps", "kill", "diff", "sleep", "man", "mount", "write", "compare", "cpp", "start",
    };

    public static List<string> AliasProblems(string markdown) =>
        DocExamples.PowerShellBlocks(markdown).SelectMany(DocExamples.Calls)
            .Where(c => LinuxPrograms.Contains(c.Name))
            .Select(c => $"'{c.Name}' is the system's {c.Name}(1) on Linux, not a PowerShell alias: write the cmdlet's name").ToList();

    [Fact]
    public void ExamplesNameCmdletsThatLinuxHasNoAliasFor()
    {
        var problems = DocFiles().Append(Repo.PathOf("README.md"))
            .SelectMany(f => AliasProblems(File.ReadAllText(f)).Select(p => $"{Path.GetFileName(f)}: {p}")).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // about_SocketTools says why.
        string about = File.ReadAllText(Repo.PathOf("docs", "en-US", "about_SocketTools.md"));
        Assert.Matches(@"`sort`[^.]*sort\(1\)", about);
    }

    [Fact]
    public void TheAliasCheckFindsSort() =>
        Assert.Single(AliasProblems("```powershell\nGet-SocketStat -State TimeWait | sort Timer\n```\n"));
}
