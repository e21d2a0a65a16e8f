using System.Text.RegularExpressions;
using SocketTools.Linux;
using SocketTools.Query;
using SocketTools.Text;

namespace SocketTools.Tests.Live;

/// <summary>Owners of sockets, live in a namespace, against ss -tuanp, lsof -nP -i and netstat -tuanp run in it.</summary>
public sealed class OwnerLiveTests
{
    private static string Key(string netid, string local, string peer) => $"{netid} {local} {peer}";

    private static List<SocketInfo> ReadWithOwners(LiveNamespace ns, QueryParameters? parameters = null)
    {
        parameters ??= new QueryParameters();
        parameters.NetworkNamespace = [ns.Name];
        parameters.IncludeProcess = true;
        return SocketReader.Read(parameters.ToQuery()).ToList();
    }

    [LiveFact]
    public void OwnersEqualSsForEverySocket()
    {
        using var ns = new LiveNamespace();
        var scenario = OwnerScenario.Start(ns);
        var ours = ReadWithOwners(ns);
        var theirs = SsLine.Parse(ns.Ss("-tuanp"));

        // 4 listeners, an established pair, 2 UDP sockets (the parent's, shared); a listener and a UDP socket (the child's).
        Assert.Equal(10, ours.Count);
        Assert.Equal(theirs.Count, ours.Count);
        var expected = theirs.ToDictionary(l => Key(l.Netid, l.Local, l.Peer), l => Regex.Match(l.Rest, @"users:\(.*\)").Value);
        foreach (var s in ours)
        {
            string key = Key(SsText.Netid(s.Protocol, s.Type), SsText.Local(s), SsText.Peer(s));
            Assert.True(expected.ContainsKey(key), $"ss has no {key}");
            Assert.Equal(expected[key], SsText.Users(s.Owners));
            Assert.Equal(expected[key], SsText.Users(s.Owners.Select(o => o.Command).ToArray(),
                s.Owners.Select(o => o.Id).ToArray(), s.Owners.Select(o => o.Fd).ToArray()));
        }

        // The shared sockets have both processes; the child's own have one; OwningProcess is the lower pid.
        Assert.Equal(8, ours.Count(s => s.Owners.Count == 2));
        Assert.All(ours.Where(s => s.Owners.Count == 2), s => Assert.Equal(Math.Min(scenario.Parent, scenario.Child), s.OwningProcess));
        var own = ours.Where(s => s.Owners.Count == 1).ToList();
        Assert.Equal(2, own.Count);
        Assert.All(own, s => Assert.Equal(scenario.Child, s.OwningProcess));
        Assert.All(ours.SelectMany(s => s.Owners), o => Assert.Equal("python3", o.Command));
    }

