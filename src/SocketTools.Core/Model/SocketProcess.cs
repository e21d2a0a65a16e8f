namespace SocketTools;

/// <summary>
/// One process file descriptor that holds a socket, with process details, as lsof prints a row:
/// what Get-SocketProcess writes. <see cref="Id"/> binds by property name to -Id of Get-Process,
/// Stop-Process, Wait-Process and Debug-Process, and no property binds to their -Name (alias
/// ProcessName): the process name is <see cref="Command"/>, lsof's column. So
/// <c>… | Get-SocketProcess | Get-Process</c> or <c>| Stop-Process</c> targets exactly these pids,
/// never every process of the same name.
/// </summary>
public sealed class SocketProcess
{
    /// <summary>The process id.</summary>
    public int Id { get; init; }

    /// <summary>
    /// The process name (/proc/PID/comm, at most 15 characters; lsof's COMMAND column, which cuts it to 9).
    /// Not called Name or ProcessName, which the process cmdlets would bind to -Name.
    /// </summary>
    public string Command { get; init; } = string.Empty;

    /// <summary>The user the process runs as (effective uid, by name from /etc/passwd), or null when the process is gone.</summary>
    public string? User { get; init; }

    /// <summary>The effective user id, or null when the process is gone.</summary>
    public uint? UserId { get; init; }

    /// <summary>The file descriptor number that refers to the socket.</summary>
    public int Fd { get; init; }

    /// <summary>The command line, arguments joined by spaces; null when unreadable.</summary>
    public string? CommandLine { get; init; }

    /// <summary>The executable path (/proc/PID/exe); null when hidden (another user's process) or gone.</summary>
    public string? Path { get; init; }

    /// <summary>When the process started, local time; null when the process is gone.</summary>
    public DateTime? StartTime { get; init; }

    /// <summary>The container the process runs in (<see cref="SocketOwner.ContainerId"/>), or null.</summary>
    public string? ContainerId { get; init; }

    /// <summary>docker, containerd, cri-o, podman, systemd-nspawn or lxc; null with no container.</summary>
    public string? ContainerRuntime { get; init; }

    /// <summary>The Kubernetes pod UID, or null.</summary>
    public string? PodUid { get; init; }

    /// <summary>The systemd unit of the process (e.g. ssh.service), or null.</summary>
    public string? Unit { get; init; }

    /// <summary>The socket.</summary>
    public SocketInfo Socket { get; init; } = null!;

    /// <summary>The network namespace of <see cref="Socket"/>: its name under /run/netns, else net:[INODE].</summary>
    public string? NetworkNamespace => Socket?.NetworkNamespace;

    /// <summary>The inode of the socket's network namespace; 0 when unknown.</summary>
    public ulong NetworkNamespaceId => Socket?.NetworkNamespaceId ?? 0;

    /// <inheritdoc />
    public override string ToString() => Text.LsofText.Line(this);
}
