using System.Diagnostics;
using SocketTools.Linux;
using SocketTools.Query;

namespace SocketTools.Tests.Live;

/// <summary>
/// Selection against ss on the same sockets: every state name and group, -Listening / -All, and
/// ss's filter language, with the kernel's bytecode and with the in-process check alone.
/// </summary>
public sealed class SelectionLiveTests
{
    /// <summary>Our -State value and ss's spelling of the same state or group.</summary>
    public static readonly (string Ours, string Ss)[] StateCases =
    [
        ("All", "all"), ("Connected", "connected"), ("Synchronized", "synchronized"), ("Bucket", "bucket"), ("Big", "big"),
        ("Established", "established"), ("SynSent", "syn-sent"), ("SynReceived", "syn-recv"), ("FinWait1", "fin-wait-1"),
        ("FinWait2", "fin-wait-2"), ("TimeWait", "time-wait"), ("Closed", "closed"), ("CloseWait", "close-wait"),
        ("LastAck", "last-ack"), ("Listen", "listening"), ("Closing", "closing"),
        ("time-wait", "time-wait"), ("syn-recv", "syn-recv"), ("unconnected", "unconnected"), ("listening", "listening"),
    ];

    [LiveFact]
    public void EveryStateAndGroupSelectsWhatSsSelects()
    {
        using var ns = new LiveNamespace();
        AllStatesScenario.Build(ns);
        var failures = new List<string>();
        foreach (var (ours, ss) in StateCases)
        {
            foreach (var protocols in new[] { "-tanoe", "-uanoe" })
            {
                var clock = Stopwatch.StartNew();
                var query = new QueryParameters
                {
                    State = [ours],
                    Protocol = [protocols == "-tanoe" ? SocketProtocol.Tcp : SocketProtocol.Udp],
                    NetworkNamespace = [ns.Name],
                }.ToQuery();
                var sockets = SocketReader.Read(query).ToList();
                var theirs = SsLine.Parse(ns.Ss(protocols, "state", ss));
                Collect(failures, $"-State {ours} vs ss {protocols} state {ss}", () => SameSelection(sockets, theirs, clock.Elapsed));
            }
        }

        // The groups are not vacuous here: each holds sockets, and they differ.
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        int Count(string group) => SsLine.Parse(ns.Ss("-tan", "state", group)).Count;
        Assert.True(Count("bucket") >= 2 && Count("big") > Count("bucket") && Count("connected") > Count("synchronized"));
    }