    [LiveFact]
    public void ListeningQueryEqualsSsLntup()
    {
        using var ns = new LiveNamespace();
        OwnerScenario.Start(ns);
        var ours = SocketReader.Read(ListeningQuery.Build(null, null, null, ns.Name)).ToList();
        var theirs = SsLine.Parse(ns.Ss("-lntup"));
        // 5 TCP listeners and the unconnected UDP sockets on 5353 and [::1]:5360; not the connected ones.
        Assert.Equal(7, theirs.Count);
        Assert.Equal(
            theirs.Select(l => $"{l.Netid} {l.State} {l.RecvQ} {l.SendQ} {l.Local} {l.Peer} {Regex.Match(l.Rest, @"users:\(.*\)").Value}").Order(StringComparer.Ordinal),
            ours.Select(s => $"{SsText.Netid(s.Protocol, s.Type)} {SsText.State(s.State)} {s.RecvQ} {s.SendQ} {SsText.Local(s)} {SsText.Peer(s)} {SsText.Users(s.Owners)}").Order(StringComparer.Ordinal));

        var only = SocketReader.Read(ListeningQuery.Build(["7010", "5353"], [SocketProtocol.Tcp], null, ns.Name)).ToList();
        Assert.Equal(7010, Assert.Single(only).LocalPort);
        var e = Assert.Throws<SocketToolsException>(() => ListeningQuery.Build(null, [SocketProtocol.Unix], null, null));
        Assert.Equal("ListeningProtocolNotSupported", e.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
    }

    [LiveFact]
    public void SocketProcessRowsEqualLsof()
    {
        using var ns = new LiveNamespace();
        var scenario = OwnerScenario.Start(ns);
        var sockets = SocketReader.Read(new SocketQuery { NetworkNamespace = ns.Name }).ToList();
        var rows = SocketProcesses.Of(sockets, new QueryDiagnostics()).ToList();
        string lsof = ns.Exec("lsof", "-nP", "-i");
        var theirs = lsof.Split('\n').Skip(1).Where(l => l.Length > 0)
            .Select(l => Regex.Replace(l.TrimEnd(), @"\s+", " ")).ToList();

        Assert.Equal(8 + 8 + 2, rows.Count);
        Assert.Equal(theirs, rows.Select(LsofText.Line).ToList());
        Assert.Contains(rows, r => r.Id == scenario.Child && r.Socket.LocalPort == 7010);
        var parent = rows.First(r => r.Id == scenario.Parent);
        Assert.Equal("python3", parent.Command);
        Assert.Equal("root", parent.User);
        Assert.Matches(@"python3 -c import os, socket", parent.CommandLine);
        Assert.Matches(@"/python3(\.\d+)?$", parent.Path);
        Assert.NotNull(parent.StartTime);
        var started = System.Diagnostics.Process.GetProcessById(scenario.Parent).StartTime;
        Assert.InRange((parent.StartTime!.Value - started).Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    [LiveFact]
    public void NetstatLinesEqualNetstat()
    {
        using var ns = new LiveNamespace();
        OwnerScenario.Start(ns);
        var ours = ReadWithOwners(ns).Select(s => Regex.Replace(NetstatText.Line(s), @"\s+", " ").Trim()).Order(StringComparer.Ordinal).ToList();
        var theirs = ns.Exec("netstat", "-tuanpW").Split('\n')
            .Where(l => l.StartsWith("tcp", StringComparison.Ordinal) || l.StartsWith("udp", StringComparison.Ordinal))
            .Select(l => Regex.Replace(l, @"\s+", " ").Trim()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(10, theirs.Count);
        Assert.Equal(theirs, ours);
    }

    [LiveFact]
    public void MappedAndLongAddressesMatchNetstatLsofAndSs()
    {
        using var ns = new LiveNamespace();
        ns.Exec("ip", "addr", "add", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1/64", "dev", "lo", "nodad");
        const string script = """
import socket, time
a6 = "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1"
l = socket.socket(socket.AF_INET6); l.bind((a6, 7100)); l.listen(1)
c = socket.socket(socket.AF_INET6); c.connect((a6, 7100)); s, _ = l.accept()
d = socket.socket(socket.AF_INET6); d.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0); d.bind(("::", 7101)); d.listen(1)
m = socket.socket(socket.AF_INET6); m.connect(("::ffff:127.0.0.1", 7101)); ms, _ = d.accept()
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.bind(("::1", 5360))
uc = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); uc.connect(("::1", 5360))
print("ready", flush=True)
time.sleep(3600)
""";
        var p = ns.Start("python3", "-c", script);
        Assert.Equal("ready", p.StandardOutput.ReadLine());

        var ours = ReadWithOwners(ns);
        Assert.Equal(8, ours.Count);
        static List<string> Netstat(LiveNamespace ns, string options) => ns.Exec("netstat", options).Split('\n')
            .Where(l => l.StartsWith("tcp", StringComparison.Ordinal) || l.StartsWith("udp", StringComparison.Ordinal))
            .Select(l => Regex.Replace(l, @"\s+", " ").Trim()).Order(StringComparer.Ordinal).ToList();
        // Without -W netstat cuts the address to its 23-character column; the view never cuts, as with -W.
        Assert.Contains(Netstat(ns, "-tuanp"), l => l.Contains("2001:db8:aaaa:bbbb:7100", StringComparison.Ordinal));
        var netstat = Netstat(ns, "-tuanpW");
        Assert.Contains(netstat, l => l.Contains("2001:db8:aaaa:bbbb:cccc:dddd:eeee:1:7100", StringComparison.Ordinal));
        Assert.Equal(netstat, ours.Select(s => Regex.Replace(NetstatText.Line(s), @"\s+", " ").Trim()).Order(StringComparer.Ordinal).ToList());

        var lsof = ns.Exec("lsof", "-nP", "-i").Split('\n').Skip(1).Where(l => l.Length > 0)
            .Select(l => Regex.Replace(l.TrimEnd(), @"\s+", " ")).ToList();
        Assert.Equal(lsof, SocketProcesses.Of(ours, new QueryDiagnostics()).Select(LsofText.Line).ToList());

        var ss = SsLine.Parse(ns.Ss("-tuanp")).ToDictionary(l => Key(l.Netid, l.Local, l.Peer), l => Regex.Match(l.Rest, @"users:\(.*\)").Value);
        Assert.All(ours, s => Assert.Equal(ss[Key(SsText.Netid(s.Protocol, s.Type), SsText.Local(s), SsText.Peer(s))], SsText.Users(s.Owners)));
    }

    [LiveFact]
    public void UnixSocketOwnersEqualSs()
    {
        using var ns = new LiveNamespace();
        const string script = """
import os, socket, time
l = socket.socket(socket.AF_UNIX); l.bind("\0stt-owner-test"); l.listen(3)
c = socket.socket(socket.AF_UNIX); c.connect("\0stt-owner-test"); a, _ = l.accept()
p, q = socket.socketpair()
if os.fork() == 0:
    time.sleep(3600)
print("ready", flush=True)
time.sleep(3600)
""";
        var p = ns.Start("python3", "-c", script);
        Assert.Equal("ready", p.StandardOutput.ReadLine());
        var ours = SocketReader.Read(new SocketQuery { Protocols = [SocketProtocol.Unix], NetworkNamespace = ns.Name, IncludeProcess = true }).ToList();
        // ss -xap: Netid State Recv-Q Send-Q Local Inode Peer Inode users:(...)
        var theirs = ns.Ss("-xapH").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(f => ulong.Parse(f[5], System.Globalization.CultureInfo.InvariantCulture), f => f.Length > 8 ? f[8] : "");
        Assert.Equal(5, theirs.Count);  // the listener, a connected pair, a socketpair
        Assert.Equal(theirs.Count, ours.Count);
        Assert.All(ours, s => Assert.Equal(theirs[s.Inode], SsText.Users(s.Owners)));
        Assert.All(ours, s => Assert.Equal(2, s.Owners.Count));
    }

    [LiveFact]
    public void ProcessIdAndNameSelectTheSocketsSsShowsForThem()
    {
        using var ns = new LiveNamespace();
        var scenario = OwnerScenario.Start(ns);
        var ss = SsLine.Parse(ns.Ss("-tuanp"));
        var ofChild = ReadWithOwners(ns, new QueryParameters { ProcessId = [scenario.Child] });
        Assert.Equal(ss.Count(l => l.Rest.Contains($"pid={scenario.Child},", StringComparison.Ordinal)), ofChild.Count);
        Assert.Equal(10, ofChild.Count);

        var byName = ReadWithOwners(ns, new QueryParameters { ProcessName = ["PYTH*"] });
        Assert.Equal(10, byName.Count);
        Assert.Empty(ReadWithOwners(ns, new QueryParameters { ProcessName = ["nosuchprocess"] }));
        Assert.Empty(ReadWithOwners(ns, new QueryParameters { ProcessId = [int.MaxValue] }));

        // Get-SocketProcess -Id: only that process's rows, each of its fds once.
        var rows = SocketProcesses.Find(new SocketQuery { NetworkNamespace = ns.Name }, [scenario.Child], null, new QueryDiagnostics()).ToList();
        Assert.Equal(10, rows.Count);
        Assert.All(rows, r => Assert.Equal(scenario.Child, r.Id));
        Assert.Equal(rows.Count, rows.Select(r => r.Fd).Distinct().Count());
        Assert.Equal([int.MaxValue], SocketProcesses.Missing([scenario.Parent, int.MaxValue]));

        // -Port: the owners of the listener on 7001 and of the accepted connection's local side.
        var port = SocketProcesses.Find(new QueryParameters { LocalPort = ["7010"], NetworkNamespace = [ns.Name] }.ToQuery(), null, null, new QueryDiagnostics()).ToList();
        var row = Assert.Single(port);
        Assert.Equal(scenario.Child, row.Id);
    }

    [LiveFact]
    public void ProcessesWithThousandsOfFdsEqualSs()
    {
        // Two processes (a fork: each socket has both as owners, in ss's order) with more fds than
        // OwnerScan.SplitAt and other files between the sockets: their fd tables are resolved in chunks.
        using var ns = new LiveNamespace();
        const string script = """
import os, resource, socket, sys, time
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 12000), hard))
keep = []
for i in range(5000):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0)); keep.append(u)
    if i % 10 == 0: keep.append(open("/dev/null"))
child = os.fork()
if child == 0:
    mine = [socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) for _ in range(100)]
    for m in mine: m.bind(("::1", 0))
    time.sleep(3600); sys.exit(0)
time.sleep(0.5)
print(os.getpid(), child, flush=True)
time.sleep(3600)
""";
        var p = ns.Start("python3", "-c", script);
        var f = p.StandardOutput.ReadLine()!.Split(' ');
        int parent = int.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture);
        int child = int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(5000 >= OwnerScan.SplitAt, "the scenario no longer splits a process");

        var ours = SocketReader.Read(new SocketQuery { Protocols = [SocketProtocol.Udp], NetworkNamespace = ns.Name, IncludeProcess = true }).ToList();
        var theirs = SsLine.Parse(ns.Ss("-tuanp")).ToDictionary(l => Key(l.Netid, l.Local, l.Peer), l => Regex.Match(l.Rest, @"users:\(.*\)").Value);
        Assert.Equal(5100, theirs.Count);
        Assert.Equal(theirs.Count, ours.Count);
        Assert.All(ours, s => Assert.Equal(theirs[Key(SsText.Netid(s.Protocol, s.Type), SsText.Local(s), SsText.Peer(s))], SsText.Users(s.Owners)));
        Assert.Equal(5000, ours.Count(s => s.Owners.Count == 2 && s.OwningProcess == Math.Min(parent, child)));

        // The same pass run synchronously (Get-SocketProcess): one row per (process, fd), each once.
        var rows = SocketProcesses.Of(ours, new QueryDiagnostics()).ToList();
        Assert.Equal(10100, rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => (r.Id, r.Fd)).Distinct().Count());
        Assert.Equal(5100, rows.Count(r => r.Id == child));
    }
}

/// <summary>Runs alone: the churn moves host-wide socket counters (sockstat's TCP alloc) that other live tests compare with ss.</summary>
[CollectionDefinition(nameof(OwnerChurnTests), DisableParallelization = true)]
public sealed class OwnerChurnCollection
{
}

[Collection(nameof(OwnerChurnTests))]
public sealed class OwnerChurnTests
{
    [LiveFact]
    public void ChurnDuringTheOwnerPassNeitherThrowsNorDuplicates()
    {
        using var ns = new LiveNamespace();
        // Processes that open sockets and exit, and sockets that open and close, as fast as python goes.
        const string churn = """
import os, socket, time
end = time.time() + 8
while time.time() < end:
    pid = os.fork()
    if pid == 0:
        ss = [socket.socket() for _ in range(20)]
        for s in ss[:10]: s.close()
        os._exit(0)
    s = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(10)]
    for x in s: x.close()
    os.waitpid(pid, 0)
""";
        var p = ns.Start("python3", "-c", churn);
        int passes = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            var index = OwnerIndex.Build(null);
            var all = index.Inodes.SelectMany(i => index.OwnersOf(i).Select(o => (i, o.Id, o.Fd))).ToList();
            Assert.Equal(all.Count, all.Distinct().Count());
            var rows = SocketReader.Read(new SocketQuery { NetworkNamespace = ns.Name, IncludeProcess = true }).ToList();
            Assert.Equal(rows.Count, rows.Select(r => r.Cookie).Distinct().Count());
            Assert.All(rows, r => Assert.Equal(r.Owners.Count, r.Owners.Select(o => (o.Id, o.Fd)).Distinct().Count()));
            passes++;
        }

        Assert.False(p.HasExited, "the churn script ended early; the test did not overlap it");
        Assert.True(passes >= 3);
    }
}
