using System.Diagnostics;
using System.Text.RegularExpressions;
using SocketTools.Query;
using SocketTools.Text;

namespace SocketTools.Tests.Live;

/// <summary>
/// The text of the alternate views (extended = ss -e, timer = ss -o, process = ss -p) compared with
/// ss's own text for the same sockets, live in a namespace.
/// </summary>
public sealed class ViewTextLiveTests
{
    private static readonly Regex TimerCell = new(@"^timer:\([^)]*\)\s*");
    private static readonly Regex UsersCell = new(@"users:\((\(""[^""]*"",pid=\d+,fd=\d+\),?)+\)");

    /// <summary>ss's cgroup token when ss could map the id to a path is replaced, since the views cannot map it.</summary>
    private static string WithoutResolvedCgroup(string details) =>
        Regex.Replace(details, @" cgroup:(?!unreachable:)\S+", " cgroup:(path)");

    [LiveFact]
    public void ExtendedTextIsSsDashE()
    {
        using var ns = new LiveNamespace();
        InetScenario.Build(ns);
        var ours = SocketReader.Read(new SocketQuery { NetworkNamespace = ns.Name }).ToDictionary(s => s.Cookie);
        var theirs = SsLine.Parse(ns.Ss("-tuanoe"));
        Assert.Equal(ours.Count, theirs.Count);
        int compared = 0, withShutdown = 0, withV6Only = 0;
        foreach (var line in theirs)
        {
            var s = ours[line.Cookie!.Value];
            string ssDetails = TimerCell.Replace(line.Rest, "").Trim();
            string ourDetails = SsText.Extended(s);
            if (ssDetails.Contains(" cgroup:", StringComparison.Ordinal) && !ssDetails.Contains("cgroup:unreachable:", StringComparison.Ordinal))
            {
                ssDetails = WithoutResolvedCgroup(ssDetails);
                ourDetails = Regex.Replace(ourDetails, @" cgroup:\S+", " cgroup:(path)");
            }

            Assert.True(ssDetails == ourDetails, $"{line.Local} {line.Peer}: ours '{ourDetails}' vs ss '{ssDetails}'");
            compared++;
            withShutdown += line.Shutdown is null ? 0 : 1;
            withV6Only += line.V6Only is null ? 0 : 1;
        }

        // The scenario has sockets with a shutdown mark, IPv6 listeners (v6only:0 and :1) and a TIME-WAIT socket (neither).
        Assert.True(compared >= 18, $"compared {compared}");
        Assert.True(withShutdown > 0 && withV6Only >= 2, $"shutdown {withShutdown}, v6only {withV6Only}");
        Assert.Contains(theirs, l => l.State == "TIME-WAIT" && l.Shutdown is null);
    }

    [LiveFact]
    public void ExtendedTextShowsShutdownDirectionsAsSsDoes()
    {
        using var ns = new LiveNamespace();
        var listener = ns.Listen(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 7201));
        var (client, server) = ns.Connect(listener);
        client.Shutdown(System.Net.Sockets.SocketShutdown.Send);     // client: FIN-WAIT-2 after the ACK, send shut
        Thread.Sleep(100);
        server.Shutdown(System.Net.Sockets.SocketShutdown.Receive);  // server: CLOSE-WAIT, both shut
        var theirs = SsLine.Parse(ns.Ss("-tanoe"));
        var ours = SocketReader.Read(new SocketQuery { NetworkNamespace = ns.Name, Protocols = [SocketProtocol.Tcp] }).ToDictionary(s => s.Cookie);
        var marks = new HashSet<string>();
        foreach (var line in theirs)
        {
            var s = ours[line.Cookie!.Value];
            Assert.Equal(line.Shutdown, s.Shutdown is ShutdownState st ? SsText.Shutdown(st) : null);
            if (line.Shutdown is not null)
            {
                marks.Add(line.Shutdown);
            }
        }

