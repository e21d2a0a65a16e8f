using System.Net;
using System.Net.Sockets;

namespace SocketTools.Benchmarks;

/// <summary>
/// The <c>--hold INDEX</c> mode: a child process started inside the benchmark namespace that makes
/// and holds part of the socket population (at most ~15k descriptors, under the 20k per-process cap).
/// It reads one command per line on stdin and answers one line on stdout:
/// <list type="bullet">
/// <item><c>build EST4 EST6 CW SYNSENT SYNRECV UDP UNIX</c>: listeners, then established pairs, close-wait /
/// fin-wait-2 pairs, syn-sent and syn-recv half-open connections, UDP sockets and unix pairs.</item>
/// <item><c>tw N</c>: N connections closed actively by the client side, which leaves N TIME-WAIT.</item>
/// <item><c>quit</c> or end of input: every socket is reset (SO_LINGER 0) and closed; the process exits.</item>
/// </list>
/// </summary>
internal sealed class Holder
{
    private readonly int _index;
    private readonly List<Socket> _held = [];
    private readonly IPAddress _v4;
    private readonly List<Socket> _listeners4 = [];
    private readonly List<Socket> _listeners6 = [];
    private Socket? _closeListener;

    private Holder(int index)
    {
        _index = index;
        _v4 = Layout.HolderAddress(index);
    }

    public static int Run(int index)
    {
        var holder = new Holder(index);
        try
        {
            string? line;
            while ((line = Console.In.ReadLine()) is not null)
            {
                string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length == 0)
                {
                    continue;
                }

                if (words[0] == "quit")
                {
                    break;
                }

                try
                {
                    string answer = words[0] switch
                    {
                        "build" => holder.Build(words[1..].Select(int.Parse).ToArray()),
                        "tw" => holder.TimeWait(int.Parse(words[1])),
                        _ => throw new InvalidOperationException($"unknown command '{words[0]}'"),
                    };
                    Console.Out.WriteLine("ok " + answer);
                }
                catch (Exception e)
                {
                    Console.Out.WriteLine("error " + e.GetType().Name + ": " + e.Message.ReplaceLineEndings(" "));
                }

                Console.Out.Flush();
            }
        }
        finally
        {
            holder.Reset();
        }

        Console.Out.WriteLine("ok reset");
        Console.Out.Flush();
        return 0;
    }

    private string Build(int[] n)
    {
        int est4 = n[0], est6 = n[1], closeWait = n[2], synSent = n[3], synRecv = n[4], udp = n[5], unix = n[6];

        // Listeners: established pairs spread over several ports per family; one for the close-wait
        // and time-wait pairs; one whose final ACKs the namespace's firewall drops (SYN-RECV); a few idle.
        for (int i = 0; i < Layout.EstablishedPorts4; i++)
        {
            _listeners4.Add(Listen(new IPEndPoint(_v4, Layout.Port(_index, i))));
        }

        for (int i = 0; i < Layout.EstablishedPorts6; i++)
        {
            _listeners6.Add(Listen(new IPEndPoint(IPAddress.IPv6Loopback, Layout.Port(_index, Layout.EstablishedPorts4 + i))));
        }

        _closeListener = Listen(new IPEndPoint(_v4, Layout.ClosePort(_index)));
        var synRecvListener = Listen(new IPEndPoint(_v4, Layout.SynRecvPort(_index)));
        for (int i = 0; i < Layout.IdleListeners; i++)
        {
            var address = i % 2 == 0 ? IPAddress.Any : IPAddress.IPv6Any;
            Listen(new IPEndPoint(address, Layout.IdlePort(_index, i)));
        }

        Pairs(_listeners4, est4);
        Pairs(_listeners6, est6);

        for (int i = 0; i < closeWait; i++)
        {
            var (client, _) = Pair(_closeListener);
            client.Shutdown(SocketShutdown.Send);   // client FIN-WAIT-2, server CLOSE-WAIT
        }

        for (int i = 0; i < synSent; i++)
        {
            // The namespace drops SYNs to this port: the connect never completes.
            ConnectNonBlocking(new IPEndPoint(_v4, Layout.SynSentPort));
        }

        for (int i = 0; i < synRecv; i++)
        {
            // The client side becomes ESTABLISHED; its ACK is dropped, so the listener keeps a SYN-RECV request.
            ConnectNonBlocking(new IPEndPoint(_v4, Layout.SynRecvPort(_index)));
        }

        for (int i = 0; i < udp; i++)
        {
            bool v6 = i % 4 == 3;
            var s = Hold(new Socket(v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
            s.Bind(new IPEndPoint(v6 ? IPAddress.IPv6Loopback : _v4, 0));
            if (i % 2 == 1)
            {
                s.Connect(new IPEndPoint(v6 ? IPAddress.IPv6Loopback : _v4, Layout.Port(_index, 0)));
            }
        }

        if (unix > 0)
        {
            var path = new UnixDomainSocketEndPoint("\0stbench-" + Environment.ProcessId);
            var listener = Hold(new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified));
            listener.Bind(path);
            listener.Listen(1024);
            for (int i = 0; i < unix; i++)
            {
                var c = Hold(new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified));
                c.Connect(path);
                Hold(listener.Accept());
            }
        }

        GC.KeepAlive(synRecvListener);
        return _held.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private string TimeWait(int count)
    {
        var listener = _closeListener ?? throw new InvalidOperationException("build first");
        byte[] buffer = new byte[16];
        for (int i = 0; i < count; i++)
        {
            var client = new Socket(listener.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            client.Connect(listener.LocalEndPoint!);
            var server = listener.Accept();
            client.Close();                     // active close: the client side ends in TIME-WAIT
            while (server.Receive(buffer) > 0)  // wait for its FIN, so the close is not simultaneous
            {
            }

            server.Close();
        }

        return count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private void Pairs(List<Socket> listeners, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Pair(listeners[i % listeners.Count]);
        }
    }

    private (Socket Client, Socket Server) Pair(Socket listener)
    {
        var client = Hold(new Socket(listener.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
        client.Connect(listener.LocalEndPoint!);
        return (client, Hold(listener.Accept()));
    }

    private void ConnectNonBlocking(IPEndPoint target)
    {
        var s = Hold(new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { Blocking = false });
        try
        {
            s.Connect(target);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
        }
    }

    private Socket Listen(IPEndPoint endpoint)
    {
        var s = Hold(new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
        if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
        {
            s.DualMode = false;
        }

        s.Bind(endpoint);
        s.Listen(Layout.Backlog);
        return s;
    }

    private Socket Hold(Socket s)
    {
        _held.Add(s);
        return s;
    }

    /// <summary>Resets every held TCP connection (RST, no FIN, so nothing lingers) and closes everything.</summary>
    private void Reset()
    {
        foreach (var s in _held)
        {
            try
            {
                if (s.ProtocolType == ProtocolType.Tcp)
                {
                    s.LingerState = new LingerOption(true, 0);
                }
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }

            s.Dispose();
        }

        _held.Clear();
    }
}
