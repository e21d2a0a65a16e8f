using System.Net;

namespace SocketTools.Benchmarks;

/// <summary>
/// Where the population lives: each holder has its own loopback address (127.0.0.h+1) and its own
/// block of 32 listener ports, so no two holders share a (destination, port) pair and the ephemeral
/// port range is never the limit.
/// </summary>
internal static class Layout
{
    public const int EstablishedPorts4 = 4;
    public const int EstablishedPorts6 = 2;
    public const int IdleListeners = 4;
    public const int ListenersPerHolder = EstablishedPorts4 + EstablishedPorts6 + 2 + IdleListeners;
    public const int Backlog = 65535;
    public const int MaxHolders = 30;
    public const int MaxFdsPerHolder = 15_000;

    /// <summary>Ports whose SYNs the namespace drops: connects to them stay SYN-SENT.</summary>
    public const int SynSentPort = 32000;

    /// <summary>Listener ports 31000 + holder; the namespace drops the final ACK sent to them, so they keep SYN-RECV requests.</summary>
    public const int SynRecvPortBase = 31000;

    /// <summary>Ephemeral ports inside the namespace stay clear of every listener port.</summary>
    public const string EphemeralRange = "40000 65000";

    public static IPAddress HolderAddress(int holder) => new([127, 0, 0, (byte)(holder + 1)]);

    public static int Port(int holder, int k) => 10000 + (holder * 32) + k;

    public static int ClosePort(int holder) => Port(holder, EstablishedPorts4 + EstablishedPorts6);

    public static int SynRecvPort(int holder) => SynRecvPortBase + holder;

    public static int IdlePort(int holder, int i) => Port(holder, 16 + i);
}
