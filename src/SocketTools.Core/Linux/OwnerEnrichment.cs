using SocketTools.Query;

namespace SocketTools.Linux;

/// <summary>
/// The owner step of <see cref="SocketReader.Read(Query.SocketQuery, QueryDiagnostics?, CancellationToken)"/>: runs after the sockets are read and matched,
/// only when the query needs owners. It buffers the matching sockets, resolves just their inodes
/// with one <see cref="OwnerIndex"/> pass, fills <see cref="SocketInfo.Owners"/> and applies the
/// process filters.
/// </summary>
public static class OwnerEnrichment
{
    /// <summary>The warning raised (once per call) when some processes' fds could not be read.</summary>
    public static string DeniedWarning(int denied) =>
        $"Owners may be missing: the open files of {denied} process(es) could not be read (/proc/<pid>/fd: permission denied; " +
        "they belong to other users). Every socket is still listed. Run as root to see every owner.";

    /// <summary>Fills owners of <paramref name="sockets"/> and keeps those that pass the query's process filters.</summary>
    public static IEnumerable<SocketInfo> Apply(IEnumerable<SocketInfo> sockets, SocketQuery query,
        QueryDiagnostics diagnostics, CancellationToken cancellationToken = default)
    {
        var buffered = new List<SocketInfo>();
        var inodes = new HashSet<ulong>();
        foreach (var socket in sockets)
        {
            buffered.Add(socket);
            if (socket.Inode != 0)
            {
                inodes.Add(socket.Inode);
            }
        }

        bool filterPids = query.ProcessIds.Count > 0;
        var names = query.ProcessNames.Select(n => new Wildcard(n)).ToArray();
        if (filterPids && names.Length == 0 && inodes.Count > 0)
        {
            // Cheap first pass over just those processes: the full pass then only resolves their sockets.
            var held = OwnerIndex.Build(inodes, query.ProcessIds, cancellationToken);
            inodes.IntersectWith(held.Inodes);
        }

        var index = OwnerIndex.Build(inodes, null, cancellationToken);
        if (index.DeniedProcesses > 0)
        {
            diagnostics.DeniedProcesses += index.DeniedProcesses;
            diagnostics.Warn(DeniedWarning(index.DeniedProcesses));
        }

        var pids = filterPids ? new HashSet<int>(query.ProcessIds) : null;
        foreach (var socket in buffered)
        {
            var owners = index.OwnersOf(socket.Inode);
            if (pids is not null && !owners.Any(o => pids.Contains(o.ProcessId)))
            {
                continue;
            }

            if (names.Length > 0 && !owners.Any(o => Wildcard.MatchesAny(names, o.ProcessName)))
            {
                continue;
            }

            Attach(socket, owners);
            yield return socket;
        }
    }

    /// <summary>Sets Owners and OwningProcess (the lowest pid, the one netstat -p prints).</summary>
    public static void Attach(SocketInfo socket, SocketOwner[] owners)
    {
        socket.Owners = owners;
        socket.OwningProcess = owners.Length == 0 ? null : owners.Min(o => o.ProcessId);
    }
}
