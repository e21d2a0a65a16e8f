namespace SocketTools;

/// <summary>
/// A socket's state with the kernel's numbering (include/net/tcp_states.h), named as
/// Get-NetTCPConnection names them. UDP and RAW sockets are <see cref="Closed"/> (ss: UNCONN)
/// or <see cref="Established"/> (connected).
/// </summary>
public enum SocketState
{
    /// <summary>No state (unused by the kernel; ss: UNKNOWN).</summary>
    Unknown = 0,
    /// <summary>TCP_ESTABLISHED (ss: ESTAB); a connected datagram socket.</summary>
    Established = 1,
    /// <summary>TCP_SYN_SENT (ss: SYN-SENT): a connect() waiting for the SYN-ACK.</summary>
    SynSent = 2,
    /// <summary>TCP_SYN_RECV (ss: SYN-RECV): a SYN-ACK sent, waiting for the final ACK.</summary>
    SynReceived = 3,
    /// <summary>TCP_FIN_WAIT1 (ss: FIN-WAIT-1).</summary>
    FinWait1 = 4,
    /// <summary>TCP_FIN_WAIT2 (ss: FIN-WAIT-2).</summary>
    FinWait2 = 5,
    /// <summary>TCP_TIME_WAIT (ss: TIME-WAIT).</summary>
    TimeWait = 6,
    /// <summary>TCP_CLOSE (ss: UNCONN): closed, or an unconnected datagram socket.</summary>
    Closed = 7,
    /// <summary>TCP_CLOSE_WAIT (ss: CLOSE-WAIT).</summary>
    CloseWait = 8,
    /// <summary>TCP_LAST_ACK (ss: LAST-ACK).</summary>
    LastAck = 9,
    /// <summary>TCP_LISTEN (ss: LISTEN).</summary>
    Listen = 10,
    /// <summary>TCP_CLOSING (ss: CLOSING).</summary>
    Closing = 11,
    /// <summary>TCP_NEW_SYN_RECV: the kernel's request-socket state, reported to users as SYN-RECV.</summary>
    NewSynReceived = 12,
    /// <summary>TCP_BOUND_INACTIVE: bound, never listened or connected (kernel 6.8+).</summary>
    BoundInactive = 13,
}

/// <summary>Transport protocol of a socket, as ss's Netid groups them.</summary>
public enum SocketProtocol
{
    /// <summary>TCP (ss: tcp).</summary>
    Tcp,
    /// <summary>UDP (ss: udp).</summary>
    Udp,
    /// <summary>Raw IP sockets (ss: raw).</summary>
    Raw,
    /// <summary>Unix domain sockets (ss: u_str, u_dgr, u_seq).</summary>
    Unix,
    /// <summary>Packet sockets (ss: p_raw, p_dgr).</summary>
    Packet,
    /// <summary>Netlink sockets (ss: nl).</summary>
    Netlink,
    /// <summary>Only for selecting (-Protocol All): every protocol above. No socket has it.</summary>
    All = 99,
}

/// <summary>Address family of a socket.</summary>
public enum SocketFamily
{
    /// <summary>AF_INET.</summary>
    IPv4,
    /// <summary>AF_INET6 (including v4-mapped addresses).</summary>
    IPv6,
    /// <summary>AF_UNIX.</summary>
    Unix,
    /// <summary>AF_PACKET.</summary>
    Packet,
    /// <summary>AF_NETLINK.</summary>
    Netlink,
}

/// <summary>Which TCP timer is pending, as ss -o names it (the kernel's idiag_timer).</summary>
public enum TimerKind
{
    /// <summary>No timer (ss: off).</summary>
    Off = 0,
    /// <summary>Retransmit, loss-probe or SYN/SYN-ACK timer (ss: on).</summary>
    On = 1,
    /// <summary>Keepalive timer (ss: keepalive).</summary>
    Keepalive = 2,
    /// <summary>TIME-WAIT expiry (ss: timewait).</summary>
    TimeWait = 3,
    /// <summary>Zero-window probe timer (ss: persist).</summary>
    Persist = 4,
}

/// <summary>Which directions of a socket have been shut down (ss -e prints &lt;-&gt;, --&gt;, &lt;--, ---).</summary>
[Flags]
public enum ShutdownState
{
    /// <summary>Both directions open (ss: &lt;-&gt;).</summary>
    None = 0,
    /// <summary>Receiving shut down (RCV_SHUTDOWN).</summary>
    Receive = 1,
    /// <summary>Sending shut down (SEND_SHUTDOWN).</summary>
    Send = 2,
    /// <summary>Both directions shut down (ss: ---).</summary>
    Both = 3,
}

/// <summary>The socket type (SOCK_STREAM, SOCK_DGRAM, …).</summary>
public enum SocketKind
{
    /// <summary>Unknown or not applicable.</summary>
    Unknown = 0,
    /// <summary>SOCK_STREAM.</summary>
    Stream = 1,
    /// <summary>SOCK_DGRAM.</summary>
    Datagram = 2,
    /// <summary>SOCK_RAW.</summary>
    Raw = 3,
    /// <summary>SOCK_SEQPACKET.</summary>
    SeqPacket = 5,
}
