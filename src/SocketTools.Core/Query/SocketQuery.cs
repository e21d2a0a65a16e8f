namespace SocketTools.Query;

/// <summary>
/// What to enumerate: one immutable description built from cmdlet parameters. The source decides
/// how much of it the kernel filters; <see cref="Matches"/> checks all of it in process.
/// </summary>
public sealed record SocketQuery
{
    /// <summary>The default: every TCP and UDP socket, IPv4 and IPv6, in every state.</summary>
    public static SocketQuery Default { get; } = new();

    /// <summary>Every protocol, in the order they are enumerated: what -Protocol All means.</summary>
    public static IReadOnlyList<SocketProtocol> AllProtocols { get; } =
    [
        SocketProtocol.Tcp, SocketProtocol.Udp, SocketProtocol.Raw, SocketProtocol.Unix, SocketProtocol.Packet, SocketProtocol.Netlink,
    ];

    /// <summary>Protocols to enumerate (default TCP and UDP).</summary>
    public IReadOnlyList<SocketProtocol> Protocols { get; init; } = [SocketProtocol.Tcp, SocketProtocol.Udp];

    /// <summary>
    /// Address families to enumerate (default IPv4 and IPv6). Unix, Packet and Netlink sockets are
    /// not held to it unless it names one of those families.
    /// </summary>
    public IReadOnlyList<SocketFamily> Families { get; init; } = [SocketFamily.IPv4, SocketFamily.IPv6];

    /// <summary>States to select (default all).</summary>
    public StateSet States { get; init; } = StateSet.All;

    /// <summary>Local ports: a socket matches when its local port is in any range (empty: any).</summary>
    public IReadOnlyList<PortRange> LocalPorts { get; init; } = [];

    /// <summary>Remote ports: a socket matches when its remote port is in any range (empty: any).</summary>
    public IReadOnlyList<PortRange> RemotePorts { get; init; } = [];

    /// <summary>
    /// Ports at either end: a socket matches when its local or its remote port is in any range, as
    /// lsof -i :PORT selects (empty: any).
    /// </summary>
    public IReadOnlyList<PortRange> Ports { get; init; } = [];

    /// <summary>Local address prefixes (empty: any).</summary>
    public IReadOnlyList<IPPrefix> LocalAddresses { get; init; } = [];

    /// <summary>Remote address prefixes (empty: any).</summary>
    public IReadOnlyList<IPPrefix> RemoteAddresses { get; init; } = [];

    /// <summary>Only sockets bound to (or scoped on) this interface name.</summary>
    public string? Interface { get; init; }

    /// <summary>An ss filter expression, checked in addition to everything else.</summary>
    public FilterExpression? Filter { get; init; }

    /// <summary>
    /// Whether the netlink source may send the port, address, device and filter conditions to the
    /// kernel as inet_diag bytecode (default true). Off, the kernel returns every socket in the
    /// states asked for and the conditions are checked in process only; the answer is the same.
    /// </summary>
    public bool KernelBytecode { get; init; } = true;

    /// <summary>Only sockets owned by these process ids (empty: any). Implies owners.</summary>
    public IReadOnlyList<int> ProcessIds { get; init; } = [];

    /// <summary>Only sockets owned by processes with these names; wildcards * ? [] (empty: any). Implies owners.</summary>
    public IReadOnlyList<string> ProcessNames { get; init; } = [];

    /// <summary>Fill <see cref="SocketInfo.Owners"/> from /proc/&lt;pid&gt;/fd.</summary>
    public bool IncludeProcess { get; init; }

    /// <summary>Decode tcp_info into <see cref="SocketInfo.Tcp"/>.</summary>
    public bool IncludeInfo { get; init; }

    /// <summary>Decode skmeminfo into <see cref="SocketInfo.Memory"/>.</summary>
    public bool IncludeMemory { get; init; }

    /// <summary>The network namespace to look into: a name under /run/netns or a path; null for the caller's.</summary>
    public string? NetworkNamespace { get; init; }

    /// <summary>
    /// Several namespaces to read, one after another, each socket carrying its own (-AllNetworkNamespaces,
    /// wildcards, several names; empty when none matched); null: the one <see cref="NetworkNamespace"/>.
    /// </summary>
    public IReadOnlyList<NetworkNamespaceInfo>? Namespaces { get; init; }

    /// <summary>
    /// Read TCP of both families with one walk of the kernel's TCP hash rather than one per family
    /// (set for each namespace of several, where the sockets are collected before they are written).
    /// </summary>
    internal bool OneTcpWalk { get; init; }

    /// <summary>Which backend to use.</summary>
    public SocketSourceKind Source { get; init; } = SocketSourceKind.Auto;

