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

    /// <inheritdoc />
    public override string ToString() => Text.SsText.Owner(Command, Id, Fd);
}
