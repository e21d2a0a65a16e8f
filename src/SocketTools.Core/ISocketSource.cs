using SocketTools.Query;

namespace SocketTools;

/// <summary>A backend that enumerates sockets (netlink sock_diag, /proc/net, later other systems).</summary>
public interface ISocketSource
{
    /// <summary>
    /// Streams the sockets that match <paramref name="query"/> (process filters aside). A source may
    /// return more than asked (the caller re-checks with <see cref="SocketQuery.Matches"/>), never less.
    /// </summary>
    IEnumerable<SocketInfo> Enumerate(SocketQuery query, QueryDiagnostics diagnostics, CancellationToken cancellationToken);
}
