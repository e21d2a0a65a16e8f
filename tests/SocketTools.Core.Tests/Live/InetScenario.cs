using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SocketTools.Tests.Live;

/// <summary>
/// A population of TCP and UDP sockets in a namespace: listeners (IPv4, IPv6 v6only, dual-stack,
/// ::1, device-bound), established pairs (IPv4, IPv6, v4-mapped), a TIME-WAIT socket, and UDP
/// sockets (unconnected IPv4 and dual-stack, a connected one).
/// </summary>
public static class InetScenario
{
    public const int SO_BINDTODEVICE = 25;

    public static void Build(LiveNamespace ns)
    {
        var v4Any = ns.Listen(new IPEndPoint(IPAddress.Any, 7001), backlog: 128);
        ns.Listen(new IPEndPoint(IPAddress.IPv6Any, 7002), backlog: 5, v6Only: true);
        var dual = ns.Listen(new IPEndPoint(IPAddress.IPv6Any, 7003), backlog: 10, v6Only: false);
        var v6Loop = ns.Listen(new IPEndPoint(IPAddress.IPv6Loopback, 7004), backlog: 7);
        var v4Loop = ns.Listen(new IPEndPoint(IPAddress.Loopback, 7005), backlog: 3);

        var bound = ns.NewSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        bound.SetRawSocketOption(1 /* SOL_SOCKET */, SO_BINDTODEVICE, Encoding.ASCII.GetBytes("lo"));
        bound.Bind(new IPEndPoint(IPAddress.Loopback, 7006));
        bound.Listen(1);

        // Established: IPv4, IPv6, and v4-mapped (an IPv6 client to a dual-stack listener).
        var (c4, _) = ns.Connect(v4Any, IPAddress.Loopback);
        c4.Send(new byte[100]);  // 100 bytes unread on the server side: Recv-Q 100
        ns.Connect(v6Loop);
        var mapped = ns.NewSocket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        mapped.DualMode = true;
        mapped.Connect(new IPEndPoint(IPAddress.Parse("::ffff:127.0.0.1"), 7003));
        ns.Adopt(dual.Accept());   // kept: an unreferenced accepted socket is closed by the GC finalizer

        // TIME-WAIT: the client closes first, then the server; the client waits out 2MSL.
        var (tc, ts) = ns.Connect(v4Loop);
        tc.Shutdown(SocketShutdown.Both);
        tc.Close();
        Thread.Sleep(50);
        ts.Close();

        // A connection accepted but left in the accept queue: Recv-Q 1 on the listener.
        var queued = ns.NewSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        queued.Connect(new IPEndPoint(IPAddress.Loopback, 7005));

        // UDP: unconnected IPv4, unconnected dual-stack, and a connected one.
        var u4 = ns.NewSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        u4.Bind(new IPEndPoint(IPAddress.Any, 5353));
        var u6 = ns.NewSocket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
        u6.DualMode = true;
        u6.Bind(new IPEndPoint(IPAddress.IPv6Any, 5354));
        var uc = ns.NewSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        uc.Connect(new IPEndPoint(IPAddress.Loopback, 5353));
        uc.Send(new byte[64]);   // 64 bytes queued on u4 (Recv-Q counts skb truesize, as ss shows)
        Thread.Sleep(100);
    }
}
