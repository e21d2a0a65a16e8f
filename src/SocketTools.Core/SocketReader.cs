using SocketTools.Linux;
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
        CancellationToken cancellationToken = default)
    {
        diagnostics ??= new QueryDiagnostics();
        ISocketSource source = query.Source switch
        {
            _ => new NetlinkSource(),
        };

        foreach (var socket in source.Enumerate(query, diagnostics, cancellationToken))
        {
            if (query.Matches(socket))
            {
                yield return socket;
            }
        }
    }
}
