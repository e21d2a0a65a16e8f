using System.Net;
using System.Net.Sockets;
using SocketTools.Linux;
using SocketTools.Query;
using SocketTools.Watching;

namespace SocketTools.Tests.Live;

/// <summary>
/// The exact lookup behind Watch-TcpTimer's pipeline input: every TCP socket of the scenario
/// (listeners of every kind, IPv4, IPv6 and v4-mapped connections, a device-bound listener,
/// TIME-WAIT) is found by 4-tuple and cookie and agrees with the dump; a wrong cookie finds nothing.
/// </summary>
public sealed class TcpLookupLiveTests
{
    [LiveFact]
    public void EveryTcpSocketIsFoundByItsTupleAndCookie()
    {
        using var ns = new LiveNamespace();
        InetScenario.Build(ns);
        var dumped = SocketReader.Read(new SocketQuery { Protocols = [SocketProtocol.Tcp], NetworkNamespace = ns.Name }).ToList();
        Assert.Equal(15, dumped.Count);
        using var lookup = TcpSocketLookup.Open(ns.Name);
        foreach (var s in dumped)
        {
            var found = lookup.Find(s);
            Assert.True(found is not null, $"{s} (sk:{s.Cookie:x}) was not found");
            Assert.Equal(s.Cookie, found.Cookie);
            Assert.Equal(s.State, found.State);
            Assert.Equal(s.LocalAddress, found.LocalAddress);
            Assert.Equal(s.LocalPort, found.LocalPort);
            Assert.Equal(s.RemoteAddress, found.RemoteAddress);
            Assert.Equal(s.RemotePort, found.RemotePort);
            Assert.Equal(s.Interface, found.Interface);
            Assert.Equal(s.Uid, found.Uid);
            Assert.Equal(s.Inode, found.Inode);

            // The same 4-tuple with another cookie is another socket: not this one.
            var other = new SocketInfo
            {
                Protocol = s.Protocol, Family = s.Family, State = s.State, LocalAddress = s.LocalAddress, LocalPort = s.LocalPort,
                RemoteAddress = s.RemoteAddress, RemotePort = s.RemotePort, InterfaceIndex = s.InterfaceIndex, Cookie = s.Cookie + 1_000_000,
            };
            Assert.Null(lookup.Find(other));

            // Without a cookie (a socket read from /proc/net) the 4-tuple alone finds it.
            var byTuple = lookup.Find(new SocketInfo
            {
                Protocol = s.Protocol, Family = s.Family, State = s.State, LocalAddress = s.LocalAddress, LocalPort = s.LocalPort,
                RemoteAddress = s.RemoteAddress, RemotePort = s.RemotePort, InterfaceIndex = s.InterfaceIndex,
            });
            Assert.True(byTuple?.Cookie == s.Cookie, $"{s} (sk:{s.Cookie:x}) was not found by its 4-tuple");
        }
    }

    [LiveFact]
    public void ANewConnectionOnTheSameFourTupleIsANewSocket()
    {
        using var ns = new LiveNamespace();
        var listener = ns.Listen(new IPEndPoint(IPAddress.Loopback, 7101));
        Socket Connect()
        {
            var c = ns.NewSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            c.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            c.Bind(new IPEndPoint(IPAddress.Loopback, 40123));
            c.Connect(new IPEndPoint(IPAddress.Loopback, 7101));
            return c;
        }

        var first = Connect();
        var firstServer = listener.Accept();
        var query = new QueryParameters { State = ["Established"], LocalPort = ["40123"], NetworkNamespace = [ns.Name] }.ToQuery();
        using var watcher = TimerWatcher.ForQuery(query, new TimerWatchOptions { Interval = TimeSpan.FromMilliseconds(100), Count = 2 });
        using var samples = watcher.Run().GetEnumerator();
        Assert.True(samples.MoveNext());
        var before = samples.Current;
        Assert.Equal(TimerChange.Appeared, before.Change);

        // Reset both ends (no TIME-WAIT), wait until the kernel has let the 4-tuple go, then connect
        // again from the same port to the same listener.
        first.LingerState = new LingerOption(true, 0);
        first.Close();
        firstServer.LingerState = new LingerOption(true, 0);
        firstServer.Close();
        ns.WaitUntilNoTcp("sport = :40123 or dport = :40123");
        var second = Connect();
        // Kept by the namespace: an accepted socket nothing refers to is closed by its finalizer
        // whenever a GC runs, and the client then leaves ESTABLISHED (CLOSE-WAIT) before the sample.
        ns.Adopt(listener.Accept());

        var after = new List<TimerSample>();
        while (samples.MoveNext())
        {
            after.Add(samples.Current);
        }

        var appeared = Assert.Single(after, s => s.Change == TimerChange.Appeared);
        var closed = Assert.Single(after, s => s.Change == TimerChange.Closed);
        Assert.Equal(before.Cookie, closed.Cookie);
        Assert.NotEqual(before.Cookie, appeared.Cookie);
        Assert.Equal((before.LocalPort, before.RemotePort), (appeared.LocalPort, appeared.RemotePort));
        Assert.Equal(((IPEndPoint)second.LocalEndPoint!).Port, appeared.LocalPort);
    }
}
