using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SocketTools.Linux;
using SocketTools.Query;
using SocketTools.Tests.Live;
using Xunit.Abstractions;

namespace SocketTools.Tests.Reliability;

/// <summary>Stress tests run alone (no other test in parallel): <c>dotnet test --filter Category=Stress</c>.</summary>
[CollectionDefinition("Stress", DisableParallelization = true)]
public sealed class StressCollection;

/// <summary>
/// Get-SocketStat's core under churn: threads in a test namespace open and reset thousands of
/// loopback TCP connections (and bind/close UDP sockets) per second for a few seconds, while
/// SocketReader.Read runs in a loop. Every answer must come without an exception, name no socket
/// twice, and hold every long-lived socket (held open for the whole test).
/// </summary>
[Collection("Stress")]
[Trait("Category", "Stress")]
public sealed class ChurnStressTests(ITestOutputHelper output)
{
    private static readonly TimeSpan LoadDuration = TimeSpan.FromSeconds(4);
    private const int MaxConnections = 40_000;

    private sealed record LongLived(SocketProtocol Protocol, IPEndPoint Local, IPEndPoint Remote)
    {
        public string Key => $"{Protocol} {Local} {Remote}";
    }

    private static string KeyOf(SocketInfo s) =>
        $"{s.Protocol} {new IPEndPoint(s.LocalIPAddress() ?? IPAddress.Any, s.LocalPort)} {new IPEndPoint(s.RemoteIPAddress() ?? IPAddress.Any, s.RemotePort)}";

    /// <summary>
    /// The queries the loop cycles through, with which long-lived sockets each must return. The
    /// owner pass runs in the loop too: with IncludeProcess each long-lived socket must be owned by
    /// this process (see <see cref="CheckAnswer"/>).
    /// </summary>
    private static IEnumerable<(string Name, Func<SocketQuery, SocketQuery> Shape, Func<LongLived, bool> Expect)> Variants() =>
    [
        ("all", q => q, _ => true),
        ("tcp only", q => q with { Protocols = [SocketProtocol.Tcp] }, l => l.Protocol == SocketProtocol.Tcp),
        ("established, kernel-filtered", q => q with { Protocols = [SocketProtocol.Tcp], States = new QueryParameters { State = ["Established"] }.ToQuery().States },
            l => l.Protocol == SocketProtocol.Tcp && l.Remote.Port != 0),
        ("local port 7400", q => q with { LocalPorts = [new PortRange(7400, 7400)] }, l => l.Local.Port == 7400),
        ("with owners", q => q with { IncludeProcess = true }, _ => true),
    ];

    private static void CheckAnswer(string variant, IReadOnlyList<SocketInfo> answer, IEnumerable<LongLived> expected, bool owners = false)
    {
        var cookies = new HashSet<ulong>();
        foreach (var s in answer)
        {
            Assert.True(cookies.Add(s.Cookie), $"{variant}: cookie {s.Cookie:x} ({KeyOf(s)}) is in the answer twice");
        }

        var keys = answer.Select(KeyOf).ToHashSet();
        var missing = expected.Where(l => !keys.Contains(l.Key)).Select(l => l.Key).ToList();
        Assert.True(missing.Count == 0, $"{variant}: long-lived sockets missing from an answer of {answer.Count}: {string.Join(" | ", missing)}");
        if (owners)
        {
            var expectedKeys = expected.Select(l => l.Key).ToHashSet();
            var unowned = answer.Where(s => expectedKeys.Contains(KeyOf(s)) && !s.Owners.Any(o => o.Id == Environment.ProcessId))
                .Select(KeyOf).ToList();
            Assert.True(unowned.Count == 0, $"{variant}: long-lived sockets without this process as owner: {string.Join(" | ", unowned)}");
        }
    }

