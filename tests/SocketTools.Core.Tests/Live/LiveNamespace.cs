using System.Net;
using System.Net.Sockets;
using SocketTools.Linux;

namespace SocketTools.Tests.Live;

/// <summary>
/// A network namespace that a test creates and deletes, loopback only. Sockets made with
/// <see cref="NewSocket"/> are created inside it (setns on a helper thread) and closed with it.
/// </summary>
public sealed class LiveNamespace : IDisposable
{
    private readonly List<Socket> _sockets = [];
    private readonly List<System.Diagnostics.Process> _processes = [];

    public LiveNamespace()
    {
        Name = "stt-" + Guid.NewGuid().ToString("N")[..10];
        Tool.Run("ip", "netns", "add", Name);
        Tool.Run("ip", "-n", Name, "link", "set", "lo", "up");
    }

    public string Name { get; }

    /// <summary>Creates a socket inside the namespace; it is closed when the namespace is disposed.</summary>
    public Socket NewSocket(AddressFamily family, SocketType type, ProtocolType protocol)
    {
        var socket = NetworkNamespace.Run(Name, () => new Socket(family, type, protocol));
        lock (_sockets)
        {
            _sockets.Add(socket);
        }

        return socket;
    }

    /// <summary>Keeps <paramref name="socket"/> (an accepted one, say) open until the namespace is disposed.</summary>
    public Socket Adopt(Socket socket)
    {
        lock (_sockets)
        {
            _sockets.Add(socket);
        }

        return socket;
    }

    /// <summary>A TCP listener on <paramref name="endpoint"/> (port 0: any), with the backlog given.</summary>
    public Socket Listen(IPEndPoint endpoint, int backlog = 128, bool? v6Only = null)
    {
        var s = NewSocket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (v6Only is bool only)
        {
            s.DualMode = !only;
        }

        s.Bind(endpoint);
        s.Listen(backlog);
        return s;
    }

    /// <summary>A connected pair (client, accepted server side) to <paramref name="listener"/>.</summary>
    public (Socket Client, Socket Server) Connect(Socket listener, IPAddress? to = null, AddressFamily? clientFamily = null)
    {
        var target = (IPEndPoint)listener.LocalEndPoint!;
        var address = to ?? target.Address;
        var c = NewSocket(clientFamily ?? address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        c.Connect(new IPEndPoint(address, target.Port));
        var server = listener.Accept();
        lock (_sockets)
        {
            _sockets.Add(server);
        }

        return (c, server);
    }

    /// <summary>
    /// Waits (10 s at most) until ss lists no TCP socket here that matches <paramref name="filter"/>.
    /// Closing a socket drops only this process's reference to it: a child that a test running in
    /// parallel is starting holds a copy of every descriptor until it execs, and the kernel closes
    /// the socket (and sends its reset) only then.
    /// </summary>
    public void WaitUntilNoTcp(string filter)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        string left;
        while ((left = Ss("-tanH", filter)).Trim().Length > 0)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new TimeoutException($"Still open after 10 s in {Name}: {left}");
            }

            Thread.Sleep(5);
        }
    }

    /// <summary>Runs a command inside the namespace.</summary>
    public string Exec(string file, params string[] args) => Tool.Run("ip", ["netns", "exec", Name, file, .. args]);

    /// <summary>Starts a long-running command inside the namespace; killed on dispose.</summary>
    public System.Diagnostics.Process Start(string file, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("ip")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        foreach (string a in new[] { "netns", "exec", Name, file }.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }

        var p = System.Diagnostics.Process.Start(psi)!;
        _processes.Add(p);
        return p;
    }

    /// <summary>ss run inside the namespace.</summary>
    public string Ss(params string[] args) => Exec("ss", args);

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill(true);
                    p.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            p.Dispose();
        }

        ResetAndDispose(_sockets);
        Tool.Run("ip", ["netns", "del", Name], check: false);
    }

    /// <summary>
    /// Closes test sockets with a reset rather than a FIN (SO_LINGER 0), so nothing lingers in
    /// TIME-WAIT in the kernel's global tables.
    /// </summary>
    internal static void ResetAndDispose(List<Socket> sockets)
    {
        lock (sockets)
        {
            foreach (var s in sockets)
            {
                try
                {
                    s.LingerState = new LingerOption(true, 0);
                }
                catch (SocketException)
                {
                }
                catch (ObjectDisposedException)
                {
                }

                s.Dispose();
            }
        }
    }
}
