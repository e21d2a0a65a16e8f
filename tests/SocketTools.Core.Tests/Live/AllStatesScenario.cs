using System.Net;
using System.Net.Sockets;

namespace SocketTools.Tests.Live;

/// <summary>
/// TCP sockets in every state, frozen in place with iptables rules inside the namespace (never the
/// root namespace's): LISTEN, ESTAB, SYN-SENT, SYN-RECV, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT,
/// LAST-ACK, CLOSING, TIME-WAIT, plus a bound-only TCP socket (closed / bound-inactive), IPv6 and
/// v4-mapped connections, and UDP sockets (unconnected and connected). Every frozen state lasts
/// at least a minute (the kernel's retransmission timers), far longer than a test.
/// Ports: 8001 listener/ESTAB, 8002 SYN-SENT, 8003 SYN-RECV, 8004 FIN-WAIT-1, 8005 FIN-WAIT-2 /
/// CLOSE-WAIT, 8006 LAST-ACK / TIME-WAIT, 8007 CLOSING, 8008 bound only, 8010 IPv6 and v4-mapped,
/// UDP 5301 unconnected, 5302 connected.
/// </summary>
public static class AllStatesScenario
{
    /// <summary>The states the scenario is built to hold (ss spellings).</summary>
    public static readonly string[] States =
    [
        "LISTEN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "LAST-ACK",
        "CLOSING", "TIME-WAIT",
    ];

    public static void Build(LiveNamespace ns)
    {
        var lo = IPAddress.Loopback;
        void Drop(params string[] match) => ns.Exec("iptables", ["-w", "-A", "INPUT", "-p", "tcp", .. match, "-j", "DROP"]);

        // LISTEN and ESTAB.
        var listener = ns.Listen(new IPEndPoint(lo, 8001));
        ns.Connect(listener);

        // SYN-SENT: the SYN to 8002 is dropped; connect() keeps retrying for about two minutes.
        Drop("--dport", "8002", "--tcp-flags", "SYN,ACK", "SYN");
        var synSent = ns.NewSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        synSent.Blocking = false;
        try
        {
            synSent.Connect(new IPEndPoint(lo, 8002));
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
        }

        // SYN-RECV: the client's final ACK to 8003 is dropped; the listener's request socket waits.
        ns.Listen(new IPEndPoint(lo, 8003));
        Drop("--dport", "8003", "--tcp-flags", "SYN,ACK,FIN,RST,PSH", "ACK");
        var half = ns.NewSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        half.Connect(new IPEndPoint(lo, 8003));

        // FIN-WAIT-1: the client's FIN to 8004 is dropped.
        var (fw1, _) = ns.Connect(ns.Listen(new IPEndPoint(lo, 8004)));
        Drop("--dport", "8004", "--tcp-flags", "FIN", "FIN");
        fw1.Shutdown(SocketShutdown.Send);

        // FIN-WAIT-2 and CLOSE-WAIT: the client shuts down its side; the server never does.
        var (fw2, _) = ns.Connect(ns.Listen(new IPEndPoint(lo, 8005)));
        fw2.Shutdown(SocketShutdown.Send);

        // LAST-ACK and TIME-WAIT: after the client's FIN, the server's FIN is answered by an ACK that is dropped.
        var (la, laServer) = ns.Connect(ns.Listen(new IPEndPoint(lo, 8006)));
        la.Shutdown(SocketShutdown.Send);
        Thread.Sleep(50);
        Drop("--dport", "8006");
        laServer.Shutdown(SocketShutdown.Send);

        // CLOSING: everything from the client to 8007 is dropped; the client closes first, then the
        // server's FIN reaches it before any ACK of its own FIN can.
        var (cl, clServer) = ns.Connect(ns.Listen(new IPEndPoint(lo, 8007)));
        Drop("--dport", "8007");
        cl.Shutdown(SocketShutdown.Send);
        Thread.Sleep(50);
        clServer.Shutdown(SocketShutdown.Send);

        // Bound, never listening or connecting (TCP_CLOSE; bound-inactive on kernels that report it).
        var bound = ns.NewSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        bound.Bind(new IPEndPoint(lo, 8008));

        // IPv6 and v4-mapped connections to a dual-stack listener.
        var dual = ns.Listen(new IPEndPoint(IPAddress.IPv6Any, 8010), v6Only: false);
        ns.Connect(dual, IPAddress.IPv6Loopback);
        var mapped = ns.NewSocket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        mapped.DualMode = true;
        mapped.Connect(new IPEndPoint(IPAddress.Parse("::ffff:127.0.0.1"), 8010));
        ns.Adopt(dual.Accept());

        // UDP: unconnected and connected.
        var u = ns.NewSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        u.Bind(new IPEndPoint(IPAddress.Any, 5301));
        var uc = ns.NewSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        uc.Bind(new IPEndPoint(lo, 5302));
        uc.Connect(new IPEndPoint(lo, 5301));

        // Let the retransmissions and state changes settle, then check that every state is there.
        for (int attempt = 0; ; attempt++)
        {
            Thread.Sleep(200);
            var present = SsLine.Parse(ns.Ss("-tan")).Select(l => l.State).ToHashSet();
            var missing = States.Where(s => !present.Contains(s)).ToList();
            if (missing.Count == 0)
            {
                return;
            }

            if (attempt >= 10)
            {
                throw new InvalidOperationException("the scenario did not reach " + string.Join(", ", missing) + ":\n" + ns.Ss("-tan"));
            }
        }
    }
}