    [LiveFact]
    public void ListingUnderChurnHasNoDuplicatesAndKeepsEveryLongLivedSocket()
    {
        using var ns = new LiveNamespace();
        var longLived = new List<LongLived>();
        var listener = ns.Listen(new IPEndPoint(IPAddress.Loopback, 7400), backlog: 512);
        longLived.Add(new(SocketProtocol.Tcp, (IPEndPoint)listener.LocalEndPoint!, new IPEndPoint(IPAddress.Any, 0)));
        // Enough pairs that a dump spans several datagrams, so the kernel resumes its walk mid-table.
        for (int i = 0; i < 250; i++)
        {
            var (c, server) = ns.Connect(listener);
            longLived.Add(new(SocketProtocol.Tcp, (IPEndPoint)c.LocalEndPoint!, (IPEndPoint)c.RemoteEndPoint!));
            longLived.Add(new(SocketProtocol.Tcp, (IPEndPoint)server.LocalEndPoint!, (IPEndPoint)server.RemoteEndPoint!));
        }

        var v6 = ns.Listen(new IPEndPoint(IPAddress.IPv6Loopback, 7401), backlog: 8);
        longLived.Add(new(SocketProtocol.Tcp, (IPEndPoint)v6.LocalEndPoint!, new IPEndPoint(IPAddress.IPv6Any, 0)));
        for (int i = 0; i < 4; i++)
        {
            var udp = ns.NewSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            longLived.Add(new(SocketProtocol.Udp, (IPEndPoint)udp.LocalEndPoint!, new IPEndPoint(IPAddress.Any, 0)));
        }

        var churnListener = ns.Listen(new IPEndPoint(IPAddress.Loopback, 7410), backlog: 4096);
        var target = (IPEndPoint)churnListener.LocalEndPoint!;
        using var stop = new CancellationTokenSource(LoadDuration);
        long connections = 0;
        long udpSockets = 0;
        long resets = 0;
        var failures = new List<Exception>();

        // The server side: accept and reset, so nothing lingers in TIME-WAIT.
        var accepter = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var s = churnListener.Accept();
                    s.LingerState = new LingerOption(true, 0);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    break;
                }
            }
        }) { IsBackground = true, Name = "churn accept" };

        // The client side runs inside the namespace (setns once on its thread): connect, reset; bind and close a UDP socket.
        var client = new Thread(() =>
        {
            try
            {
                NetworkNamespace.Run(ns.Name, () =>
                {
                    while (!stop.IsCancellationRequested && Interlocked.Read(ref connections) < MaxConnections)
                    {
                        using (var c = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
                        {
                            c.LingerState = new LingerOption(true, 0);
                            try
                            {
                                c.Connect(target);
                            }
                            catch (SocketException)
                            {
                                // Under this load a connect is sometimes reset (a reused port meeting a
                                // reset child still queued): churn all the same, not what is tested.
                                Interlocked.Increment(ref resets);
                                continue;
                            }
                        }

                        Interlocked.Increment(ref connections);
                        if (connections % 4 == 0)
                        {
                            using var u = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                            u.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                            Interlocked.Increment(ref udpSockets);
                        }
                    }

                    return 0;
                });
            }
            catch (Exception e)
            {
                lock (failures)
                {
                    failures.Add(e);
                }
            }
        }) { IsBackground = true, Name = "churn connect" };

        accepter.Start();
        client.Start();
        var clock = Stopwatch.StartNew();
        var variants = Variants().ToList();
        var baseQuery = new SocketQuery { NetworkNamespace = ns.Name };
        int reads = 0, overlapping = 0, largest = 0;
        while (!stop.IsCancellationRequested && client.IsAlive)
        {
            var (name, shape, expect) = variants[reads % variants.Count];
            long before = Interlocked.Read(ref connections);
            var query = shape(baseQuery);
            var answer = SocketReader.Read(query).ToList();
            if (Interlocked.Read(ref connections) > before)
            {
                overlapping++;
            }

            CheckAnswer(name, answer, longLived.Where(expect), query.IncludeProcess);
            largest = Math.Max(largest, answer.Count);
            reads++;
        }

        client.Join(TimeSpan.FromSeconds(10));
        churnListener.Close();
        accepter.Join(TimeSpan.FromSeconds(10));
        double seconds = clock.Elapsed.TotalSeconds;
        output.WriteLine($"{connections} connections ({connections / seconds:0}/s) and {udpSockets} UDP sockets in {seconds:0.0} s; " +
            $"{reads} reads, {overlapping} overlapping the churn, largest answer {largest}; {resets} connects reset");
        Assert.Empty(failures);

        // The test proves nothing unless reads really ran while sockets came and went.
        Assert.True(connections >= 500, $"only {connections} connections were made");
        Assert.True(overlapping >= 3, $"only {overlapping} of {reads} reads overlapped the churn");

        // After the churn every long-lived socket is still there, and ss agrees on the count.
        var final = SocketReader.Read(baseQuery).ToList();
        CheckAnswer("after", final, longLived);
    }
}
