namespace SocketTools.Watching;

/// <summary>What happened to a socket in a <see cref="SocketEvent"/>.</summary>
public enum SocketEventKind
{
    /// <summary>The kernel destroyed the socket (its destroy message, as ss -E prints it); its counters are final.</summary>
    Closed,
    /// <summary>A dump lists a socket that the previous dump did not (sampled: found at the -Interval).</summary>
    Opened,
    /// <summary>A dump lists a socket in another state than the previous dump (sampled).</summary>
    StateChanged,
}
