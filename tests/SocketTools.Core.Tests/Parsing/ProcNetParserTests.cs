using System.Globalization;
using SocketTools.Linux;
using SocketTools.Query;
using SocketTools.Tests.Live;
using SocketTools.Text;

namespace SocketTools.Tests.Parsing;

/// <summary>The /proc/net parsers on tables captured from a test namespace, against ss output of the same moment.</summary>
[Trait("Tier", "Offline")]
public sealed class ProcNetParserTests
{
    private static readonly SocketQuery Everything = new()
    {
        Protocols = ProcNetLiveTests.AllProc, Source = SocketSourceKind.Proc,
    };

    private static List<SocketInfo> ReadCapture(QueryDiagnostics? diagnostics = null, string? root = null) =>
        new ProcNetSource(root ?? ProcCapture.Dir).Enumerate(Everything, diagnostics ?? new QueryDiagnostics(), CancellationToken.None).ToList();

    private static TimeSpan CaptureGap =>
        TimeSpan.FromMilliseconds(int.Parse(ProcCapture.Text("gap-ms.txt"), CultureInfo.InvariantCulture));

    [Fact]
    public void CapturedTablesParseToWhatSsPrinted()
    {
        var diagnostics = new QueryDiagnostics();
        var ours = ReadCapture(diagnostics);
        Assert.Equal(0, diagnostics.SkippedRecords);
        Assert.Empty(diagnostics.Warnings);

        // The capture's namespace is gone, so the packet socket's lo cannot be resolved by index here.
        var packets = ours.Where(s => s.Protocol == SocketProtocol.Packet)
            .Select(s => s.InterfaceIndex == 1 ? With(s, "lo") : s).ToList();
        ProcDiff.AgreeWithSs(ours.Where(s => s.Protocol is SocketProtocol.Tcp or SocketProtocol.Udp).ToList(),
            SsLine.Parse(ProcCapture.Text("ss-tuanoe.txt")), CaptureGap);
        ProcDiff.AgreeWithSs(ours.Where(s => s.Protocol == SocketProtocol.Raw).ToList(), SsLine.Parse(ProcCapture.Text("ss-wanoe.txt")), CaptureGap);
        ProcDiff.AgreeWithSs(ours.Where(s => s.Protocol == SocketProtocol.Unix).ToList(), SsOther.Parse(ProcCapture.Text("ss-xan.txt")));
        ProcDiff.AgreeWithSs(packets, SsOther.Parse(ProcCapture.Text("ss-0ane.txt")));
    }

    [Fact]
    public void CaptureCoversTheCasesTheParsersMustHandle()
    {
        var ours = ReadCapture();
        // IPv6 words in host order, v4-mapped addresses, TIME-WAIT with inode 0 and a timer in clock ticks.
        Assert.Contains(ours, s => s.LocalAddress == "::1" && s.State == SocketState.Listen);
        Assert.Contains(ours, s => s.LocalIPAddress()!.IsIPv4MappedToIPv6 && s.State == SocketState.Established);
        var tw = Assert.Single(ours, s => s.State == SocketState.TimeWait);
        Assert.Equal(TimerKind.TimeWait, tw.TimerKind);
        Assert.Equal(0UL, tw.Inode);
        Assert.Equal(0, tw.Timer.Milliseconds % 10);
        Assert.InRange(tw.Timer, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(60));

        // A keepalive timer, in clock ticks; probes (the "timeout" column) are its retransmits.
        var keepalive = Assert.Single(ours, s => s.TimerKind == TimerKind.Keepalive);
        Assert.InRange(keepalive.Timer, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));
        Assert.Equal(0, keepalive.Retransmits);

        // A listener's accept queue is Recv-Q; its backlog is not in /proc (Send-Q stays 0).
        var queued = Assert.Single(ours, s => s.State == SocketState.Listen && s.LocalPort == 7005);
        Assert.Equal(1, queued.RecvQ);
        Assert.Equal(0, queued.SendQ);

        // Unix: an abstract name, a path with a space, unnamed sockets, a listener; no embryo (inode 0).
        var unix = ours.Where(s => s.Protocol == SocketProtocol.Unix).ToList();
        Assert.Contains(unix, s => s.Path == "@stt abstract" && s.State == SocketState.Listen && s.Type == SocketKind.Stream);
        Assert.Contains(unix, s => s.Path is not null && s.Path.EndsWith("/dgram sock", StringComparison.Ordinal) && s.Type == SocketKind.Datagram);
        Assert.Equal(2, unix.Count(s => s.Type == SocketKind.SeqPacket && s.Path is null && s.State == SocketState.Established));
        Assert.DoesNotContain(unix, s => s.Inode == 0);
        // The Num column: the kernel address lsof prints as a Unix socket's DEVICE.
        Assert.All(unix, s => Assert.NotNull(s.KernelAddress));
        var first = ProcCapture.Text("unix").Split('\n')[1];
        var parsed = ProcNet.ParseUnix(first, out _)!;
        Assert.Equal(ulong.Parse(first[..first.IndexOf(':')], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture), parsed.KernelAddress);
        Assert.Contains("     0 @stt abstract", ProcCapture.Text("unix"), StringComparison.Ordinal);

