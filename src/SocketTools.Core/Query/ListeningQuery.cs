namespace SocketTools.Query;

/// <summary>The query behind Get-ListeningPort: listening TCP and bound, unconnected UDP sockets (ss -lntup), with owners.</summary>
public static class ListeningQuery
{
    /// <summary>The PowerShell type name Get-ListeningPort gives its SocketInfo objects, so they get the ss -lntup view.</summary>
    public const string TypeName = "SocketTools.SocketInfo#Listening";

    /// <summary>The protocols Get-ListeningPort lists (and -Protocol accepts).</summary>
    public static IReadOnlyList<SocketProtocol> Protocols { get; } = [SocketProtocol.Tcp, SocketProtocol.Udp];

    /// <summary>The families Get-ListeningPort lists (and -Family accepts).</summary>
    public static IReadOnlyList<SocketFamily> Families { get; } = [SocketFamily.IPv4, SocketFamily.IPv6];

    /// <summary>
    /// Builds the query. <paramref name="ports"/> are local ports as -LocalPort takes them (numbers,
    /// ranges, service names, :22; empty: any); <paramref name="protocols"/> may only be Tcp and Udp
    /// (default both), <paramref name="families"/> only IPv4 and IPv6.
    /// </summary>
    public static SocketQuery Build(string[]? ports, SocketProtocol[]? protocols, SocketFamily[]? families, string? networkNamespace) =>
        Parameters(ports, protocols, families, networkNamespace is null ? null : [networkNamespace], false).ToQuery();

    /// <summary>
    /// The parameters of the query (see <see cref="Build"/>), checked, with <paramref name="networkNamespaces"/>
    /// and <paramref name="allNetworkNamespaces"/> as -NetworkNamespace and -AllNetworkNamespaces take them.
    /// </summary>
    public static QueryParameters Parameters(string[]? ports, SocketProtocol[]? protocols, SocketFamily[]? families,
        string[]? networkNamespaces, bool allNetworkNamespaces)
    {
        var bad = protocols?.Where(p => !Protocols.Contains(p)).ToList() ?? [];
        if (bad.Count > 0)
        {
            throw new SocketToolsException("ListeningProtocolNotSupported", ErrorKind.InvalidArgument,
                $"Get-ListeningPort lists TCP and UDP sockets; '{bad[0]}' is not one of them.")
            { RecommendedAction = "Use -Protocol Tcp, Udp, or Get-SocketStat -Listening for other protocols." };
        }

        var badFamily = families?.Where(f => !Families.Contains(f)).ToList() ?? [];
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
            LocalPort = ports,
            IncludeProcess = true,
            NetworkNamespace = networkNamespaces,
            AllNetworkNamespaces = allNetworkNamespaces,
        };
    }
}
