using SocketTools.Platform;
using SocketTools.Query;

namespace SocketTools;

/// <summary>
/// The core's entry point: streams a query's sockets from the platform's source (which decides how
/// to read them), checks the whole query in process, and adds what the query asked for (owners).
/// </summary>
public static class SocketReader
{
    /// <summary>Streams the sockets that match <paramref name="query"/>.</summary>
    public static IEnumerable<SocketInfo> Read(SocketQuery query, QueryDiagnostics? diagnostics = null,
        CancellationToken cancellationToken = default) =>
        Read(query, diagnostics ?? new QueryDiagnostics(), cancellationToken, Platform.Sources);

    /// <summary>
    /// Reads what <c>ss -s</c> prints for <paramref name="networkNamespace"/> (the caller's own when
    /// null): on Linux from /proc/net/sockstat, sockstat6 and snmp.
    /// </summary>
    public static SocketSummary ReadSummary(string? networkNamespace = null, QueryDiagnostics? diagnostics = null)
    {
        var summary = Platform.ReadSummary(networkNamespace, diagnostics);
        var where = Platform.Namespaces.Identify(networkNamespace);
        summary.NetworkNamespace = where?.Name ?? networkNamespace;
        summary.NetworkNamespaceId = where?.Id ?? 0;
        return summary;
    }

    /// <summary>What <c>ss -s</c> prints for each of <paramref name="namespaces"/>, in turn; those that are gone by then are skipped (a note says so).</summary>
    public static IEnumerable<SocketSummary> ReadSummaries(IReadOnlyList<NetworkNamespaceInfo> namespaces, QueryDiagnostics? diagnostics = null)
    {
        var denied = new List<string>();
        foreach (var ns in namespaces)
        {
            SocketSummary summary;
            try
            {
                summary = Platform.ReadSummary(ns.Path, null);
            }
            catch (SocketToolsException e) when (e.Kind is ErrorKind.ObjectNotFound or ErrorKind.InvalidArgument or ErrorKind.PermissionDenied)
            {
                diagnostics?.Note($"Network namespace {ns.Name} skipped: {e.Message}");
                if (e.Kind == ErrorKind.PermissionDenied)
                {
                    denied.Add(ns.Name);
                }

                continue;
            }

            summary.NetworkNamespace = ns.Name;
            summary.NetworkNamespaceId = ns.Id;
            yield return summary;
        }

        if (denied.Count > 0)
        {
            diagnostics?.Warn(NamespaceReader.DeniedWarning(denied));
        }
    }

    private static ISocketPlatform Platform => SocketPlatform.Current;

    /// <summary>
    /// <see cref="Read(SocketQuery, QueryDiagnostics?, CancellationToken)"/> with another source (tests: the
    /// composing source over fake netlink and /proc sources).
    /// </summary>
    internal static IEnumerable<SocketInfo> Read(SocketQuery query, QueryDiagnostics diagnostics,
        CancellationToken cancellationToken, ISocketSource source)
    {
        var sockets = query.Namespaces is not null
            ? NamespaceReader.Read(query, diagnostics, cancellationToken, (q, d, c, where) => ReadMatching(q, d, c, source, where))
            : ReadMatching(query, diagnostics, cancellationToken, source);

        // Owners: only when asked for or filtered by process. One /proc pass runs in the background
        // while the sockets are read (OwnerScan); only the sockets that matched get owners attached.
        return query.NeedsOwners ? OwnerEnrichment.Apply(sockets, query, diagnostics, Platform.Owners, cancellationToken) : sockets;
    }

    /// <summary>
    /// The sockets of the query's source that match everything but the process filters, each
    /// stamped with the namespace it was read in: <paramref name="where"/> when the caller knows it,
    /// else <see cref="SocketQuery.NetworkNamespace"/> as identified once the first socket is read.
    /// </summary>
    private static IEnumerable<SocketInfo> ReadMatching(SocketQuery query, QueryDiagnostics diagnostics,
        CancellationToken cancellationToken, ISocketSource source, NetworkNamespaceInfo? where = null)
    {
        int read = 0, matched = 0;
        bool identified = where is not null;
        foreach (var socket in source.Enumerate(query, diagnostics, cancellationToken))
        {
            read++;
            if (query.Matches(socket))
            {
                if (!identified)
                {
                    // Once the source has entered the namespace (so a missing one has been reported by it).
                    where = Platform.Namespaces.Identify(query.NetworkNamespace);
                    identified = true;
                }

                matched++;
                socket.NetworkNamespace = where?.Name;
                socket.NetworkNamespaceId = where?.Id ?? 0;
                yield return socket;
            }
        }

        diagnostics.Note($"{read} socket(s) read ({diagnostics.SourceUsed ?? "no source"}), {matched} matched the query in process.");
        if (diagnostics.Sources == (SocketSources.Netlink | SocketSources.Proc))
        {
            diagnostics.Note($"Sources by protocol and family: {string.Join(", ", diagnostics.SourceParts)}.");
        }

        if (diagnostics.SkippedRecords > 0)
        {
            diagnostics.Note($"{diagnostics.SkippedRecords} record(s) could not be decoded and were skipped.");
        }
    }
}
