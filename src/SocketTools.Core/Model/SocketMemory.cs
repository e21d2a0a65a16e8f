namespace SocketTools;

/// <summary>
/// Socket memory accounting from the kernel's skmeminfo (ss -m: skmem:(r,rb,t,tb,f,w,o,bl,d)),
/// filled when -Memory is asked for. All values are bytes except <see cref="Drops"/> (packets).
/// </summary>
public sealed class SocketMemory
{
    /// <summary>Memory allocated for received data (ss: r).</summary>
    public long RmemAlloc { get; init; }

    /// <summary>Receive buffer size, SO_RCVBUF (ss: rb).</summary>
    public long RcvBuf { get; init; }

    /// <summary>Memory allocated for data being sent (ss: t).</summary>
    public long WmemAlloc { get; init; }

    /// <summary>Send buffer size, SO_SNDBUF (ss: tb).</summary>
    public long SndBuf { get; init; }

    /// <summary>Memory reserved but not yet used (ss: f).</summary>
    public long FwdAlloc { get; init; }

    /// <summary>Memory queued for sending, not yet acknowledged (ss: w).</summary>
    public long WmemQueued { get; init; }

    /// <summary>Option memory: socket filters, ancillary data (ss: o).</summary>
    public long OptMem { get; init; }

    /// <summary>Backlog queue length, data arrived while the socket was locked (ss: bl).</summary>
    public long Backlog { get; init; }

    /// <summary>Packets dropped before reaching the socket (ss: d); null on kernels before 4.3.</summary>
    public long? Drops { get; init; }

    /// <inheritdoc />
    public override string ToString() => Text.SsText.Skmem(this);
}
