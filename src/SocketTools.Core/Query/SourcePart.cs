namespace SocketTools.Query;

/// <summary>Which backend answered for one protocol and family of a query (what -Verbose lists when more than one did).</summary>
/// <param name="Protocol">The protocol.</param>
/// <param name="Family">The address family.</param>
/// <param name="Source">The backend that listed its sockets.</param>
public readonly record struct SourcePart(SocketProtocol Protocol, SocketFamily Family, SocketSources Source)
{
    /// <summary>"TCP IPv4 netlink", "RAW IPv6 /proc/net".</summary>
    public override string ToString() =>
        $"{Protocol.ToString().ToUpperInvariant()} {Family} {(Source == SocketSources.Proc ? "/proc/net" : Source.ToString().ToLowerInvariant())}";
}
