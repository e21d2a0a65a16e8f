namespace SocketTools.Watching;

/// <summary>How long and how Watch-SocketEvent watches.</summary>
public sealed class SocketEventOptions
{
    /// <summary>Time between two dumps, which find Opened and StateChanged events and refresh owners; default 1 second.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Stop after this many events; null: no limit.</summary>
    public int? Count { get; init; }

    /// <summary>Stop when this much time has passed; null: no limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Which events to write; null or empty: all of them.</summary>
    public IReadOnlyList<SocketEventKind>? Events { get; init; }

    /// <summary>The receive buffer asked for the destroy socket, in bytes (root gets it whole, others up to net.core.rmem_max).</summary>
    public int ReceiveBuffer { get; init; } = 32 * 1024 * 1024;

    /// <summary>Throws an InvalidArgument <see cref="SocketToolsException"/> for a value out of range.</summary>
    public void Validate()
    {
        if (!TimerWatchOptions.IsPositive(Interval))
        {
            throw new SocketToolsException("InvalidInterval", ErrorKind.InvalidArgument, $"The interval must be longer than zero; {Interval} is not.");
        }

        if (Count is < 1)
        {
            throw new SocketToolsException("InvalidCount", ErrorKind.InvalidArgument, $"The count must be at least 1; {Count} is not.");
        }

        if (Timeout is TimeSpan t && !TimerWatchOptions.IsPositive(t))
        {
            throw new SocketToolsException("InvalidTimeout", ErrorKind.InvalidArgument, $"The timeout must be longer than zero; {t} is not.");
        }

        if (ReceiveBuffer < 4096)
        {
            throw new SocketToolsException("InvalidReceiveBuffer", ErrorKind.InvalidArgument, $"The receive buffer must be at least 4096 bytes; {ReceiveBuffer} is not.");
        }
    }
}