        Assert.Contains("<--", marks);
        Assert.Contains("<->", marks);
    }

    [LiveFact]
    public void TimerTextIsSsDashO()
    {
        using var ns = new LiveNamespace();
        InetScenario.Build(ns);
        var clock = Stopwatch.StartNew();
        var ours = SocketReader.Read(new SocketQuery { NetworkNamespace = ns.Name }).ToDictionary(s => s.Cookie);
        var theirs = SsLine.Parse(ns.Ss("-tuanoe"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), "too slow to compare whole seconds");
        int timers = 0;
        foreach (var line in theirs)
        {
            var s = ours[line.Cookie!.Value];
            var m = TimerCell.Match(line.Rest);
            string ourCell = SsText.Timer(s.TimerKind, s.Timer, s.Retransmits);
            if (!m.Success)
            {
                Assert.Equal(string.Empty, ourCell);
                continue;
            }

            timers++;
            // TIME-WAIT counts whole seconds here (>= 10 s left), so the text matches unless a second boundary fell between the two reads.
            string ssCell = m.Value.Trim();
            if (ssCell != ourCell)
            {
                double ssMs = SsLine.ExpiryMilliseconds(line.TimerExpiry!);
                Assert.True(Math.Abs(ssMs - s.Timer.TotalMilliseconds) <= clock.Elapsed.TotalMilliseconds + 1000,
                    $"{line.Local}: ours {ourCell} vs ss {ssCell}");
                Assert.Equal(Regex.Replace(ssCell, @",[^,]*,", ",_,"), Regex.Replace(ourCell, @",[^,]*,", ",_,"));
            }
        }

        Assert.True(timers >= 1, "the scenario's TIME-WAIT socket has a timer");
    }

    [LiveFact]
    public void UsersTextIsSsDashP()
    {
        using var ns = new LiveNamespace();
        // A process in the namespace holding a listener on fd 3 and a dup of it, and a UDP socket.
        var p = ns.Start("python3", "-c",
            "import socket,os,sys,time\n" +
            "s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', 7301)); s.listen(4)\n" +
            "d=os.dup(s.fileno())\n" +
            "u=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', 7302))\n" +
            "print('ready', flush=True); sys.stdin.readline()\n");
        Assert.Equal("ready", p.StandardOutput.ReadLine());
        string comm = File.ReadAllText($"/proc/{p.Id}/comm").Trim();

        // Owners from /proc/PID/fd, the way ss finds them: fd -> socket:[inode].
        var byInode = new Dictionary<ulong, List<SocketOwner>>();
        foreach (string fdPath in Directory.GetFiles($"/proc/{p.Id}/fd").OrderBy(f => int.Parse(Path.GetFileName(f))))
        {
            var target = new FileInfo(fdPath).LinkTarget;
            var m = target is null ? Match.Empty : Regex.Match(target, @"^socket:\[(\d+)\]$");
            if (m.Success)
            {
                ulong inode = ulong.Parse(m.Groups[1].Value);
                if (!byInode.TryGetValue(inode, out var list))
                {
                    byInode[inode] = list = [];
                }

                list.Add(new SocketOwner(p.Id, comm, int.Parse(Path.GetFileName(fdPath))));
            }
        }

        var ours = SocketReader.Read(new SocketQuery { NetworkNamespace = ns.Name }).ToList();
        var ssLines = ns.Ss("-tuanpe").Split('\n').Where(l => l.Contains("ino:", StringComparison.Ordinal)).ToList();
        int compared = 0;
        foreach (var s in ours)
        {
            string ssLine = Assert.Single(ssLines, l => l.Contains($" ino:{s.Inode} ", StringComparison.Ordinal));
            string ssUsers = UsersCell.Match(ssLine).Value;
            var owners = byInode.GetValueOrDefault(s.Inode) ?? [];
            // ss lists one process's fds from the highest down (it prepends while reading /proc/PID/fd in order).
            owners.Reverse();
            string fromList = SsText.Users(owners);
            string fromArrays = SsText.Users(owners.Select(o => o.Command).ToArray(), owners.Select(o => o.Id).ToArray(),
                owners.Select(o => o.Fd).ToArray());
            Assert.Equal(ssUsers, fromList);
            Assert.Equal(ssUsers, fromArrays);
            Assert.Equal(ssUsers, ((SocketOwnerList)owners.ToArray()).ToString());
            compared++;
        }

        Assert.Equal(2, compared);
        Assert.Contains(ssLines, l => Regex.Matches(l, "pid=").Count == 2);
        p.StandardInput.WriteLine();
    }
}
