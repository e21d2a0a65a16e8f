using System.Net;

namespace SocketTools;

/// <summary>
/// One socket as the kernel reports it: typed raw values only; display text is made by
/// <see cref="Text.SsText"/> in the format views.
/// </summary>
public sealed class SocketInfo
{
    /// <summary>Transport protocol.</summary>
    public SocketProtocol Protocol { get; init; }

    /// <summary>Address family.</summary>
    public SocketFamily Family { get; init; }

    /// <summary>Socket type (stream, datagram, …).</summary>
    public SocketKind Type { get; init; }

    /// <summary>State, with the kernel's meaning.</summary>
    public SocketState State { get; init; }

    /// <summary>
    /// Local IP address as text, as <see cref="System.Net.IPAddress.ToString"/> writes it (127.0.0.1,
    /// ::1, ::ffff:10.0.0.1); null for non-IP sockets. Text rather than IPAddress so that the objects
    /// survive ConvertTo-Json, Export-Csv and remoting unchanged (see about_SocketTools);
    /// <see cref="LocalIPAddress"/> parses it.
    /// </summary>
    public string? LocalAddress { get; init; }

    /// <summary>Local port (0 when unbound).</summary>
    public int LocalPort { get; init; }

    /// <summary>Remote IP address as text (see <see cref="LocalAddress"/>); null for non-IP sockets.</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>Remote port (0 when not connected).</summary>
    public int RemotePort { get; init; }

    /// <summary>Bytes in the receive queue; for a listener, the accept queue length.</summary>
    public long RecvQ { get; init; }

    /// <summary>Bytes in the send queue (not yet acknowledged); for a listener, the backlog.</summary>
    public long SendQ { get; init; }

    /// <summary>The bound or scope device by name (ss prints it after %), or null.</summary>
    public string? Interface { get; init; }

    /// <summary>The bound or scope device's index, 0 when none.</summary>
    public int InterfaceIndex { get; init; }

    /// <summary>Which timer is pending.</summary>
    public TimerKind TimerKind { get; init; }

    /// <summary>Time until the pending timer fires.</summary>
    public TimeSpan Timer { get; init; }

    /// <summary>Retransmissions (or keepalive/zero-window probes) counted by the pending timer.</summary>
    public int Retransmits { get; init; }

    /// <summary>The owning user id.</summary>
    public uint Uid { get; init; }

    /// <summary>The socket's inode (0 for TIME-WAIT and request sockets).</summary>
    public ulong Inode { get; init; }

    /// <summary>The kernel's socket cookie (ss -e prints it as sk:hex); stable for the socket's life.</summary>
    public ulong Cookie { get; init; }

    /// <summary>The cgroup v2 id of the socket, when the kernel reports it.</summary>
    public ulong? CgroupId { get; init; }

    /// <summary>IPV6_V6ONLY for IPv6 sockets; null for IPv4 and where the kernel does not say.</summary>
    public bool? V6Only { get; init; }

    /// <summary>Which directions are shut down, when the kernel reports it.</summary>
    public ShutdownState? Shutdown { get; init; }

    /// <summary>SO_MARK, when the kernel reports it (needs CAP_NET_ADMIN).</summary>
    public uint? Mark { get; init; }

    /// <summary>Path of a Unix socket (abstract names start with @), or null.</summary>
    public string? Path { get; init; }

    /// <summary>Inode of a Unix socket's peer, or null.</summary>
    public ulong? PeerInode { get; init; }

    /// <summary>The EtherType a packet socket receives (ETH_P_ALL = 3, ETH_P_IP = 0x0800 …), or null.</summary>
    public int? EtherType { get; init; }

    /// <summary>The netlink protocol of a netlink socket (NETLINK_ROUTE = 0 …), or null.</summary>
    public int? NetlinkProtocol { get; init; }

    /// <summary>A netlink socket's own port id, or null.</summary>
    public uint? PortId { get; init; }

    /// <summary>A connected netlink socket's destination port id (0: the kernel); null when not connected.</summary>
    public uint? PeerPortId { get; init; }

    /// <summary>A connected netlink socket's destination multicast group (ss prints group:port); null when not connected.</summary>
    public uint? PeerGroup { get; init; }

    /// <summary>For a listening Unix socket, the inodes of the clients waiting in its accept queue (ss -e: peers:); otherwise null.</summary>
    public ulong[]? PendingPeerInodes { get; init; }

    /// <summary>The inode of the file a Unix socket is bound to (ss -e: ino:), or null for unnamed and abstract sockets.</summary>
    public ulong? FileInode { get; init; }

    /// <summary>The kernel's device number (major &lt;&lt; 20 | minor) of the file system holding a Unix socket's file (ss -e: dev:major/minor), or null.</summary>
    public uint? FileDevice { get; init; }

    /// <summary>
    /// A Unix socket's kernel address as the Num column of /proc/net/unix prints it (hashed by the kernel
    /// unless kptr_restrict lets it through); lsof prints it as the DEVICE of a Unix socket. Read from
    /// /proc/net/unix, so filled by the /proc/net source and by Get-SocketProcess; null otherwise.
    /// </summary>
    public ulong? KernelAddress { get; internal set; }

    /// <summary>The owning process id when owners were asked for and found: the lowest pid among <see cref="Owners"/>, the one netstat -p prints.</summary>
    public int? OwningProcess { get; internal set; }

    /// <summary>
    /// Every process file descriptor that refers to this socket, in ss -p's order (empty unless owners were asked for);
    /// its text is ss's users:((…)) cell. Assign an array or a <see cref="SocketOwnerList"/>.
    /// </summary>
    public SocketOwnerList Owners { get; internal set; } = SocketOwnerList.Empty;

    /// <summary>tcp_info details, when asked for with -Info.</summary>
    public TcpDetails? Tcp { get; init; }

    /// <summary>Socket memory (skmeminfo), when asked for with -Memory.</summary>
    public SocketMemory? Memory { get; init; }

    /// <summary>
    /// The network namespace the socket lives in: its name under /run/netns when it has one, otherwise
    /// net:[INODE] as /proc/PID/ns/net reads. Cmdlets that take a socket from the pipeline act in it.
    /// </summary>
    public string? NetworkNamespace { get; internal set; }

    /// <summary>The network namespace's inode (the number in net:[INODE]); 0 when unknown.</summary>
    public ulong NetworkNamespaceId { get; internal set; }

    /// <summary>The local address as an IPAddress (a method, so serializers leave it out), or null.</summary>
    public IPAddress? LocalIPAddress() => ParseAddress(LocalAddress);

    /// <summary>The remote address as an IPAddress (a method, so serializers leave it out), or null.</summary>
    public IPAddress? RemoteIPAddress() => ParseAddress(RemoteAddress);

    private static IPAddress? ParseAddress(string? text) =>
        text is not null && IPAddress.TryParse(text, out var address) ? address : null;

    /// <inheritdoc />
    public override string ToString() => Text.SsText.Line(this);
}
