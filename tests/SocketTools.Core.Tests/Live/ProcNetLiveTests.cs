using System.Diagnostics;
using SocketTools.Linux;
using SocketTools.Query;

using SocketTools.Tests.Parsing;

namespace SocketTools.Tests.Live;

/// <summary>The /proc/net source, live in a namespace: against netlink and against ss in the same namespace.</summary>
public sealed class ProcNetLiveTests
{
    public static readonly SocketProtocol[] AllProc =
        [SocketProtocol.Tcp, SocketProtocol.Udp, SocketProtocol.Raw, SocketProtocol.Unix, SocketProtocol.Packet];

    private static SocketQuery Query(string ns, SocketSourceKind source) =>
        new() { Protocols = AllProc, NetworkNamespace = ns, Source = source };

    [LiveFact]
    public void ProcAgreesWithNetlinkOnEveryFieldProcCarries()
    {
        using var ns = new LiveNamespace();
        string dir = ProcScenario.Build(ns);
        try
        {
            var clock = Stopwatch.StartNew();
            var netlink = SocketReader.Read(Query(ns.Name, SocketSourceKind.Netlink)).ToList();
            var diagnostics = new QueryDiagnostics();
            var proc = SocketReader.Read(Query(ns.Name, SocketSourceKind.Proc), diagnostics).ToList();
            var gap = clock.Elapsed;

            Assert.Equal("proc", diagnostics.SourceUsed);
            Assert.Equal(0, diagnostics.SkippedRecords);
            Assert.Empty(diagnostics.Warnings);
            foreach (var protocol in AllProc)
            {
                Assert.Contains(proc, s => s.Protocol == protocol);
            }

            // Every protocol the netlink source lists is compared (TCP and UDP always; RAW, Unix and
            // packet once sock_diag for them is in): the same sockets, the same values.
            var covered = AllProc.Where(p => netlink.Any(s => s.Protocol == p)).ToList();
            Assert.Contains(SocketProtocol.Tcp, covered);
            Assert.Contains(SocketProtocol.Udp, covered);
            Assert.Equal(21, proc.Count(s => s.Protocol is SocketProtocol.Tcp or SocketProtocol.Udp));
            Assert.Contains(proc, s => s.TimerKind == TimerKind.Keepalive && s.Timer > TimeSpan.FromSeconds(20));
            ProcDiff.AgreeWithNetlink(netlink, proc, covered, gap);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [LiveFact]
    public void ProcAgreesWithSsAndRefreshesTheCapture()
    {
        using var ns = new LiveNamespace();
        string dir = ProcScenario.Build(ns);
        try
        {
            var clock = Stopwatch.StartNew();
            var tables = Capture(ns.Name);
            string inet = ns.Ss("-tuanoe");
            string raw = ns.Ss("-wanoe");
            string unix = ns.Ss("-xan");
            string packet = ns.Ss("-0ane");
            var gap = clock.Elapsed;

            var proc = SocketReader.Read(Query(ns.Name, SocketSourceKind.Proc)).ToList();
            var gapLive = clock.Elapsed;
            ProcDiff.AgreeWithSs(proc.Where(s => s.Protocol is SocketProtocol.Tcp or SocketProtocol.Udp).ToList(), SsLine.Parse(inet), gapLive);
            ProcDiff.AgreeWithSs(proc.Where(s => s.Protocol == SocketProtocol.Raw).ToList(), SsLine.Parse(raw), gapLive);
            ProcDiff.AgreeWithSs(proc.Where(s => s.Protocol == SocketProtocol.Unix).ToList(), SsOther.Parse(unix));
            ProcDiff.AgreeWithSs(proc.Where(s => s.Protocol == SocketProtocol.Packet).ToList(), SsOther.Parse(packet));

            // STT_UPDATE_TESTDATA=<dir> refreshes the checked-in capture from this run.
            string? update = Environment.GetEnvironmentVariable("STT_UPDATE_TESTDATA");
            if (!string.IsNullOrEmpty(update))
            {
                string target = Path.Combine(update, ProcCapture.Folder);
                Directory.CreateDirectory(target);
                foreach (var (name, text) in tables)
                {
                    File.WriteAllText(Path.Combine(target, name), text);
                }

                File.WriteAllText(Path.Combine(target, "ss-tuanoe.txt"), inet);
                File.WriteAllText(Path.Combine(target, "ss-wanoe.txt"), raw);
                File.WriteAllText(Path.Combine(target, "ss-xan.txt"), unix);
                File.WriteAllText(Path.Combine(target, "ss-0ane.txt"), packet);
                File.WriteAllText(Path.Combine(target, "gap-ms.txt"), ((int)Math.Ceiling(gap.TotalMilliseconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [LiveFact]
    public void ProcSourceSeesOnlyTheNamespacesSockets()
    {
        using var empty = new LiveNamespace();
        var sockets = SocketReader.Read(new SocketQuery { Protocols = AllProc, NetworkNamespace = empty.Name, Source = SocketSourceKind.Proc }).ToList();
        Assert.Empty(SsOther.Parse(empty.Ss("-xan")));
        Assert.Empty(SsLine.Parse(empty.Ss("-tuwanoe")));
        Assert.Empty(sockets);

        // The test process's own namespace does have Unix sockets (this test runner's among them).
        Assert.NotEmpty(SocketReader.Read(new SocketQuery { Protocols = [SocketProtocol.Unix], Source = SocketSourceKind.Proc }));
    }

    [LiveFact]
    public void AQueryReadsAFixedSetOfTablesFromProc()
    {
        using var ns = new LiveNamespace();
        InetScenario.Build(ns);
        var query = new QueryParameters
        {
            State = ["Listen"], Protocol = [SocketProtocol.Tcp], Family = [SocketFamily.IPv6], Source = SocketSourceKind.Proc, NetworkNamespace = [ns.Name],
        }.ToQuery();
        var ours = SocketReader.Read(query).ToList();
        var theirs = SsLine.Parse(ns.Ss("-6tlnoe"));
        Assert.Equal(3, theirs.Count);
        ProcDiff.AgreeWithSs(ours, theirs, TimeSpan.FromSeconds(1));
    }

    /// <summary>The text of every /proc/net table the source reads, and the summary's files, from the namespace.</summary>
    public static List<(string Name, string Text)> Capture(string netns)
    {
        string[] names = ["tcp", "tcp6", "udp", "udp6", "raw", "raw6", "unix", "packet", "sockstat", "sockstat6", "snmp"];
        var streams = ProcFiles.Open(netns, ProcNetSource.DefaultRoot, names);
        var result = new List<(string, string)>();
        for (int i = 0; i < names.Length; i++)
        {
            using var stream = streams[i]!;
            result.Add((names[i], ProcFiles.ReadAllText(stream, names[i])));
        }

        return result;
    }
}
