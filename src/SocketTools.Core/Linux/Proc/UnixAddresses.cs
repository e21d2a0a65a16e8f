namespace SocketTools.Linux;

/// <summary>
/// Fills <see cref="SocketInfo.KernelAddress"/> of Unix sockets from /proc/PID/net/unix, the table of
/// the network namespace a process is in (unix_diag does not report the address). One read covers
/// every socket of that namespace, so a table is read only for an owner whose sockets are still
/// missing, usually once per call.
/// </summary>
internal static class UnixAddresses
{
    /// <summary>Sets the address of each Unix socket in <paramref name="rows"/> that has none, reading the owners' tables.</summary>
    public static void Fill(IEnumerable<(SocketOwner Owner, SocketInfo Socket)> rows)
    {
        var missing = rows.Where(r => r.Socket.Family == SocketFamily.Unix && r.Socket.KernelAddress is null && r.Socket.Inode != 0).ToList();
        var readPids = new HashSet<int>();
        foreach (var (owner, socket) in missing)
        {
            if (socket.KernelAddress is not null || !readPids.Add(owner.Id))
            {
                continue;
            }

            var table = Read(owner.Id);
            foreach (var (_, other) in missing)
            {
                if (other.KernelAddress is null && table.TryGetValue(other.Inode, out ulong address))
                {
                    other.KernelAddress = address;
                }
            }
        }
    }

    /// <summary>Inode to kernel address for the Unix sockets of <paramref name="processId"/>'s namespace; empty when the table cannot be read.</summary>
    internal static Dictionary<ulong, ulong> Read(int processId)
    {
        var table = new Dictionary<ulong, ulong>();
        IEnumerable<string> lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{processId}/net/unix").Skip(1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return table;   // the process exited, or its namespace's table is hidden from us
        }

        foreach (string line in lines)
        {
            if (ProcNet.ParseUnix(line, out _) is { Inode: not 0, KernelAddress: ulong address } socket)
            {
                table.TryAdd(socket.Inode, address);
            }
        }

        return table;
    }
}
