using System.Net;

namespace SocketTools.Watching;

/// <summary>What changed about a watched socket since the previous sample.</summary>
[Flags]
public enum TimerChange
{
    /// <summary>Nothing but the timer counting down.</summary>
    None = 0,
    /// <summary>The watch sees this socket for the first time.</summary>
    Appeared = 1,
    /// <summary>The retransmit (or probe) count went up: the timer fired and the segment was sent again.</summary>
    Retransmitted = 2,
    /// <summary>The socket's state changed (see <see cref="TimerSample.PreviousState"/>).</summary>
    StateChanged = 4,
    /// <summary>
    /// The pending timer was pushed later before it was due, without a retransmission: an ACK
    /// restarted the retransmit timer, traffic reset the keepalive timer, a segment from the peer
    /// (a retransmitted FIN) restarted TIME-WAIT. A timer that was due by this sample (it fired,
    /// or is overdue and reads 0) is never restarted: what follows it is a new timer.
    /// </summary>
    TimerRestarted = 8,
    /// <summary>The socket is gone: the last values seen are repeated, with no timer.</summary>
    Closed = 16,
    /// <summary>A timer is pending where none was, or a timer of another kind took the place of the previous one.</summary>
    TimerStarted = 32,
}

/// <summary>
/// One socket's TCP timer at one moment of Watch-TcpTimer: what ss -not prints for it, plus what
/// changed since the previous sample. Sockets are tracked by <see cref="Cookie"/>.
/// </summary>
public sealed class TimerSample
{
    /// <summary>When the sample was read (local time).</summary>
    public DateTime Timestamp { get; init; }

    /// <summary>Time since the watch started (its first sample is at zero).</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The sample's number, counting from 1; every socket in one sample has the same number.</summary>
    public int Sample { get; init; }

    /// <summary>The kernel's socket cookie: the socket's identity for the watch.</summary>
    public ulong Cookie { get; init; }

    /// <summary>Address family.</summary>
    public SocketFamily Family { get; init; }

    /// <summary>The socket's TCP state (for a Closed sample, the last state seen).</summary>
    public SocketState State { get; init; }

    /// <summary>The state in the previous sample, when it changed (<see cref="TimerChange.StateChanged"/>); otherwise null.</summary>
    public SocketState? PreviousState { get; init; }

    /// <summary>The socket's network namespace: its name under /run/netns, else net:[INODE].</summary>
    public string? NetworkNamespace { get; init; }

    /// <summary>The inode of the socket's network namespace; 0 when unknown.</summary>
    public ulong NetworkNamespaceId { get; init; }

    /// <summary>Local IP address as text (as SocketInfo carries it, so JSON, CSV and remoting keep it).</summary>
    public string? LocalAddress { get; init; }

    /// <summary>Local port.</summary>
    public int LocalPort { get; init; }

    /// <summary>Remote IP address as text.</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>Remote port.</summary>
    public int RemotePort { get; init; }

    /// <summary>The bound or scope device by name, or null.</summary>
    public string? Interface { get; init; }

    /// <summary>IPV6_V6ONLY for IPv6 sockets, when known.</summary>
    public bool? V6Only { get; init; }

    /// <summary>Bytes in the receive queue; for a listener, the accept queue length.</summary>
    public long RecvQ { get; init; }

    /// <summary>Bytes sent and not yet acknowledged; for a listener, the backlog.</summary>
    public long SendQ { get; init; }

    /// <summary>Which timer is pending (Off in a Closed sample).</summary>
    public TimerKind TimerKind { get; init; }

    /// <summary>Time until the pending timer fires.</summary>
    public TimeSpan Timer { get; init; }

    /// <summary>Retransmissions (or keepalive / zero-window probes) counted by the pending timer.</summary>
    public int Retransmits { get; init; }

    /// <summary>What changed since the previous sample.</summary>
    public TimerChange Change { get; init; }

    /// <summary>A sample of <paramref name="socket"/> as it is now.</summary>
    internal static TimerSample From(SocketInfo socket, int sample, DateTime timestamp, TimeSpan elapsed,
        TimerChange change, SocketState? previousState) => new()
    {
        Timestamp = timestamp,
        Elapsed = elapsed,
        Sample = sample,
        Cookie = socket.Cookie,
        Family = socket.Family,
        State = socket.State,
        PreviousState = previousState,
        LocalAddress = socket.LocalAddress,
        LocalPort = socket.LocalPort,
        RemoteAddress = socket.RemoteAddress,
        RemotePort = socket.RemotePort,
        Interface = socket.Interface,
        V6Only = socket.V6Only,
        RecvQ = socket.RecvQ,
        SendQ = socket.SendQ,
        TimerKind = socket.TimerKind,
        Timer = socket.Timer,
        Retransmits = socket.Retransmits,
        Change = change,
        NetworkNamespace = socket.NetworkNamespace,
        NetworkNamespaceId = socket.NetworkNamespaceId,
    };

    /// <inheritdoc />
    public override string ToString() => Text.WatchText.Line(this);
}
