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
