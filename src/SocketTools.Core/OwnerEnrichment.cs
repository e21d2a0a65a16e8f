using System.Runtime.ExceptionServices;
using SocketTools.Platform;
using SocketTools.Query;

namespace SocketTools;

/// <summary>
/// The owner step of <see cref="SocketReader.Read(Query.SocketQuery, QueryDiagnostics?, CancellationToken)"/>, only when
/// the query needs owners: the platform's owner pass (<see cref="IOwnerResolver.StartScan"/>) records
/// every socket's owners first, on every core (as ss -p reads /proc before it dumps), then the
/// sockets stream, each with its owners, through the process filters; nothing is buffered.
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
        // As ss -p: the owner pass first, on every core, then the sockets, each with its owners as
        // it is read; none is buffered. TIME-WAIT and SYN-RECV only: no socket can have an owner,
        // so no pass is started at all.
        bool lookUp = query.CanHaveOwners;
        ISocketOwners index = owners.None;
        ExceptionDispatchInfo? unavailable = null;
        if (lookUp)
        {
            using var scan = owners.StartScan(cancellationToken);
            try
            {
                index = scan.Finish();
            }
            catch (SocketToolsException e)
            {
                // Raised with the first socket that has an inode: without one there is nothing to look up.
                unavailable = ExceptionDispatchInfo.Capture(e);
            }
        }

        var pids = query.ProcessIds.Count > 0 ? new HashSet<int>(query.ProcessIds) : null;
        var names = query.ProcessNames.Select(n => new Wildcard(n)).ToArray();

        // With -ProcessId alone, the owners of the other processes only matter for the sockets those
        // processes hold: the warning then waits until one is found.
        bool warnFirst = index.DeniedProcesses > 0 && (pids is null || names.Length > 0);
        bool anyInode = false, held = false;
        int count = 0, owned = 0;
        foreach (var socket in sockets)
        {
            count++;
            if (socket.Inode != 0 && !anyInode)
            {
                anyInode = true;
                unavailable?.Throw();
                if (warnFirst)
                {
                    Warn(diagnostics, index.DeniedProcesses);
                }
            }

            Attach(socket, index.OwnersOf(socket.Inode));
            owned += socket.Owners.Count > 0 ? 1 : 0;
            if (pids is not null && !HeldBy(socket.Owners, pids))
            {
                continue;
            }

            if (pids is not null && !held && !warnFirst && index.DeniedProcesses > 0)
            {
                held = true;
                Warn(diagnostics, index.DeniedProcesses);
            }

            if (names.Length > 0 && !socket.Owners.Any(o => Wildcard.MatchesAny(names, o.Command)))
            {
                continue;
            }

            yield return socket;
        }

        diagnostics.Note(!lookUp ? NoScanNote(count) : ScanNote(anyInode ? index : owners.None, count, owned));
    }

    private static void Warn(QueryDiagnostics diagnostics, int denied)
    {
        diagnostics.DeniedProcesses += denied;
        diagnostics.Warn(DeniedWarning(denied));
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