        // Packet: ETH_P_ALL raw on no device, ETH_P_IP datagram on ifindex 1.
        Assert.Contains(ours, s => s.Protocol == SocketProtocol.Packet && s.Type == SocketKind.Raw && s.EtherType == 3 && s.InterfaceIndex == 0);
        Assert.Contains(ours, s => s.Protocol == SocketProtocol.Packet && s.Type == SocketKind.Datagram && s.EtherType == 0x0800 && s.InterfaceIndex == 1);

        // Raw: the local port is the IP protocol (ICMP 1, ICMPv6 58).
        Assert.Contains(ours, s => s.Protocol == SocketProtocol.Raw && s.Family == SocketFamily.IPv4 && s.LocalPort == 1);
        Assert.Contains(ours, s => s.Protocol == SocketProtocol.Raw && s.Family == SocketFamily.IPv6 && s.LocalPort == 58);
    }

    [Fact]
    public void MalformedLinesAreSkippedAndCountedNeverThrown()
    {
        string dir = CopyCapture();
        try
        {
            string[] garbage =
            [
                "   9: 0100007F:1B5G 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1",   // bad hex
                "  10: 0100007F:1B59",                                                                            // truncated
                "  11: 0100007F00:1B59 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1", // wrong width
                "",                                                                                               // blank: ignored
                "\u0000\u00ff garbage line",
            ];
            File.AppendAllLines(Path.Combine(dir, "tcp"), garbage);
            File.AppendAllLines(Path.Combine(dir, "unix"), ["0000000000000000: 00000002 00000000 0001000X 0001 01 12345 /x"]);
            File.AppendAllLines(Path.Combine(dir, "packet"), ["0000000000000000 3 3 0003 0 1 0 0"]);   // no inode
            var diagnostics = new QueryDiagnostics();
            var ours = ReadCapture(diagnostics, dir);
            Assert.Equal(6, diagnostics.SkippedRecords);
            Assert.Equal(ReadCapture().Count, ours.Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AMissingTableIsOneWarningAndTheRestIsRead()
    {
        string dir = CopyCapture();
        try
        {
            File.Delete(Path.Combine(dir, "tcp6"));
            var diagnostics = new QueryDiagnostics();
            var ours = ReadCapture(diagnostics, dir);
            var warning = Assert.Single(diagnostics.Warnings);
            Assert.Contains("tcp6", warning, StringComparison.Ordinal);
            Assert.DoesNotContain(ours, s => s.Protocol == SocketProtocol.Tcp && s.Family == SocketFamily.IPv6);
            Assert.Contains(ours, s => s.Protocol == SocketProtocol.Udp && s.Family == SocketFamily.IPv6);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AMissingProcNetIsATypedError()
    {
        var e = Assert.Throws<SocketToolsException>(() => ReadCapture(root: "/nonexistent/stt/net"));
        Assert.Equal("ProcNetUnavailable", e.ErrorId);
        Assert.Equal(ErrorKind.ResourceUnavailable, e.Kind);
    }

    [Fact]
    public void OnlyTheTablesTheQueryNeedsAreOpened()
    {
        var tables = ProcNetSource.Tables(new SocketQuery { Protocols = [SocketProtocol.Udp, SocketProtocol.Unix], Families = [SocketFamily.IPv6] });
        Assert.Equal(["udp6", "unix"], tables.Select(t => t.File));
    }

    [Fact]
    public void CapturedSummaryFilesFormatToWhatSsPrinted()
    {
        var summary = SockStat.Parse(SummaryCapture.Text("sockstat"), SummaryCapture.Text("sockstat6"), SummaryCapture.Text("snmp"));
        Assert.Equal(SummaryCapture.Text("ss-s.txt"), SummaryText.Format(summary));
        Assert.Equal(SummaryCapture.Text("ss-s.txt"), summary.ToString());
        Assert.Equal(summary.RawIPv4 + summary.UdpIPv4 + summary.TcpIPv4, summary.InetIPv4);
    }

    [Fact]
    public void SummaryWithoutIPv6OrSnmpCountsThemAsZeroLikeSs()
    {
        var summary = SockStat.Parse(SummaryCapture.Text("sockstat"), null, null);
        Assert.Equal(0, summary.TcpIPv6);
        Assert.Equal(0, summary.TcpEstablished);
        Assert.True(summary.TcpIPv4 > 0);
        Assert.Null(SockStat.SnmpValue(SummaryCapture.Text("snmp"), "Tcp:", "NoSuchCounter"));
        Assert.Equal(-1, SockStat.SnmpValue(SummaryCapture.Text("snmp"), "Tcp:", "MaxConn"));
    }

    private static string CopyCapture()
    {
        string dir = Path.Combine(Path.GetTempPath(), "stt-procnet-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        foreach (string f in Directory.GetFiles(ProcCapture.Dir))
        {
            File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        }

        return dir;
    }

    private static SocketInfo With(SocketInfo s, string name) => new()
    {
        Protocol = s.Protocol, Family = s.Family, Type = s.Type, State = s.State, RecvQ = s.RecvQ, SendQ = s.SendQ,
        Interface = name, InterfaceIndex = s.InterfaceIndex, Uid = s.Uid, Inode = s.Inode, EtherType = s.EtherType,
    };
}
