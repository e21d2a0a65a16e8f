using System.Net;
using System.Net.Sockets;
using SocketTools.Linux;

namespace SocketTools.Tests.Live;

/// <summary>
/// The reference document's two hosts, "master" and "node1": two network namespaces that a test
/// creates and deletes, joined by a veth pair made inside them, with documentation addresses
/// (192.0.2.1 and 192.0.2.2, TEST-NET-1) that exist only there. Sysctls and iptables rules are set
/// with ip netns exec, inside the namespaces; nothing touches the root namespace.
/// </summary>
public sealed class TwoHosts : IDisposable
{
    public static readonly IPAddress MasterAddress = IPAddress.Parse("192.0.2.1");
    public static readonly IPAddress Node1Address = IPAddress.Parse("192.0.2.2");

    private readonly List<Socket> _sockets = [];

    public TwoHosts()
    {
        string id = Guid.NewGuid().ToString("N")[..8];
        Master = "stt-master-" + id;
        Node1 = "stt-node1-" + id;
        Tool.Run("ip", "netns", "add", Master);
        try
        {
            Tool.Run("ip", "netns", "add", Node1);
            // Made inside master, its peer moved straight into node1: no device ever exists in the root namespace.
            Tool.Run("ip", "-n", Master, "link", "add", "veth0", "type", "veth", "peer", "name", "veth0", "netns", Node1);
            Up(Master, MasterAddress);
            Up(Node1, Node1Address);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The "master" namespace (192.0.2.1).</summary>
    public string Master { get; }

    /// <summary>The "node1" namespace (192.0.2.2).</summary>
    public string Node1 { get; }

    private static void Up(string ns, IPAddress address)
    {
        Tool.Run("ip", "-n", ns, "link", "set", "lo", "up");
        Tool.Run("ip", "-n", ns, "addr", "add", address + "/24", "dev", "veth0");
        Tool.Run("ip", "-n", ns, "link", "set", "veth0", "up");
    }

    /// <summary>Runs a command inside <paramref name="ns"/>.</summary>
    public static string Exec(string ns, string file, params string[] args) => Tool.Run("ip", ["netns", "exec", ns, file, .. args]);

    /// <summary>Sets a sysctl of <paramref name="ns"/> (net.ipv4.* are per namespace); false when the kernel has no such key.</summary>
    public static bool Sysctl(string ns, string key, string value) =>
        Tool.Run("ip", ["netns", "exec", ns, "sysctl", "-q", "-w", key + "=" + value], check: false).ExitCode == 0;

    /// <summary>Adds an iptables rule inside <paramref name="ns"/> (iptables -A …).</summary>
    public static void Iptables(string ns, params string[] rule) => Exec(ns, "iptables", ["-A", .. rule]);

    /// <summary>ss inside <paramref name="ns"/>.</summary>
    public static string Ss(string ns, params string[] args) => Exec(ns, "ss", args);

    /// <summary>A TCP socket created inside <paramref name="ns"/>; closed with a reset on dispose.</summary>
    public Socket NewSocket(string ns)
    {
        var socket = NetworkNamespace.Run(ns, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        lock (_sockets)
        {
            _sockets.Add(socket);
        }

        return socket;
    }

    /// <summary>A listener on master:<paramref name="port"/>.</summary>
    public Socket ListenOnMaster(int port, int backlog = 128)
    {
        var s = NewSocket(Master);
        s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        s.Bind(new IPEndPoint(MasterAddress, port));
        s.Listen(backlog);
        return s;
    }

    /// <summary>Starts a connect from node1 to master:<paramref name="port"/> without waiting for it to finish.</summary>
    public Socket StartConnectFromNode1(int port)
    {
        var c = NewSocket(Node1);
        c.Blocking = false;
        try
        {
            c.Connect(new IPEndPoint(MasterAddress, port));
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            // The SYN is on its way.
        }

        return c;
    }

    /// <summary>A connected pair: node1's client and master's accepted side.</summary>
    public (Socket Client, Socket Server) Connect(Socket listener)
    {
        var c = NewSocket(Node1);
        c.Connect(new IPEndPoint(MasterAddress, ((IPEndPoint)listener.LocalEndPoint!).Port));
        var server = listener.Accept();
        lock (_sockets)
        {
            _sockets.Add(server);
        }

        return (c, server);
    }

    public void Dispose()
    {
        LiveNamespace.ResetAndDispose(_sockets);

        // Deleting a namespace removes its veth end (and so the pair), its rules and its sockets.
        Tool.Run("ip", ["netns", "del", Node1], check: false);
        Tool.Run("ip", ["netns", "del", Master], check: false);
    }
}
