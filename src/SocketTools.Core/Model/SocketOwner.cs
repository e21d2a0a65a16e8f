namespace SocketTools;

/// <summary>
/// One process file descriptor that refers to a socket, as ss -p prints it: ("name",pid=N,fd=M).
/// Its properties bind by name to the process cmdlets' -Id and never to their -Name (whose alias is
/// ProcessName), so <c>$socket.Owners | Stop-Process</c> targets exactly these pids.
/// </summary>
public sealed class SocketOwner
{
    /// <summary>Creates an owner record.</summary>
    public SocketOwner(int id, string command, int fd)
    {
        Id = id;
        Command = command;
        Fd = fd;
    }

    /// <summary>The owning process id (binds to -Id of Get-Process, Stop-Process, Wait-Process and Debug-Process).</summary>
    public int Id { get; }

    /// <summary>
    /// The process name (from /proc/&lt;pid&gt;/comm, at most 15 characters), as ss prints it between quotes
    /// and lsof as COMMAND. Not called Name or ProcessName, which the process cmdlets would bind to -Name.
    /// </summary>
    public string Command { get; }

    /// <summary>The file descriptor number in that process.</summary>
    public int Fd { get; }

    /// <summary>
    /// The container the process runs in, as its cgroup path names it: the 64-hex id for docker,
    /// containerd, cri-o and podman, the machine or container name for systemd-nspawn and LXC;
    /// null when it is in none (read once per process from /proc/&lt;pid&gt;/cgroup).
    /// </summary>
    public string? ContainerId { get; init; }

    /// <summary>What runs that container: docker, containerd, cri-o, podman, systemd-nspawn or lxc; null with no container.</summary>
    public string? ContainerRuntime { get; init; }

    /// <summary>The Kubernetes pod UID when the cgroup path has one (kubelet's kubepods hierarchy), else null.</summary>
    public string? PodUid { get; init; }

    /// <summary>The systemd unit of the process (e.g. ssh.service, docker-&lt;id&gt;.scope, session-3.scope); null outside systemd's units.</summary>
    public string? Unit { get; init; }

    /// <inheritdoc />
    public override string ToString() => Text.SsText.Owner(Command, Id, Fd);
}