    [LiveFact]
    public void ListeningAndAllAreSsDashLAndDashA()
    {
        using var ns = new LiveNamespace();
        AllStatesScenario.Build(ns);
        var cases = new (QueryParameters Ours, string[] Ss)[]
        {
            (new QueryParameters { Listening = true }, ["-tulnoe"]),
            (new QueryParameters { All = true }, ["-tuanoe"]),
            (new QueryParameters(), ["-tuanoe"]),
            (new QueryParameters { Listening = true, State = ["Established"] }, ["-tulnoe", "state", "established"]),
            (new QueryParameters { All = true, State = ["Bucket"] }, ["-tuanoe", "state", "bucket"]),
            (new QueryParameters { Listening = true, Filter = "exclude listening" }, ["-tulnoe", "exclude", "listening"]),
            (new QueryParameters { Listening = true, Filter = "sport = :5301" }, ["-tulnoe", "sport", "=", ":5301"]),
        };
        var failures = new List<string>();
        foreach (var (ours, ss) in cases)
        {
            ours.NetworkNamespace = [ns.Name];
            var clock = Stopwatch.StartNew();
            var sockets = SocketReader.Read(ours.ToQuery()).ToList();
            var theirs = SsLine.Parse(ns.Ss(ss));
            Collect(failures, string.Join(' ', ss), () => SameSelection(sockets, theirs, clock.Elapsed));
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // ss -l includes the unconnected UDP socket and no established one.
        var listening = SocketReader.Read(new QueryParameters { Listening = true, NetworkNamespace = [ns.Name] }.ToQuery()).ToList();
        Assert.Contains(listening, s => s.Protocol == SocketProtocol.Udp && s.LocalPort == 5301);
        Assert.DoesNotContain(listening, s => s.State == SocketState.Established);
    }

    /// <summary>Our -Filter text and ss's (the same unless ours uses a spelling ss lacks).</summary>
    public static readonly (string Ours, string Ss)[] FilterCases =
    [
        ("sport = :8001", "sport = :8001"),
        ("sport == 8001", "sport == 8001"),
        ("sport eq :8001", "sport eq :8001"),
        ("sport :8001", "sport :8001"),
        ("dport = :8005", "dport = :8005"),
        ("sport != :8001", "sport != :8001"),
        ("sport ne 8001", "sport ne 8001"),
        ("sport neq 8001", "sport neq 8001"),
        ("sport > :8004", "sport > :8004"),
        ("sport gt 8004", "sport gt 8004"),
        ("sport < :8004", "sport < :8004"),
        ("sport lt :8004", "sport lt :8004"),
        ("sport >= :8004", "sport >= :8004"),
        ("sport ge :8004", "sport ge :8004"),
        ("sport geq 8004", "sport geq 8004"),
        ("sport <= :8004", "sport <= :8004"),
        ("sport le 8004", "sport le 8004"),
        ("sport leq 8004", "sport leq 8004"),
        ("dport >= :8003 and dport <= :8006", "dport >= :8003 and dport <= :8006"),
        ("dport ge 8003 && dport le 8006", "dport ge 8003 && dport le 8006"),
        ("sport = :mdns", "sport = :5353"),   // ss -tu mis-resolves a udp-only name (getservbyname's static buffer); ss -u gets 5353 too
        ("src 127.0.0.1", "src 127.0.0.1"),
        ("src 127.0.0.1:8001", "src 127.0.0.1:8001"),
        ("dst 127.0.0.1:8001", "dst 127.0.0.1:8001"),
        ("dst = 127.0.0.1:8010", "dst = 127.0.0.1:8010"),
        ("src = 127.0.0.0/8", "src = 127.0.0.0/8"),
        ("src 127.0.0.0/8:8006", "src 127.0.0.0/8:8006"),
        ("src *:8001", "src *:8001"),
        ("dst inet:127.0.0.1", "dst inet:127.0.0.1"),
        ("src inet:*:8010", "src inet:*:8010"),
        ("src [::1]", "src [::1]"),
        ("src [::1]:8010", "src [::1]:8010"),
        ("src ::1/128", "src ::1/128"),
        ("src inet6 ::1/128", "src inet6:::1/128"),
        ("src inet6:[::1]:8010", "src inet6:[::1]:8010"),
        ("src ::ffff:127.0.0.1/128", "src ::ffff:127.0.0.1/128"),
        ("src ::/0", "src ::/0"),
        ("src 0.0.0.0/0", "src 0.0.0.0/0"),
        ("dev lo", "dev lo"),
        ("dev = lo", "dev = lo"),
        ("dev != lo", "dev != lo"),
        ("dev 1", "dev 1"),
        ("autobound", "autobound"),
        ("src 127.0.0.1 dport = :8001", "src 127.0.0.1 dport = :8001"),
        ("src 127.0.0.1 & dport = :8001", "src 127.0.0.1 & dport = :8001"),
        ("sport = :8001 || sport = :8005", "sport = :8001 || sport = :8005"),
        ("sport = :8001 | sport = :8005", "sport = :8001 | sport = :8005"),
        ("sport = :8001 or sport = :8005 and dport = :0", "sport = :8001 or sport = :8005 and dport = :0"),
        ("( sport = :8001 or sport = :8005 ) and not dst 127.0.0.1", "( sport = :8001 or sport = :8005 ) and not dst 127.0.0.1"),
        ("(sport = :8001 or dport = :8001) and !(src 127.0.0.1:8001)", "( sport = :8001 or dport = :8001 ) and ! ( src 127.0.0.1:8001 )"),
        ("! sport = :8001", "! sport = :8001"),
        ("not not sport = :8001", "not not sport = :8001"),
        ("not ( sport = :8001 or dport = :8001 )", "not ( sport = :8001 or dport = :8001 )"),
        ("( ( dport = :8006 ) or ( ( sport = :8006 ) ) )", "( ( dport = :8006 ) or ( ( sport = :8006 ) ) )"),
        ("state established sport = :8001", "state established sport = :8001"),
        ("state listening", "state listening"),
        ("state connected dport = :8006", "state connected dport = :8006"),
        ("state bucket", "state bucket"),
        ("state syn-recv state time-wait", "state syn-recv state time-wait"),
        ("exclude established", "exclude established"),
        ("exclude time-wait exclude listening src 127.0.0.1", "exclude time-wait exclude listening src 127.0.0.1"),
        ("state all exclude big", "state all exclude big"),
        ("fwmark = 0x2a", "fwmark = 0x2a"),
        ("fwmark 42", "fwmark 42"),
        ("fwmark == 052", "fwmark == 052"),
        ("fwmark = 0x20/0xf0", "fwmark = 0x20/0xf0"),
        ("fwmark != 0x2a", "fwmark != 0x2a"),
        ("fwmark = 0 and sport >= :5300", "fwmark = 0 and sport >= :5300"),
    ];

    [LiveFact]
    public void FilterExpressionsSelectWhatSsSelects()
    {
        using var ns = new LiveNamespace();
        AllStatesScenario.Build(ns);
        InetScenario.Build(ns);

        // Marked sockets (SO_MARK 0x2a) for fwmark: a UDP socket and a TCP listener.
        var markedUdp = ns.NewSocket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        markedUdp.SetRawSocketOption(1 /* SOL_SOCKET */, 36 /* SO_MARK */, BitConverter.GetBytes(0x2a));
        markedUdp.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 5303));
        var markedTcp = ns.NewSocket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        markedTcp.SetRawSocketOption(1, 36, BitConverter.GetBytes(0x2a));
        markedTcp.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 8020));
        markedTcp.Listen(4);
        var failures = new List<string>();
        foreach (var (ours, ss) in FilterCases)
        {
            foreach (bool bytecode in new[] { true, false })
            {
                var query = new QueryParameters { Filter = ours, NetworkNamespace = [ns.Name] }.ToQuery() with { KernelBytecode = bytecode };
                var diagnostics = new QueryDiagnostics();
                string what = $"-Filter '{ours}' ({(bytecode ? "kernel bytecode" : "in process")}) vs ss '{ss}'";
                Retry(failures, what, () =>
                {
                    var sockets = SocketReader.Read(query, diagnostics).ToList();
                    string text = ns.Ss(["-tuanoe", .. ss.Split(' ')]);
                    return () => SameSelection(sockets, SsLine.Parse(text), TimeSpan.Zero, text);
                });
                if (diagnostics.Warnings.Count > 0)
                {
                    failures.Add($"{what}: {string.Join("; ", diagnostics.Warnings)}");
                }

                if (bytecode && !ours.Contains("autobound", StringComparison.Ordinal))
                {
                    // The kernel did the filtering: everything it sent already matches.
                    var raw = new NetlinkSource().Enumerate(query, new QueryDiagnostics(), default).ToList();
                    var unfiltered = raw.Where(s => !query.Matches(s)).ToList();
                    if (unfiltered.Count > 0)
                    {
                        failures.Add($"{what}: the kernel sent {unfiltered.Count} sockets the filter rejects, e.g. {unfiltered[0]}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // Not vacuous: an IPv4 rule picks up v4-mapped sockets, a device rule finds the bound one.
        var v4 = SocketReader.Read(new QueryParameters { Filter = "src 127.0.0.1", NetworkNamespace = [ns.Name] }.ToQuery()).ToList();
        Assert.Contains(v4, s => s.Family == SocketFamily.IPv6 && s.LocalIPAddress()!.IsIPv4MappedToIPv6);
        Assert.Contains(SocketReader.Read(new QueryParameters { Filter = "dev lo", NetworkNamespace = [ns.Name] }.ToQuery()), s => s.LocalPort == 7006);
        Assert.Equal(2, SocketReader.Read(new QueryParameters { Filter = "fwmark = 0x2a", NetworkNamespace = [ns.Name] }.ToQuery()).Count());
    }

    [LiveFact]
    public void PortAddressAndInterfaceParametersAreFilteredByTheKernel()
    {
        using var ns = new LiveNamespace();
        AllStatesScenario.Build(ns);
        InetScenario.Build(ns);
        var cases = new (QueryParameters Ours, string Ss)[]
        {
            (new QueryParameters { LocalPort = ["8001", "8005"] }, "sport = :8001 or sport = :8005"),
            (new QueryParameters { RemotePort = ["8003-8006"] }, "dport >= :8003 and dport <= :8006"),
            (new QueryParameters { LocalPort = ["mdns"] }, "sport = :5353"),
            (new QueryParameters { LocalAddress = ["127.0.0.1"] }, "src 127.0.0.1"),
            (new QueryParameters { RemoteAddress = ["127.0.0.0/8"], LocalPort = ["8010"] }, "dst 127.0.0.0/8 and sport = :8010"),
            (new QueryParameters { LocalAddress = ["::1", "10.0.0.0/8"] }, "src [::1] or src 10.0.0.0/8"),
            (new QueryParameters { Interface = "lo" }, "dev lo"),
            (new QueryParameters { LocalPort = ["7001"], Filter = "dst 127.0.0.1" }, "sport = :7001 and dst 127.0.0.1"),
            // Either end (Get-SocketProcess -Port, lsof -i :PORT).
            (new QueryParameters { Port = ["8003"] }, "sport = :8003 or dport = :8003"),
            (new QueryParameters { Port = ["8003-8006", "7001"] }, "( sport >= :8003 and sport <= :8006 ) or ( dport >= :8003 and dport <= :8006 ) or sport = :7001 or dport = :7001"),
        };
        var failures = new List<string>();
        foreach (var (ours, ss) in cases)
        {
            ours.NetworkNamespace = [ns.Name];
            var query = ours.ToQuery();
            var clock = Stopwatch.StartNew();
            var sockets = SocketReader.Read(query).ToList();
            var theirs = SsLine.Parse(ns.Ss(["-tuanoe", .. ss.Split(' ')]));
            Collect(failures, ss, () => SameSelection(sockets, theirs, clock.Elapsed));
            var raw = new NetlinkSource().Enumerate(query, new QueryDiagnostics(), default).ToList();
            if (raw.Any(s => !query.Matches(s)))
            {
                failures.Add($"{ss}: the kernel sent sockets the query rejects");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [LiveFact]
    public void BytecodeTheKernelRejectsFallsBackToTheInProcessCheck()
    {
        using var ns = new LiveNamespace();
        AllStatesScenario.Build(ns);
        var query = new QueryParameters { Filter = "sport = :8001", NetworkNamespace = [ns.Name] }.ToQuery();
        var diagnostics = new QueryDiagnostics();

        // Op code 0xff does not exist: the kernel's audit answers EINVAL.
        var source = new NetlinkSource((_, _) => [0xff, 4, 8, 0]);
        var sockets = source.Enumerate(query, diagnostics, default).Where(query.Matches).ToList();
        SameSelection(sockets, SsLine.Parse(ns.Ss("-tuanoe", "sport", "=", ":8001")), TimeSpan.Zero);
        Assert.Contains(diagnostics.Warnings, w => w.Contains("rejected", StringComparison.Ordinal));
        Assert.Equal(2, sockets.Count);
    }

    [LiveTheory]
    [InlineData("dev nosuchdev0")]
    [InlineData("not dev nosuchdev0")]
    public void AnUnknownDeviceIsAnErrorAsInSs(string filter)
    {
        // ss answers both with "Cannot parse device" and no output, not with an empty (or full) list.
        using var ns = new LiveNamespace();
        InetScenario.Build(ns);
        var ss = Tool.Run("ip", ["netns", "exec", ns.Name, "ss", "-tan", filter], check: false);
        Assert.NotEqual(0, ss.ExitCode);
        Assert.Contains("Cannot parse device", ss.Error, StringComparison.Ordinal);
        var query = new QueryParameters { Filter = filter, NetworkNamespace = [ns.Name] }.ToQuery();
        var e = Assert.Throws<SocketToolsException>(() => SocketReader.Read(query).ToList());
        Assert.Equal("UnknownInterface", e.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
    }

    /// <summary>
    /// The same sockets (by cookie) with the same state and endpoints as ss printed. Unlike
    /// <see cref="SsDiff.AssertSame"/> it ignores retransmit counts, which the frozen states here
    /// keep raising between our read and ss's.
    /// </summary>
    private static void SameSelection(IReadOnlyList<SocketInfo> ours, IReadOnlyList<SsLine> theirs, TimeSpan gap, string? ssText = null)
    {
        _ = gap;
        try
        {
            SameSelectionCore(ours, theirs);
        }
        catch (Xunit.Sdk.XunitException e) when (ssText is not null)
        {
            throw new Xunit.Sdk.XunitException(e.Message + "\nss printed:\n" + ssText);
        }
    }

    private static void SameSelectionCore(IReadOnlyList<SocketInfo> ours, IReadOnlyList<SsLine> theirs)
    {
        Assert.All(theirs, l => Assert.NotNull(l.Cookie));
        var missing = theirs.Where(l => ours.All(s => s.Cookie != l.Cookie)).ToList();
        Assert.True(missing.Count == 0, "ss shows sockets we did not: " + string.Join(" | ", missing.Select(l => $"{l.State} {l.Local} {l.Peer}")));
        var extra = ours.Where(s => theirs.All(l => l.Cookie != s.Cookie)).ToList();
        Assert.True(extra.Count == 0, "we show sockets ss did not: " + string.Join(" | ", extra));
        foreach (var line in theirs)
        {
            var s = ours.First(o => o.Cookie == line.Cookie);
            string mine = $"{(line.State.Length == 0 ? "" : Text.SsText.State(s.State))} {Text.SsText.Local(s)} {Text.SsText.Peer(s)}";
            Assert.True(mine == $"{line.State} {line.Local} {line.Peer}", $"sk:{s.Cookie:x}: ours '{mine}' vs ss '{line.State} {line.Local} {line.Peer}'");
        }
    }

    /// <summary>
    /// Runs <paramref name="read"/> (both reads) and its check; a mismatch is read again twice
    /// before it counts, since sockets in the scenario keep retransmitting between the two reads.
    /// </summary>
    private static void Retry(List<string> failures, string what, Func<Action> read)
    {
        for (int attempt = 1; ; attempt++)
        {
            var check = read();
            try
            {
                check();
                return;
            }
            catch (Xunit.Sdk.XunitException e) when (attempt < 3)
            {
                Console.Error.WriteLine($"retrying {what}: {e.Message}");
            }
            catch (Xunit.Sdk.XunitException e)
            {
                failures.Add($"{what}: {e.Message}");
                return;
            }
        }
    }

    private static void Collect(List<string> failures, string what, Action check)
    {
        try
        {
            check();
        }
        catch (Exception e) when (e is Xunit.Sdk.XunitException)
        {
            failures.Add($"{what}: {e.Message}");
        }
    }
}
