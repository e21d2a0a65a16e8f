using SocketTools.Platform;
using SocketTools.Query;

namespace SocketTools;

/// <summary>
/// The core of Get-SocketProcess: joins sockets (read with <see cref="SocketReader"/>) with the
/// processes that hold them (the platform's owner pass), one row per (process, fd, socket), ordered
/// by pid and fd as lsof prints them.
/// </summary>
public static class SocketProcesses
{
    private static ISocketPlatform Platform => SocketPlatform.Current;

    /// <summary>Rows for every owner of <paramref name="sockets"/> (sockets from the pipeline), with one owner pass.</summary>
    public static IEnumerable<SocketProcess> Of(IEnumerable<SocketInfo> sockets, QueryDiagnostics diagnostics,
        CancellationToken cancellationToken = default)
    {
        var list = sockets.Where(s => s.Inode != 0).GroupBy(s => s.Inode).Select(g => g.First()).ToList();
        var index = Platform.Owners.Find(list.Select(s => s.Inode).ToHashSet(), null, cancellationToken);
        Warn(index, diagnostics, list);
        return Rows(list, index, null, [], cancellationToken);
    }

    /// <summary>
    /// Rows for the sockets of <paramref name="query"/> held by <paramref name="processIds"/> (when given;
    /// only those processes are read) and by processes whose name matches <paramref name="names"/> (when given).
    /// With process ids, each socket's Owners lists only those processes (the others were not read).
    /// </summary>
    public static IEnumerable<SocketProcess> Find(SocketQuery query, IReadOnlyCollection<int>? processIds,
        IReadOnlyCollection<string>? names, QueryDiagnostics diagnostics, CancellationToken cancellationToken = default)
    {
        var plain = query with { IncludeProcess = false, ProcessIds = [], ProcessNames = [] };
        var sockets = SocketReader.Read(plain, diagnostics, cancellationToken).Where(s => s.Inode != 0).ToList();
        var inodes = sockets.Select(s => s.Inode).ToHashSet();
        var ids = processIds is { Count: > 0 } ? processIds : null;
        var index = Platform.Owners.Find(inodes, ids, cancellationToken);
        Warn(index, diagnostics, sockets);
        var patterns = (names ?? []).Select(n => new Wildcard(n)).ToArray();
        return Rows(sockets, index, ids is null ? null : new HashSet<int>(ids), patterns, cancellationToken);
    }

    /// <summary>The ids that name no running process (for ObjectNotFound errors).</summary>
    public static IReadOnlyList<int> Missing(IEnumerable<int> processIds) =>
        processIds.Where(id => !Platform.Processes.Exists(id)).Distinct().ToList();

    /// <summary>The names without wildcards that match no running process (Get-Process -Name reports these too).</summary>
    public static IReadOnlyList<string> Unmatched(IEnumerable<string> names)
    {
        var exact = names.Where(n => !Wildcard.ContainsWildcards(n)).ToList();
        if (exact.Count == 0)
        {
            return [];
        }

        var running = Platform.Processes.RunningNames();
        return exact.Where(n => !running.Any(r => string.Equals(r, n.Replace("`", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase))).ToList();
    }

    /// <summary>
    /// The error for a process id that names no running process (ObjectNotFound, as Get-Process -Id
    /// reports it), the same in every cmdlet: 0 and negative ids too, since no process has them (pid
    /// 0 is the kernel's idle task, which holds no file descriptors).
    /// </summary>
    public static SocketToolsException ProcessNotFound(int processId) =>
        new("ProcessNotFound", ErrorKind.ObjectNotFound,
            processId > 0
                ? $"Cannot find a process with the process identifier {processId}."
                : $"Cannot find a process with the process identifier {processId}: process ids start at 1 (pid 0 is the kernel's idle task, which holds no sockets).",
            Native.Errno.ESRCH)
        {
            RecommendedAction = processId > 0
                ? "Check the id with Get-Process; the process may have exited."
                : "Sockets that no process holds have no OwningProcess: Get-SocketStat -IncludeProcess | Where-Object { -not $_.OwningProcess }.",
            Target = processId,
        };

    /// <summary>The error for a process name (without wildcards) that no running process has.</summary>
    public static SocketToolsException ProcessNameNotFound(string name) =>
        new("ProcessNameNotFound", ErrorKind.ObjectNotFound,
            $"Cannot find a process with the name \"{name}\".", Native.Errno.ESRCH)
        {
            RecommendedAction = "Names are matched against /proc/<pid>/comm (at most 15 characters); use wildcards such as 'nginx*'.",
            Target = name,
        };

    private static void Warn(ISocketOwners index, QueryDiagnostics diagnostics, List<SocketInfo> sockets)
    {
        diagnostics.Note(OwnerEnrichment.ScanNote(index, sockets.Count, index.Count));
        if (index.DeniedProcesses > 0)
        {
            diagnostics.DeniedProcesses += index.DeniedProcesses;
            diagnostics.Warn(OwnerEnrichment.DeniedWarning(index.DeniedProcesses));
        }
    }

    private static IEnumerable<SocketProcess> Rows(List<SocketInfo> sockets, ISocketOwners index, HashSet<int>? ids,
        Wildcard[] names, CancellationToken cancellationToken)
    {
        var rows = new List<(SocketOwner Owner, SocketInfo Socket)>();
        foreach (var socket in sockets)
        {
            var owners = index.OwnersOf(socket.Inode);
            OwnerEnrichment.Attach(socket, owners);
            foreach (var owner in owners)
            {
                if ((ids is null || ids.Contains(owner.Id))
                    && (names.Length == 0 || Wildcard.MatchesAny(names, owner.Command)))
                {
                    rows.Add((owner, socket));
                }
            }
        }

        rows.Sort((a, b) => a.Owner.Id != b.Owner.Id
            ? a.Owner.Id.CompareTo(b.Owner.Id) : a.Owner.Fd.CompareTo(b.Owner.Fd));
        Platform.Owners.FillUnixAddresses(rows);   // lsof's DEVICE of a Unix socket
        var details = new Dictionary<int, ProcessDetails>();
        foreach (var (owner, socket) in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!details.TryGetValue(owner.Id, out var d))
            {
                d = Platform.Processes.Read(owner.Id);
                details[owner.Id] = d;
            }

            yield return new SocketProcess
            {
                Id = owner.Id,
                Command = owner.Command,
                User = d.User,
                UserId = d.UserId,
                Fd = owner.Fd,
                CommandLine = d.CommandLine,
                Path = d.Path,
                StartTime = d.StartTime,
                ContainerId = owner.ContainerId,
                ContainerRuntime = owner.ContainerRuntime,
                PodUid = owner.PodUid,
                Unit = owner.Unit,
                Socket = socket,
            };
        }
    }
}
