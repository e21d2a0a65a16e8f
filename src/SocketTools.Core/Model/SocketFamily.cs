namespace SocketTools;

/// <summary>Address family of a socket.</summary>
public enum SocketFamily
{
    /// <summary>AF_INET.</summary>
    IPv4,
    /// <summary>AF_INET6 (including v4-mapped addresses).</summary>
    IPv6,
    /// <summary>AF_UNIX.</summary>
    Unix,
    /// <summary>AF_PACKET.</summary>
    Packet,
    /// <summary>AF_NETLINK.</summary>
    Netlink,
}
