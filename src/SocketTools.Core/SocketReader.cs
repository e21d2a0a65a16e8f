using SocketTools.Linux;
using SocketTools.Native;
using SocketTools.Query;

namespace SocketTools;

/// <summary>
/// The core's entry point: picks the source for a query, streams its sockets, checks the whole
/// query in process, and adds what the query asked for.
/// </summary>
public static class SocketReader
{
    /// <summary>Streams the sockets that match <paramref name="query"/>.</summary>
    public static IEnumerable<SocketInfo> Read(SocketQuery query, QueryDiagnostics? diagnostics = null,
        CancellationToken cancellationToken = default) =>
        Read(query, diagnostics ?? new QueryDiagnostics(), cancellationToken, CreateSource);

    /// <summary>
    /// Reads what <c>ss -s</c> prints for <paramref name="networkNamespace"/> (the caller's own when
    /// null) from /proc/net/sockstat, sockstat6 and snmp.
    /// </summary>
    public static SocketSummary ReadSummary(string? networkNamespace = null, QueryDiagnostics? diagnostics = null)
    {
        string? ns = string.IsNullOrWhiteSpace(networkNamespace) ? null : networkNamespace;
        var summary = SockStat.Read(ns);
        diagnostics?.Note($"Source: /proc/net/sockstat, sockstat6 and snmp{NetlinkSource.In(ns)} (what ss -s reads).");
        return summary;
    }

    /// <summary>The real sources: netlink sock_diag, or the /proc/net tables.</summary>
    internal static ISocketSource CreateSource(SocketSourceKind kind) =>
        kind == SocketSourceKind.Proc ? new ProcNetSource() : new NetlinkSource();

    /// <summary>
    /// <see cref="Read(SocketQuery, QueryDiagnostics?, CancellationToken)"/> with the sources made by
    /// <paramref name="sources"/> (called with Netlink or Proc), so the fallback can be tested.
    /// </summary>
    internal static IEnumerable<SocketInfo> Read(SocketQuery query, QueryDiagnostics diagnostics,
        CancellationToken cancellationToken, Func<SocketSourceKind, ISocketSource> sources)
    {
        var sockets = ReadMatching(query, diagnostics, cancellationToken, sources);

        // Owners: only when asked for or filtered by process. One /proc pass runs in the background
        // while the sockets are read (OwnerScan); only the sockets that matched get owners attached.
        return query.NeedsOwners ? OwnerEnrichment.Apply(sockets, query, diagnostics, cancellationToken) : sockets;
    }

    /// <summary>The sockets of the query's source that match everything but the process filters.</summary>
    private static IEnumerable<SocketInfo> ReadMatching(SocketQuery query, QueryDiagnostics diagnostics,
        CancellationToken cancellationToken, Func<SocketSourceKind, ISocketSource> sources)
    {
        // A device the namespace does not have is an error, as in ss ("Cannot parse device"), not an empty answer.
        var devices = FilterNode.DeviceNames(query.KernelFilter()).Distinct(StringComparer.Ordinal).ToList();
        InterfaceNames.RequireExisting(query.NetworkNamespace, devices);

        var stream = query.Source switch
        {
            SocketSourceKind.Netlink => sources(SocketSourceKind.Netlink).Enumerate(query, diagnostics, cancellationToken),
            SocketSourceKind.Proc => sources(SocketSourceKind.Proc).Enumerate(query, diagnostics, cancellationToken),
            _ => WithFallback(query, diagnostics, cancellationToken, sources),
        };

        int read = 0, matched = 0;
        foreach (var socket in stream)
        {
            read++;
            if (query.Matches(socket))
            {
                matched++;
                yield return socket;
            }
        }

        diagnostics.Note($"{read} socket(s) read ({diagnostics.SourceUsed ?? "no source"}), {matched} matched the query in process.");
        if (diagnostics.SkippedRecords > 0)
        {
            diagnostics.Note($"{diagnostics.SkippedRecords} record(s) could not be decoded and were skipped.");
        }
    }


    /// <summary>
    /// netlink first; when it turns out to be unavailable, one warning and /proc/net for the rest.
    /// Sockets of a (protocol, family) that netlink already listed are not listed again.
    /// </summary>
    private static IEnumerable<SocketInfo> WithFallback(SocketQuery query, QueryDiagnostics diagnostics,
        CancellationToken cancellationToken, Func<SocketSourceKind, ISocketSource> sources)
    {
        var seen = new HashSet<(SocketProtocol, SocketFamily)>();
        (SocketProtocol, SocketFamily)? last = null;
        NetlinkException? failure = null;
        using (var netlink = sources(SocketSourceKind.Netlink).Enumerate(query, diagnostics, cancellationToken).GetEnumerator())
        {
            while (true)
            {
                SocketInfo socket;
                try
                {
                    if (!netlink.MoveNext())
                    {
                        break;
                    }

                    socket = netlink.Current;
                }
                catch (NetlinkException e) when (e.MeansUnavailable)
                {
                    failure = e;
                    break;
                }

                // Sockets come grouped by (protocol, family): record each group once, not once per socket.
                var group = (socket.Protocol, socket.Family);
                if (group != last)
                {
                    seen.Add(group);
                    last = group;
                }

                yield return socket;
            }
        }

        if (failure is null)
        {
            yield break;
        }

        diagnostics.Warn($"netlink sock_diag is unavailable ({Errno.Describe(failure.Errno)}); reading /proc/net instead, "
            + $"which does not report {ProcNetSource.Unavailable}.");
        foreach (var socket in sources(SocketSourceKind.Proc).Enumerate(query, diagnostics, cancellationToken))
        {
            if (seen.Count == 0 || !seen.Contains((socket.Protocol, socket.Family)))
            {
                yield return socket;
            }
        }

        if (seen.Count > 0)
        {
            diagnostics.SourceUsed = "netlink+proc";
        }
    }
}
