using SocketTools.Platform;

namespace SocketTools.Linux;

/// <summary>
/// The Linux platform: wires the services the code above the sources talks to. Sockets come from
/// <see cref="LinuxSocketSource"/> (netlink sock_diag or /proc/net), owners from one pass over
/// /proc/&lt;pid&gt;/fd, processes from /proc/&lt;pid&gt;, exact TCP lookups from sock_diag, namespaces from
/// /run/netns, and the ss -s counts from /proc/net/sockstat.
/// </summary>
internal sealed class LinuxPlatform : ISocketPlatform
{
    private LinuxPlatform()
    {
    }

    /// <summary>The one instance (the services keep no state between queries).</summary>
    public static LinuxPlatform Instance { get; } = new();

    /// <inheritdoc />
    public ISocketSource Sources { get; } = new LinuxSocketSource();

    /// <inheritdoc />
    public IOwnerResolver Owners { get; } = new LinuxOwnerResolver();

    /// <inheritdoc />
    public IProcessTable Processes { get; } = new LinuxProcessTable();

    /// <inheritdoc />
    public INetworkNamespaces Namespaces { get; } = new LinuxNetworkNamespaces();

    /// <inheritdoc />
    public ISocketLookup OpenTcpLookup(string? networkNamespace) => TcpSocketLookup.Open(networkNamespace);

    /// <inheritdoc />
    public ISocketEvents OpenSocketEvents(string? networkNamespace, IReadOnlyList<SocketProtocol> protocols, IReadOnlyList<SocketFamily> families, int receiveBuffer) =>
        DestroySubscriber.Open(networkNamespace, SockDiagGroups.Mask(protocols, families), receiveBuffer);

    /// <inheritdoc />
    public void CheckClosable(SocketInfo target) => SocketDestroyer.Check(target);

    /// <inheritdoc />
    public ISocketCloser OpenSocketCloser(string? networkNamespace) => SocketDestroyer.Open(networkNamespace);

    /// <inheritdoc />
    public SocketSummary ReadSummary(string? networkNamespace, QueryDiagnostics? diagnostics)
    {
        string? ns = string.IsNullOrWhiteSpace(networkNamespace) ? null : networkNamespace;
        var summary = SockStat.Read(ns);
        diagnostics?.Note($"Source: /proc/net/sockstat, sockstat6 and snmp{NetlinkSource.In(ns)} (what ss -s reads).");
        return summary;
    }
}
