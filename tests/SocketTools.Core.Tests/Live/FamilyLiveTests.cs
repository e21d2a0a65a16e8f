using System.Globalization;
using System.Text.RegularExpressions;
using SocketTools.Query;
using SocketTools.Text;

namespace SocketTools.Tests.Live;

/// <summary>
/// Unix, raw, packet and netlink sockets over netlink, live in a namespace, against ss -x, -w, -0 and
/// -A netlink run in the same namespace: every socket, every field ss prints.
/// </summary>
public sealed class FamilyLiveTests : IDisposable
{
    private static readonly Regex SkmemRx = new(@"skmem:\([^)]*\)");
    private static readonly Regex PeersRx = new(@"\bpeers:(?: \d+)*");
    private static readonly Regex UnixFileRx = new(@"\bino:\d+ dev:\d+/\d+");

    private readonly LiveNamespace _ns = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("stt-unix-").FullName;

    public FamilyLiveTests()
    {
        try
        {
            FamilyScenario.Build(_ns, _dir);
        }
        catch
        {
            Dispose();  // xunit does not dispose a test class whose constructor threw
            throw;
        }
    }

    public void Dispose()
    {
        _ns.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private List<SocketInfo> Read(SocketProtocol protocol, bool memory = true) =>
        SocketReader.Read(new QueryParameters
        {
            Protocol = [protocol], Memory = memory, NetworkNamespace = [_ns.Name],
        }.ToQuery()).ToList();

    [LiveFact]
    public void UnixSocketsAgreeWithSs()
    {
        var ours = Read(SocketProtocol.Unix);
        var theirs = SsLine.Parse(_ns.Ss("-xaneom"));

        // listener, client, accepted, pending client (+ its embryo), abstract, autobound, pair, named dgram.
        Assert.True(theirs.Count >= 9, $"ss shows {theirs.Count} unix sockets");
        Assert.Equal(theirs.Count, ours.Count);
        var byInode = ours.ToDictionary(s => s.Inode);
        foreach (var line in theirs)
        {
            ulong inode = ulong.Parse(line.Local.Split(' ')[1], CultureInfo.InvariantCulture);
            Assert.True(byInode.TryGetValue(inode, out var s), $"ss shows unix socket {inode} that we did not: {line}");
            string where = $"unix socket {inode} ({line.Local})";
            AssertCells(line, s!, where);
            Assert.True((line.Shutdown ?? "") == SsText.Shutdown(s!.Shutdown), $"{where}: shutdown {SsText.Shutdown(s.Shutdown)} vs ss {line.Shutdown}");
            var file = UnixFileRx.Match(line.Rest);
            Assert.True((file.Success ? file.Value : "") == SsText.UnixFile(s.FileInode, s.FileDevice),
                $"{where}: file {SsText.UnixFile(s.FileInode, s.FileDevice)} vs ss {file.Value}");
            var peers = PeersRx.Match(line.Rest);
            Assert.True((peers.Success ? peers.Value.TrimEnd() : "") == SsText.UnixPeers(s.PendingPeerInodes),
                $"{where}: {SsText.UnixPeers(s.PendingPeerInodes)} vs ss {peers.Value}");
            AssertSkmem(line, s, where);
            Assert.Equal(0u, s.Uid);  // the holder runs as root
            Assert.NotEqual(0UL, s.Cookie);
        }

        Assert.Contains(ours, s => s.Type == SocketKind.Datagram && s.Path == "@stt-abstract@name");
        Assert.Contains(ours, s => s.Type == SocketKind.SeqPacket && s.Path!.StartsWith('@'));
        var listener = Assert.Single(ours, s => s.State == SocketState.Listen);
        Assert.True(listener.Path == _dir + "/listener.sock" && listener.RecvQ == 1 && listener.SendQ == 4, SsText.Line(listener));
        var pending = Assert.Single(listener.PendingPeerInodes!);
        Assert.Contains(ours, s => s.Inode == pending && s.State == SocketState.Established);
        Assert.Contains(ours, s => s.State == SocketState.Established && s.RecvQ == 5 && s.PeerInode is > 0);
        Assert.Contains(ours, s => s.Shutdown == ShutdownState.Send);
        Assert.Contains(ours, s => s.Shutdown == ShutdownState.Receive);

        // Peers point at each other.
        foreach (var s in ours.Where(s => s.State == SocketState.Established && s.PeerInode is > 0))
        {
            if (byInode.TryGetValue(s.PeerInode!.Value, out var peer) && peer.State == SocketState.Established)
            {
                Assert.Equal(s.Inode, peer.PeerInode);
            }
        }
    }

    [LiveFact]
    public void RawSocketsAgreeWithSsAndProcNetRaw()
    {
        var diagnostics = new QueryDiagnostics();
        var ours = SocketReader.Read(new QueryParameters
        {
            Protocol = [SocketProtocol.Raw], Memory = true, NetworkNamespace = [_ns.Name],
        }.ToQuery(), diagnostics).ToList();
        var theirs = SsLine.Parse(_ns.Ss("-waneom"));
        Assert.Equal(3, theirs.Count);
        bool rawDiag = KernelHasRawDiag();
        if (!rawDiag)
        {
            // Without raw_diag (CONFIG_INET_RAW_DIAG) ss reads /proc/net/raw, and so do we, saying so.
            Assert.Contains(diagnostics.Warnings, w => w.StartsWith("Raw sockets are read from /proc/net", StringComparison.Ordinal));
            Assert.Equal("netlink+proc", diagnostics.SourceUsed);
            var netlinkOnly = SocketReader.Read(new QueryParameters
            {
                Protocol = [SocketProtocol.Raw], NetworkNamespace = [_ns.Name], Source = SocketSourceKind.Netlink,
            }.ToQuery()).ToList();
            Assert.Empty(netlinkOnly);
        }

        Assert.Equal(3, ours.Count);
        foreach (var line in theirs)
        {
            var s = Assert.Single(ours, o => SsText.Local(o) == line.Local && SsText.Peer(o) == line.Peer);
            AssertCells(line, s, $"raw socket {line.Local}");
            if (rawDiag)
            {
                AssertSkmem(line, s, $"raw socket {line.Local}");
            }
        }

        // ss -e prints no inode or uid for raw sockets from /proc; /proc/net/raw{,6} in the namespace has them.
        var proc = ProcNet("raw").Concat(ProcNet("raw6")).ToList();
        Assert.Equal(proc.Select(p => p.Inode).Order(), ours.Select(s => s.Inode).Order());
        foreach (var (inode, uid, port) in proc)
        {
            var s = ours.Single(o => o.Inode == inode);
            Assert.Equal(uid, s.Uid);
            Assert.Equal(port, s.LocalPort);  // the IP protocol, where a port would be
        }

        Assert.Contains(ours, s => s.Family == SocketFamily.IPv4 && s.LocalPort == 1);
        Assert.Contains(ours, s => s.Family == SocketFamily.IPv6 && s.LocalPort == 58 && s.V6Only != true);
        Assert.Contains(ours, s => s.Family == SocketFamily.IPv6 && s.LocalPort == 132 && s.LocalAddress == "::1");
    }

    [LiveFact]
    public void PacketSocketsAgreeWithSs()
    {
        var ours = Read(SocketProtocol.Packet);
        var theirs = SsLine.Parse(_ns.Ss("-0aneom"));
        Assert.Equal(2, theirs.Count);
        SsDiffCookies(ours, theirs);
        foreach (var line in theirs)
        {
            var s = ours.Single(o => o.Cookie == line.Cookie);
            AssertCells(line, s, $"packet socket {line.Local}");
            Assert.Equal(line.Inode, s.Inode);
            AssertSkmem(line, s, $"packet socket {line.Local}");
        }

        Assert.Contains(ours, s => s.Type == SocketKind.Raw && s.EtherType == 3 && s.Interface is null);
        Assert.Contains(ours, s => s.Type == SocketKind.Datagram && s.EtherType == 0x0800 && s.Interface == "lo" && s.InterfaceIndex == 1);
    }

    [LiveFact]
    public void NetlinkSocketsAgreeWithSs()
    {
        var ours = Read(SocketProtocol.Netlink);
        var theirs = SsLine.Parse(_ns.Ss("-A", "netlink", "-anem"));

        // Each side's own NETLINK_SOCK_DIAG socket (protocol 4, a non-zero port id) is in its own
        // dump only, and the kernel's sock_diag socket queues the dump in flight: compare those apart.
        static bool Dumper(string local) => local.StartsWith("4:", StringComparison.Ordinal);
        var theirRows = theirs.Where(l => !Dumper(l.Local))
            .Select(l => $"{l.State} {l.RecvQ} {l.SendQ} {l.Local} {l.Peer} {SkmemRx.Match(l.Rest).Value}").Order().ToList();
        var ourRows = ours.Where(s => !Dumper(SsText.Local(s)))
            .Select(s => $"{SsText.State(s.State)} {s.RecvQ} {s.SendQ} {SsText.Local(s)} {SsText.Peer(s)} {SsText.Skmem(s.Memory)}").Order().ToList();
        Assert.Equal(theirRows, ourRows);
        Assert.Contains("4:0", theirs.Select(l => l.Local));
        Assert.Contains("4:0", ours.Select(SsText.Local));

        Assert.Contains(ours, s => s.NetlinkProtocol == 0 && s.PortId > 0 && s.PeerPortId is null && s.Type == SocketKind.Raw);
        Assert.Contains(ours, s => s.NetlinkProtocol == 15 && s.PeerPortId == 0 && s.PeerGroup == 0 && s.Type == SocketKind.Datagram);
        Assert.All(ours, s => Assert.NotEqual(0UL, s.Inode == 0 && s.PortId != 0 ? 0UL : 1UL));
    }

    [LiveFact]
    public void ProtocolAllListsEveryFamilyAndFamilySelectsOne()
    {
        var all = SocketReader.Read(new QueryParameters { Protocol = [SocketProtocol.All], NetworkNamespace = [_ns.Name] }.ToQuery()).ToList();
        foreach (var p in new[] { SocketProtocol.Raw, SocketProtocol.Unix, SocketProtocol.Packet, SocketProtocol.Netlink })
        {

            Assert.Contains(all, s => s.Protocol == p);
        }

        var unix = SocketReader.Read(new QueryParameters { Family = [SocketFamily.Unix], NetworkNamespace = [_ns.Name] }.ToQuery()).ToList();
        Assert.NotEmpty(unix);
        Assert.All(unix, s => Assert.Equal(SocketProtocol.Unix, s.Protocol));

        // The default stays TCP and UDP: this namespace has neither.
        Assert.Empty(SocketReader.Read(new SocketQuery { NetworkNamespace = _ns.Name }));
    }

    [LiveFact]
    public void UnixStateFilterSelectsWhatSsSelects()
    {
        var query = new QueryParameters { Protocol = [SocketProtocol.Unix], State = ["Listen"], NetworkNamespace = [_ns.Name] }.ToQuery();
        var ours = SocketReader.Read(query).Where(s => s.State == SocketState.Listen).ToList();
        var theirs = SsLine.Parse(_ns.Ss("-xn", "state", "listening"));
        Assert.Equal(theirs.Select(l => l.Local).Order(), ours.Select(SsText.Local).Order());
    }

    /// <summary>Whether this kernel answers inet_diag dumps for IPPROTO_RAW (raw_diag), asked directly.</summary>
    private static bool KernelHasRawDiag()
    {
        using var socket = SocketTools.Linux.NetlinkSocket.Open(null);
        byte[] request = new byte[256];
        int length = SocketTools.Linux.InetDiag.BuildRequest(request, 2, SocketTools.Linux.InetDiag.IPPROTO_RAW, 0, 0, default, 255);
        try
        {
            foreach (var _ in socket.Dump(request, length, _ => null, CancellationToken.None))
            {
            }

            return true;
        }
        catch (NetlinkException e) when (e.Errno == 2)
        {
            return false;
        }
    }

    private static void SsDiffCookies(IReadOnlyList<SocketInfo> ours, IReadOnlyList<SsLine> theirs)
    {
        Assert.All(theirs, l => Assert.NotNull(l.Cookie));
        Assert.Equal(theirs.Select(l => l.Cookie!.Value).Order(), ours.Select(s => s.Cookie).Order());
    }

    private static void AssertCells(SsLine line, SocketInfo s, string where)
    {
        if (line.Netid.Length > 0)
        {
            Assert.True(line.Netid == SsText.Netid(s.Protocol, s.Type), $"{where}: Netid {SsText.Netid(s.Protocol, s.Type)} vs ss {line.Netid}");
        }

        Assert.True(line.State == SsText.State(s.State), $"{where}: State {SsText.State(s.State)} vs ss {line.State}");
        Assert.True(line.RecvQ == s.RecvQ, $"{where}: RecvQ {s.RecvQ} vs ss {line.RecvQ}");
        Assert.True(line.SendQ == s.SendQ, $"{where}: SendQ {s.SendQ} vs ss {line.SendQ}");
        Assert.True(line.Local == SsText.Local(s), $"{where}: Local {SsText.Local(s)} vs ss {line.Local}");
        Assert.True(line.Peer == SsText.Peer(s), $"{where}: Peer {SsText.Peer(s)} vs ss {line.Peer}");
    }

    private static void AssertSkmem(SsLine line, SocketInfo s, string where)
    {
        var m = SkmemRx.Match(line.Rest);
        Assert.True(m.Success, $"{where}: ss printed no skmem");
        Assert.NotNull(s.Memory);
        Assert.True(m.Value == SsText.Skmem(s.Memory), $"{where}: {SsText.Skmem(s.Memory)} vs ss {m.Value}");
    }

    /// <summary>(inode, uid, local port) of every socket in /proc/net/&lt;file&gt; inside the namespace.</summary>
    private IEnumerable<(ulong Inode, uint Uid, int Port)> ProcNet(string file)
    {
        foreach (string row in _ns.Exec("cat", "/proc/net/" + file).Split('\n').Skip(1))
        {
            string[] f = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 10)
            {
                continue;
            }

            int port = int.Parse(f[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            yield return (ulong.Parse(f[9], CultureInfo.InvariantCulture), uint.Parse(f[7], CultureInfo.InvariantCulture), port);
        }
    }
}
