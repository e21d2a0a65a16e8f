namespace SocketTools;

/// <summary>One process file descriptor that refers to a socket, as ss -p prints it: ("name",pid=N,fd=M).</summary>
public sealed class SocketOwner
{
    /// <summary>Creates an owner record.</summary>
    public SocketOwner(int processId, string processName, int fd)
    {
        ProcessId = processId;
        ProcessName = processName;
        Fd = fd;
    }

    /// <summary>The owning process id.</summary>
    public int ProcessId { get; }

    /// <summary>The process name (from /proc/&lt;pid&gt;/comm, as ss prints it).</summary>
    public string ProcessName { get; }

    /// <summary>The file descriptor number in that process.</summary>
    public int Fd { get; }

    /// <inheritdoc />
    public override string ToString() => Text.SsText.Owner(ProcessName, ProcessId, Fd);
}
