using System.Globalization;

namespace SocketTools.Query;

/// <summary>The query behind Get-ListeningPort: listening TCP and bound, unconnected UDP sockets (ss -lntup), with owners.</summary>
public static class ListeningQuery
{
    /// <summary>The PowerShell type name Get-ListeningPort gives its SocketInfo objects, so they get the ss -lntup view.</summary>
    public const string TypeName = "SocketTools.SocketInfo#Listening";

    /// <summary>
    /// Builds the query. <paramref name="ports"/> are local ports (empty: any); <paramref name="protocols"/>
    /// may only be Tcp and Udp (default both).
    /// </summary>
    public static SocketQuery Build(int[]? ports, SocketProtocol[]? protocols, SocketFamily[]? families, string? networkNamespace)
    {
        var bad = protocols?.Where(p => p is not (SocketProtocol.Tcp or SocketProtocol.Udp)).ToList() ?? [];
        if (bad.Count > 0)
        {
            throw new SocketToolsException("ListeningProtocolNotSupported", ErrorKind.InvalidArgument,
                $"Get-ListeningPort lists TCP and UDP sockets; '{bad[0]}' is not one of them.")
            { RecommendedAction = "Use -Protocol Tcp, Udp, or Get-SocketStat -Listening for other protocols." };
        }

        var badFamily = families?.Where(f => f is not (SocketFamily.IPv4 or SocketFamily.IPv6)).ToList() ?? [];
        if (badFamily.Count > 0)
        {
            throw new SocketToolsException("ListeningFamilyNotSupported", ErrorKind.InvalidArgument,
                $"Get-ListeningPort lists IPv4 and IPv6 sockets; '{badFamily[0]}' is not one of them.");
        }

        return new QueryParameters
        {
            Protocol = protocols,
            Family = families,
            Listening = true,
            LocalPort = ports?.Select(p => p.ToString(CultureInfo.InvariantCulture)).ToArray(),
            IncludeProcess = true,
            NetworkNamespace = networkNamespace,
        }.ToQuery();
    }
}
