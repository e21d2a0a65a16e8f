using Xunit.Abstractions;
using System.Text;
using SocketTools.Linux;
using SocketTools.Tests.Parsing;

namespace SocketTools.Tests.Reliability;

/// <summary>
/// The parsers under fuzz. Add a parser with one line: a name, its well-formed seeds (captured or
/// synthesized bytes; text parsers pass UTF-8), and the call that parses one input, e.g.
/// <c>new("unix_diag_msg", () =&gt; UnixRecords.All, b =&gt; UnixDiag.Parse(b, null)),</c> or
/// <c>new("/proc/net/tcp line", () =&gt; ProcSeeds.TcpLines, b =&gt; ProcNet.ParseTcpLine(Encoding.UTF8.GetString(b))),</c>.
/// </summary>
public static class FuzzTargets
{
    public static readonly FuzzTarget[] All =
    [
        new("inet_diag_msg (captured)", () => InetRecords.All, b => InetDiag.Parse(b, SocketProtocol.Tcp, null)),
        new("inet_diag_msg as UDP", () => InetRecords.All, b => InetDiag.Parse(b, SocketProtocol.Udp, null)),
        new("inet_diag_msg with every attribute", InetRecords.WithEveryAttribute, b => InetDiag.Parse(b, SocketProtocol.Tcp, null)),
        new("netlink dump conversation", DumpFuzz.Seeds, DumpFuzz.Run),
        new("/proc/net/tcp line", () => ProcLines("tcp"), b => ProcNet.ParseInet(Text(b), SocketProtocol.Tcp, v6: false)),
        new("/proc/net/tcp6 line", () => ProcLines("tcp6"), b => ProcNet.ParseInet(Text(b), SocketProtocol.Tcp, v6: true)),
        new("/proc/net/udp line", () => ProcLines("udp"), b => ProcNet.ParseInet(Text(b), SocketProtocol.Udp, v6: false)),
        new("/proc/net/raw6 line", () => ProcLines("raw6"), b => ProcNet.ParseInet(Text(b), SocketProtocol.Raw, v6: true)),
        new("/proc/net/unix line", () => ProcLines("unix"), b => ProcNet.ParseUnix(Text(b), out _)),
        new("/proc/net/packet line", () => ProcLines("packet"), b => ProcNet.ParsePacket(Text(b), null)),
        new("sockstat + snmp", () => [Encoding.UTF8.GetBytes(ProcCapture.Text("sockstat") + "\0" + ProcCapture.Text("snmp"))],
            b => Text(b).Split('\0') is var parts ? SockStat.Parse(parts[0], null, parts.Length > 1 ? parts[1] : null) : null, Lenient: true),
        new("unix_diag_msg", () => FamilyRecords.Of(SocketProtocol.Unix), b => ParseFamily(SocketProtocol.Unix, b)),
        new("packet_diag_msg", () => FamilyRecords.Of(SocketProtocol.Packet), b => ParseFamily(SocketProtocol.Packet, b)),
        new("netlink_diag_msg", () => FamilyRecords.Of(SocketProtocol.Netlink), b => ParseFamily(SocketProtocol.Netlink, b)),
    ];

    /// <summary>The family decoders as NetlinkSource calls them (with memory info).</summary>
    public static SocketInfo ParseFamily(SocketProtocol protocol, byte[] payload) => protocol switch
    {
        SocketProtocol.Unix => UnixDiag.Parse(payload),
        SocketProtocol.Packet => PacketDiag.Parse(payload, memory: true, names: null),
        _ => NetlinkDiag.Parse(payload, memory: true),
    };

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>The socket lines (not the header) of a captured /proc/net table, as seeds.</summary>
    private static IReadOnlyList<byte[]> ProcLines(string table) =>
        Utf8(ProcCapture.Text(table).Split('\n').Skip(1).Where(l => l.Trim().Length > 0).ToArray());

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var t in All)
        {
            data.Add(t.Name);
        }

        return data;
    }

    public static FuzzTarget Get(string name) => All.Single(t => t.Name == name);

    /// <summary>Text seeds as UTF-8, for the /proc parsers.</summary>
    public static IReadOnlyList<byte[]> Utf8(params string[] lines) => lines.Select(Encoding.UTF8.GetBytes).ToList();
}

/// <summary>
/// Seeded random, truncated and corrupted inputs through every parser in <see cref="FuzzTargets"/>:
/// each case ends in a value, a skipped record or a SocketToolsException, within a per-case timeout.
/// STT_FUZZ_CASES=1000000 for a long run; STT_FUZZ_SEED to vary or reproduce.
/// </summary>
[Trait("Category", "Fuzz")]
[Trait("Tier", "Offline")]
public sealed class ParserFuzzTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(FuzzTargets.Names), MemberType = typeof(FuzzTargets))]
    public void MalformedInputIsParsedSkippedOrATypedError(string target)
    {
        var report = Fuzzer.Run(FuzzTargets.Get(target));
        output.WriteLine($"{target}: {Fuzzer.Cases} cases, seed {Fuzzer.Seed}: {report}");

        // A fuzzer whose every case is rejected (or accepted) tests nothing.
        Assert.True(report.Parsed > 0, $"no case parsed: {report}");
        Assert.True(report.Typed + report.Skipped > 0 || FuzzTargets.Get(target).Lenient, $"no case was rejected: {report}");
    }

    [Theory]
    [InlineData("02:0000BAC000000000")]  // found by STT_FUZZ_SEED=11, case 16339: TimeSpan overflow
    [InlineData("01:FFFFFFFFFFFFFFFF")]
    public void ProcTimerTooLargeForATimeSpanIsASkippedLine(string timer)
    {
        string line = "   5: 0100007F:9C32 0100007F:1C20 01 00000000:00000000 " + timer + " 00000000     0        0 929542 3 0000000000000000 20 0 0 10 -1";
        Assert.Null(ProcNet.ParseInet(line, SocketProtocol.Tcp, v6: false));
        Assert.NotNull(ProcNet.ParseInet(line.Replace(timer, "02:000000FA"), SocketProtocol.Tcp, v6: false));
    }

    [Fact]
    public void MutationIsReproducibleFromTheSeed()
    {
        var seeds = InetRecords.All;
        var a = Fuzzer.Mutate(new Random(42), seeds);
        var b = Fuzzer.Mutate(new Random(42), seeds);
        Assert.Equal(a, b);
    }

    [Fact]
    public void HarnessReportsAnUntypedException()
    {
        var buggy = new FuzzTarget("buggy", () => InetRecords.All, b => b[b.Length - 1 - b[0] % 8 - 72]);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Fuzzer.Run(buggy, cases: 200));
    }

    [Fact]
    public void HarnessReportsAHang()
    {
        using var release = new ManualResetEventSlim();
        var hanging = new FuzzTarget("hang", () => InetRecords.All, b => b.Length == 0 || b[0] != 0xee ? 1 : release.Wait(Timeout.Infinite) ? 1 : 0);
        var e = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() =>
            Fuzzer.Run(hanging with { Seeds = () => [[1, 2, 3], [0xee, 0xee, 0xee, 0xee]] }, cases: 500, caseTimeout: TimeSpan.FromSeconds(1)));
        release.Set();
        Assert.Contains("ran past", e.Message);
    }
}