    /// <summary>Whether owners must be looked up (asked for, or needed by a process filter).</summary>
    public bool NeedsOwners => IncludeProcess || ProcessIds.Count > 0 || ProcessNames.Count > 0;

    /// <summary>
    /// Whether a socket the query selects can have an owner. Not when it asks for TCP's SYN-RECV and
    /// TIME-WAIT only: request and time-wait sockets are kernel minisockets with no inode, so no
    /// process holds them (UDP and raw sockets are never in those states); then no owner pass is needed.
    /// </summary>
    public bool CanHaveOwners =>
        (States.Mask & ~(StateSet.Bucket.Mask | (1u << (int)SocketState.NewSynReceived))) != 0
        || Protocols.Any(p => p is not (SocketProtocol.Tcp or SocketProtocol.Udp or SocketProtocol.Raw));

    /// <summary>Whether the query asks for <paramref name="protocol"/>.</summary>
    public bool Includes(SocketProtocol protocol) => Protocols.Contains(protocol) || Protocols.Contains(SocketProtocol.All);

    /// <summary>Whether the query asks for <paramref name="family"/>.</summary>
    public bool Includes(SocketFamily family) => Families.Contains(family);

    /// <summary>
    /// The query's port, address, interface and filter conditions as one condition tree, for the
    /// kernel (null when there are none). <see cref="Matches"/> checks the same conditions in process.
    /// </summary>
    public FilterNode? KernelFilter() => FilterNode.AndAll(
    [
        FilterNode.OrAll(LocalPorts.Select(r => PortNode(r, remote: false))),
        FilterNode.OrAll(RemotePorts.Select(r => PortNode(r, remote: true))),
        FilterNode.OrAll(Ports.SelectMany(r => new[] { PortNode(r, remote: false), PortNode(r, remote: true) })),
        FilterNode.OrAll(LocalAddresses.Select(p => AddressNode(p, remote: false))),
        FilterNode.OrAll(RemoteAddresses.Select(p => AddressNode(p, remote: true))),
        Interface is null ? null : new DeviceNode(Interface),
        Filter?.Root,
    ]);

    private static FilterNode PortNode(PortRange range, bool remote) => range.IsSingle
        ? new HostNode(remote, null, null, range.Low)
        : new AndNode(new PortCompareNode(remote, true, range.Low), new PortCompareNode(remote, false, range.High));

    private static FilterNode AddressNode(IPPrefix prefix, bool remote) => new HostNode(remote,
        prefix.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? SocketFamily.IPv4 : SocketFamily.IPv6,
        prefix, -1);

    /// <summary>Whether <see cref="Families"/> names Unix, Packet or Netlink, and so holds those sockets to it.</summary>
    public bool NamesLocalFamily
    {
        get
        {
            foreach (var f in Families)
            {
                if (f is not SocketFamily.IPv4 and not SocketFamily.IPv6)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Checks everything but the process filters against one socket.</summary>
    public bool Matches(SocketInfo socket)
    {
        if (!Includes(socket.Protocol))
        {
            return false;
        }

        if (!Includes(socket.Family) && (socket.Family is SocketFamily.IPv4 or SocketFamily.IPv6 || NamesLocalFamily))
        {
            return false;
        }

        if (!States.Matches(socket.Protocol, socket.State))
        {
            return false;
        }

        if (LocalPorts.Count > 0 && !AnyContains(LocalPorts, socket.LocalPort))
        {
            return false;
        }

        if (RemotePorts.Count > 0 && !AnyContains(RemotePorts, socket.RemotePort))
        {
            return false;
        }

        if (Ports.Count > 0 && !AnyContains(Ports, socket.LocalPort) && !AnyContains(Ports, socket.RemotePort))
        {
            return false;
        }

        if (LocalAddresses.Count > 0 && !AnyContains(LocalAddresses, socket))
        {
            return false;
        }

        if (RemoteAddresses.Count > 0 && !AnyContainsRemote(RemoteAddresses, socket))
        {
            return false;
        }

        if (Interface is not null && !string.Equals(Interface, socket.Interface, StringComparison.Ordinal))
        {
            return false;
        }

        return Filter is null || Filter.Matches(socket);
    }

    private static bool AnyContains(IReadOnlyList<PortRange> ranges, int port)
    {
        foreach (var range in ranges)
        {
            if (range.Contains(port))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyContains(IReadOnlyList<IPPrefix> prefixes, SocketInfo socket)
    {
        foreach (var prefix in prefixes)
        {
            if (prefix.Contains(socket.LocalAddress))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyContainsRemote(IReadOnlyList<IPPrefix> prefixes, SocketInfo socket)
    {
        foreach (var prefix in prefixes)
        {
            if (prefix.Contains(socket.RemoteAddress))
            {
                return true;
            }
        }

        return false;
    }
}
