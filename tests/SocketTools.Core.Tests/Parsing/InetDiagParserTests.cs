using System.Diagnostics;
using SocketTools.Linux;
using SocketTools.Tests.Live;

namespace SocketTools.Tests.Parsing;

/// <summary>inet_diag_msg decoding on reply bytes captured from this kernel, checked against ss's view of the same sockets.</summary>
public sealed class InetDiagParserTests
{
    private const string CaptureFile = "inet-scenario.bin";
    private const string SsFile = "inet-scenario.ss.txt";

    [Fact]
    [Trait("Tier", "Offline")]
    public void CapturedRepliesDecodeToWhatSsPrinted()
    {
        var records = Captures.Read(Path.Combine(Captures.Dir, CaptureFile));
        Assert.True(records.Count >= 18, $"the capture holds {records.Count} records");
        var ours = records.Select(r => InetDiag.Parse(r.Payload, r.Protocol, names: null)).ToList();
        var theirs = SsLine.Parse(File.ReadAllText(Path.Combine(Captures.Dir, SsFile)));

        // The capture's namespace is gone, so the device-bound socket's %lo cannot be resolved here.
        var unbound = ours.Select(s => s.InterfaceIndex == 1 ? WithInterface(s, "lo") : s).ToList();
        SsDiff.AssertSame(unbound, theirs, TimeSpan.FromMilliseconds(200));
    }

    [LiveFact]
    public void LiveCaptureDecodesToWhatSsPrints()
    {
        using var ns = new LiveNamespace();
        InetScenario.Build(ns);
        var clock = Stopwatch.StartNew();
        var records = Captures.CaptureInet(ns.Name);
        string ss = ns.Ss("-tuanoe");
        var gap = clock.Elapsed;
        var ours = records.Select(r => InetDiag.Parse(r.Payload, r.Protocol, names: null))
            .Select(s => s.InterfaceIndex == 1 ? WithInterface(s, "lo") : s).ToList();
        SsDiff.AssertSame(ours, SsLine.Parse(ss), gap);

        // STT_UPDATE_TESTDATA=<dir> refreshes the checked-in capture from this run.
        string? update = Environment.GetEnvironmentVariable("STT_UPDATE_TESTDATA");
        if (!string.IsNullOrEmpty(update))
        {
            Captures.Write(Path.Combine(update, CaptureFile), records);
            File.WriteAllText(Path.Combine(update, SsFile), ss);
        }
    }

    [Fact]
    [Trait("Tier", "Offline")]
    public void TruncatedMessageIsATypedError()
    {
        var records = Captures.Read(Path.Combine(Captures.Dir, CaptureFile));
        var payload = records[0].Payload;
        var e = Assert.Throws<NetlinkException>(() => InetDiag.Parse(payload.AsSpan(0, 40), SocketProtocol.Tcp, null));
        Assert.Equal(ErrorKind.InvalidData, e.Kind);

        // An attribute that claims more bytes than remain.
        var broken = payload.ToArray();
        if (broken.Length > InetDiag.MessageLength + 4)
        {
            broken[InetDiag.MessageLength] = 0xff;
            broken[InetDiag.MessageLength + 1] = 0x7f;
            Assert.Throws<NetlinkException>(() => InetDiag.Parse(broken, SocketProtocol.Tcp, null));
        }
    }

    private static SocketInfo WithInterface(SocketInfo s, string name) => new()
    {
        Protocol = s.Protocol, Family = s.Family, Type = s.Type, State = s.State,
        LocalAddress = s.LocalAddress, LocalPort = s.LocalPort, RemoteAddress = s.RemoteAddress, RemotePort = s.RemotePort,
        RecvQ = s.RecvQ, SendQ = s.SendQ, Interface = name, InterfaceIndex = s.InterfaceIndex,
        TimerKind = s.TimerKind, Timer = s.Timer, Retransmits = s.Retransmits, Uid = s.Uid, Inode = s.Inode,
        Cookie = s.Cookie, CgroupId = s.CgroupId, V6Only = s.V6Only, Shutdown = s.Shutdown, Mark = s.Mark,
    };
}
