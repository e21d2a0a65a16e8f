using System.Net;
using SocketTools.Linux;
using SocketTools.Query;
using SocketTools.Tests.Live;

namespace SocketTools.Tests.Filtering;

/// <summary>The filter language's parser, its errors, state clauses and state groups.</summary>
public sealed class FilterExpressionTests
{
    /// <summary>Invalid expressions, the column of the error, and whether ss 6.1 rejects them too.</summary>
    public static readonly TheoryData<string, int, bool> Invalid = new()
    {
        { "sport =", 8, true },
        { "sport = ", 8, true },
        { "sport = :99999", 9, false },          // ss takes any number; we want 0-65535
        { "( sport = :22", 14, true },
        { "sport = :22 )", 13, true },
        { "and", 1, true },
        { "src 1.2.3.4/33", 5, true },
        { "state foo", 7, true },
        { "state", 6, true },
        { "sport = :22 state established", 13, true },
        { "src", 4, true },
        { "dport = :nosuchservice", 9, true },
        { "src != 1.2.3.4", 5, true },
        { "( )", 3, true },
        { "not", 4, true },
        { "sport = :22 or", 15, true },
        { "sport = :22 or or sport = :80", 16, true },
        { "dev", 4, true },
        { "src inet:::1", 5, true },
        { "foo", 1, true },
        { "src 127.0.0.1 foo", 15, true },
        { "sport = :22 ) (", 13, true },
        { "fwmark", 7, true },
        { "fwmark = zz", 10, true },
        { "fwmark = 1/", 10, true },
    };

