namespace SocketTools;

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
