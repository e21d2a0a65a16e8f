namespace SocketTools.Watching;

/// <summary>
/// One event of Watch-SocketEvent: a socket closed (from the kernel's destroy message), opened or
/// changed state (from comparing two dumps, <see cref="Sampled"/>). The socket's own values are in
/// <see cref="Socket"/>; the flat properties repeat the ones views and scripts use most.
/// </summary>
public sealed class SocketEvent
{
    /// <summary>Creates an event for <paramref name="socket"/>.</summary>
    public SocketEvent(SocketEventKind kind, SocketInfo socket, DateTime timeStamp)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Event = kind;
        Socket = socket;
        TimeStamp = timeStamp;
    }

    /// <summary>When it happened (local time): when the destroy message was read, or when the dump that found it ran.</summary>
    public DateTime TimeStamp { get; }

    /// <summary>Closed, Opened or StateChanged.</summary>
    public SocketEventKind Event { get; }

    /// <summary>True when the event was found by comparing dumps (Opened, StateChanged): it happened at most one interval before <see cref="TimeStamp"/>.</summary>
    public bool Sampled => Event != SocketEventKind.Closed;

    /// <summary>The socket; for Closed, as the kernel last knew it, with its final tcp_info in Tcp.</summary>
    public SocketInfo Socket { get; }

    /// <summary>The network namespace of <see cref="Socket"/>: its name under /run/netns, else net:[INODE].</summary>
    public string? NetworkNamespace => Socket.NetworkNamespace;

    /// <summary>The inode of the socket's network namespace; 0 when unknown.</summary>
    public ulong NetworkNamespaceId => Socket.NetworkNamespaceId;

    /// <summary>The state the previous dump showed (StateChanged; for Closed, the last state a dump showed), or null.</summary>
    public SocketState? PreviousState { get; init; }

    /// <summary>
    /// For Closed: the time since a dump first saw the socket open, when the watch saw it open
    /// (an Opened event); null for sockets that were open before the watch or lived between two dumps.
    /// </summary>
    public TimeSpan? Lifetime { get; init; }

    /// <summary>Transport protocol (Tcp or Udp).</summary>
    public SocketProtocol Protocol => Socket.Protocol;

    /// <summary>Address family (IPv4 or IPv6).</summary>
    public SocketFamily Family => Socket.Family;

    /// <summary>The socket's state in this event (a closed socket's is Closed).</summary>
    public SocketState State => Socket.State;

    /// <summary>Local address text.</summary>
    public string? LocalAddress => Socket.LocalAddress;

    /// <summary>Local port.</summary>
    public int LocalPort => Socket.LocalPort;

    /// <summary>Remote address text.</summary>
    public string? RemoteAddress => Socket.RemoteAddress;

    /// <summary>Remote port.</summary>
    public int RemotePort => Socket.RemotePort;

    /// <summary>The kernel's socket cookie (ss's sk:), the same in every event of one socket.</summary>
    public ulong Cookie => Socket.Cookie;

    /// <summary>TCP payload bytes sent (tcpi_bytes_sent), when the kernel reported tcp_info.</summary>
    public ulong? BytesSent => Socket.Tcp?.BytesSent;

    /// <summary>TCP bytes received (tcpi_bytes_received; the peer's FIN counts as one), when the kernel reported tcp_info.</summary>
    public ulong? BytesReceived => Socket.Tcp?.BytesReceived;

    /// <summary>The lowest pid of the owners last seen (-IncludeProcess), or null.</summary>
    public int? OwningProcess => Socket.OwningProcess;

    /// <summary>The command name of <see cref="OwningProcess"/>, or null.</summary>
    public string? Command
    {
        get
        {
            foreach (var owner in Socket.Owners)
            {
                if (owner.Id == Socket.OwningProcess)
                {
                    return owner.Command;
                }
            }

            return null;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Event} {Socket}";
}