    [Theory]
    [Trait("Tier", "Offline")]
    [MemberData(nameof(Invalid))]
    public void SyntaxErrorsNameTheColumn(string text, int column, bool ssRejects)
    {
        var e = Assert.Throws<FilterSyntaxException>(() => FilterExpression.Parse(text));
        Assert.Equal(column, e.Column);
        Assert.Equal("FilterSyntaxError", e.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains($"column {column}: expected ", e.Message, StringComparison.Ordinal);
        var qp = new QueryParameters { Filter = text };
        Assert.Throws<FilterSyntaxException>(() => qp.ToQuery());
        _ = ssRejects;
    }

    [LiveFact]
    public void SsRejectsWhatWeRejectWhereTheTableSaysSo()
    {
        using var ns = new LiveNamespace();
        foreach (var row in Invalid)
        {
            string text = (string)row[0];
            bool ssRejects = (bool)row[2];
            var (exit, _, _) = Tool.Run("ip", ["netns", "exec", ns.Name, "ss", "-tan", .. text.Split(' ', StringSplitOptions.RemoveEmptyEntries)], check: false);
            Assert.True((exit != 0) == ssRejects, $"ss exit {exit} for '{text}'");
        }
    }

    [Fact]
    [Trait("Tier", "Offline")]
    public void TheMessageSaysWhatWasExpected()
    {
        var e = Assert.Throws<FilterSyntaxException>(() => FilterExpression.Parse("dport >= :80 and sport ="));
        Assert.Equal(25, e.Column);
        Assert.Contains("column 25: expected a port after 'sport ='", e.Message, StringComparison.Ordinal);
        Assert.Null(e.Found);
    }

    [Fact]
    [Trait("Tier", "Offline")]
    public void OperatorsBindLeftToRightAsInSs()
    {
        var f = FilterExpression.Parse("sport = :1 or sport = :2 and dport = :3");
        var and = Assert.IsType<AndNode>(f.Root);
        Assert.IsType<OrNode>(and.Left);
        var juxtaposed = Assert.IsType<AndNode>(FilterExpression.Parse("src 10.0.0.1 dport = :3").Root);
        Assert.IsType<HostNode>(juxtaposed.Left);
    }

    [Fact]
    [Trait("Tier", "Offline")]
    public void StateClausesReplaceThenAddOrRemove()
    {
        static StateSet Apply(string text, StateSet start, bool saw) => FilterExpression.Parse(text).ApplyStates(start, saw);
        var est = StateSet.Parse(["established"]);
        Assert.Equal(est, Apply("state established", StateSet.Listening, false));
        Assert.Equal(new StateSet(StateSet.Listening.Mask | est.Mask), Apply("state established", StateSet.Listening, true));
        Assert.Equal(new StateSet(StateSet.All.Mask & ~est.Mask), Apply("exclude established", StateSet.Listening, false));
        Assert.Equal(StateSet.Bucket, Apply("state all exclude big", StateSet.All, false));

        var q = new QueryParameters { State = ["Connected"], Filter = "exclude established sport = :22" }.ToQuery();
        Assert.Equal(new StateSet(StateSet.Connected.Mask & ~est.Mask), q.States);
        Assert.Equal(StateSet.Listening, new QueryParameters { Listening = true }.ToQuery().States);
        Assert.Equal(StateSet.All, new QueryParameters { Listening = true, All = true }.ToQuery().States);
        Assert.Equal(est, new QueryParameters { Listening = true, State = ["estab"] }.ToQuery().States);
    }

    [Fact]
    [Trait("Tier", "Offline")]
    public void AFamilyPrefixRestrictsTheQueryAsInSs()
    {
        Assert.Equal([SocketFamily.IPv6], new QueryParameters { Filter = "src inet6:[::1]:22" }.ToQuery().Families);
        Assert.Equal([SocketFamily.IPv4], new QueryParameters { Filter = "src inet 10.0.0.0/8" }.ToQuery().Families);
        Assert.Equal(2, new QueryParameters { Filter = "src 10.0.0.0/8" }.ToQuery().Families.Count);
    }

    [Fact]
    [Trait("Tier", "Offline")]
    public void StateGroupsHaveSsMasks()
    {
        // misc/ss.c: SS_ALL = (1 << SS_MAX) - 1 with SS_MAX 12; connected = SS_ALL & ~(CLOSE|LISTEN);
        // synchronized = connected & ~SYN_SENT; bucket = SYN_RECV|TIME_WAIT; big = SS_ALL & ~bucket.
        const uint all = 0xfff;
        Assert.Equal(all, StateSet.All.Mask);
        Assert.Equal(all & ~((1u << 7) | (1u << 10)), StateSet.Connected.Mask);
        Assert.Equal(all & ~((1u << 7) | (1u << 10) | (1u << 2)), StateSet.Synchronized.Mask);
        Assert.Equal((1u << 3) | (1u << 6), StateSet.Bucket.Mask);
        Assert.Equal(all & ~((1u << 3) | (1u << 6)), StateSet.Big.Mask);
        Assert.Equal((1u << 10) | (1u << 7), StateSet.Listening.Mask);
        // SYN-RECV asks the kernel for request sockets too (TCP_NEW_SYN_RECV), and only then.
        Assert.Equal(0u, StateSet.Big.KernelMask(SocketProtocol.Tcp) & (1u << 12));
        Assert.NotEqual(0u, StateSet.Bucket.KernelMask(SocketProtocol.Tcp) & (1u << 12));
    }

    [Fact]
    [Trait("Tier", "Offline")]
    public void BytecodePassesTheKernelsAuditShape()
    {
        // Every op's yes is its own length (the audit walks yes), and every no lands on an op or just past the end (+4).
        var f = FilterExpression.Parse("( sport = :1 or not dst 10.0.0.0/8 ) and dport >= :5 autobound or dev 1");
        byte[] code = InetDiagBytecode.Compile(f.Root, _ => null)!;
        var starts = new HashSet<int>();
        int at = 0;
        while (at < code.Length)
        {
            starts.Add(at);
            at += code[at + 1];
        }

        Assert.Equal(code.Length, at);
        starts.Add(code.Length);
        at = 0;
        while (at < code.Length)
        {
            int no = BitConverter.ToUInt16(code, at + 2);
            Assert.True(starts.Contains(at + no) || at + no == code.Length + 4, $"op at {at} jumps to {at + no}");
            at += code[at + 1];
        }
    }

    [Fact]
    [Trait("Tier", "Offline")]
    public void V4RulesMatchV4MappedSocketsInProcess()
    {
        var mapped = new SocketInfo { Family = SocketFamily.IPv6, LocalAddress = "::ffff:10.1.2.3", LocalPort = 80 };
        var v6 = new SocketInfo { Family = SocketFamily.IPv6, LocalAddress = "2001:db8::1", LocalPort = 80 };
        Assert.True(FilterExpression.Parse("src 10.0.0.0/8").Matches(mapped));
        Assert.True(FilterExpression.Parse("src 0.0.0.0/0").Matches(mapped));
        Assert.False(FilterExpression.Parse("src 0.0.0.0/0").Matches(v6));
        Assert.True(FilterExpression.Parse("src ::ffff:10.1.2.3/128").Matches(mapped));
        Assert.True(FilterExpression.Parse("src 10.1.2.3:80").Matches(mapped));
        Assert.False(FilterExpression.Parse("src 10.1.2.3:81").Matches(mapped));
    }
}
