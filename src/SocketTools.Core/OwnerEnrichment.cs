using SocketTools.Platform;
using SocketTools.Query;

namespace SocketTools;

/// <summary>
/// The owner step of <see cref="SocketReader.Read(Query.SocketQuery, QueryDiagnostics?, CancellationToken)"/>, only when
/// the query needs owners: the platform's owner pass (<see cref="IOwnerResolver.StartScan"/>) starts
/// in the background when the sockets start to be read and records every socket's owners; the
/// matching sockets are buffered, the pass is finished (the reading thread joins it), and each
/// socket gets its owners as it is yielded, after the process filters.
/// </summary>
internal static class OwnerEnrichment
{
    /// <summary>The warning raised (once per call) when some processes' fds could not be read.</summary>
    public static string DeniedWarning(int denied) =>
        $"Owners may be missing: the open files of {denied} process(es) could not be read (/proc/<pid>/fd: permission denied; " +
        "they belong to other users). Every socket is still listed. Run as root to see every owner.";

    /// <summary>The -Verbose note on an owner scan: its counts, and how many of the sockets it found owners for.</summary>
    public static string ScanNote(ISocketOwners index, int sockets, int owned) =>
        index.ScannedProcesses + index.DeniedProcesses + index.VanishedProcesses == 0
            ? $"Owner scan: not needed ({sockets} socket(s), none with an inode to look up)."
            : $"Owner scan of /proc: {index.ScannedProcesses} process(es) read, {index.ScannedFds} fd(s) listed, "
              + $"{index.DeniedProcesses} denied, {index.VanishedProcesses} vanished; {owned} of {sockets} socket(s) have an owner.";

    /// <summary>The -Verbose note when the states asked for cannot have owners, so no owner pass ran.</summary>
    public static string NoScanNote(int sockets) =>
        $"Owner scan: not needed ({sockets} socket(s); SYN-RECV and TIME-WAIT sockets have no inode, so no process holds them).";

    /// <summary>Fills owners of <paramref name="sockets"/> and keeps those that pass the query's process filters.</summary>
    public static IEnumerable<SocketInfo> Apply(IEnumerable<SocketInfo> sockets, SocketQuery query,
        QueryDiagnostics diagnostics, IOwnerResolver owners, CancellationToken cancellationToken = default)
    {
        var buffered = new List<SocketInfo>();
        ISocketOwners index;
        bool anyInode = false;

        // TIME-WAIT and SYN-RECV only: no socket can have an owner, so no pass is started at all.
        bool lookUp = query.CanHaveOwners;
        using (var scan = lookUp ? owners.StartScan(cancellationToken) : null)
        {
            foreach (var socket in sockets)
            {
                buffered.Add(socket);
                anyInode |= socket.Inode != 0;
            }

            // No socket with an inode: nothing to look up (and no /proc error or warning).
            index = anyInode && scan is not null ? scan.Finish() : owners.None;
        }

        bool filterPids = query.ProcessIds.Count > 0;
        var pids = filterPids ? new HashSet<int>(query.ProcessIds) : null;
        var names = query.ProcessNames.Select(n => new Wildcard(n)).ToArray();

        // With -ProcessId alone, the owners of the other processes only matter for the sockets those
        // processes hold: when they hold none, there is nothing to warn about.
        bool warn = index.DeniedProcesses > 0 && (pids is null || names.Length > 0 || AnyHeld(buffered, index, pids));
        if (warn)
        {
            diagnostics.DeniedProcesses += index.DeniedProcesses;
            diagnostics.Warn(DeniedWarning(index.DeniedProcesses));
        }

        // Owners are attached as the sockets are yielded, so a consumer on another thread (the
        // cmdlets' read-ahead) writes the first sockets while the rest get theirs. Every buffered
        // socket gets its owners; only those that pass the process filters are yielded.
        int owned = 0;
        foreach (var socket in buffered)
        {
            Attach(socket, index.OwnersOf(socket.Inode));
            owned += socket.Owners.Count > 0 ? 1 : 0;
            if (pids is not null && !HeldBy(socket.Owners, pids))
            {
                continue;
            }

            if (names.Length > 0 && !socket.Owners.Any(o => Wildcard.MatchesAny(names, o.Command)))
            {
                continue;
            }

            yield return socket;
        }

        diagnostics.Note(lookUp ? ScanNote(index, buffered.Count, owned) : NoScanNote(buffered.Count));
    }

    /// <summary>Whether one of <paramref name="pids"/> holds one of <paramref name="sockets"/> (before owners are attached).</summary>
    private static bool AnyHeld(List<SocketInfo> sockets, ISocketOwners index, HashSet<int> pids)
    {
        foreach (var socket in sockets)
        {
            if (HeldBy(index.OwnersOf(socket.Inode), pids))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HeldBy(IReadOnlyList<SocketOwner> owners, HashSet<int> pids)
    {
        for (int i = 0; i < owners.Count; i++)
        {
            if (pids.Contains(owners[i].Id))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Sets Owners and OwningProcess (the lowest pid, the one netstat -p prints).</summary>
    public static void Attach(SocketInfo socket, SocketOwner[] owners)
    {
        socket.Owners = owners;
        if (owners.Length == 0)
        {
            socket.OwningProcess = null;
            return;
        }

        int lowest = owners[0].Id;
        foreach (var owner in owners)
        {
            lowest = Math.Min(lowest, owner.Id);
        }

        socket.OwningProcess = lowest;
    }
}
