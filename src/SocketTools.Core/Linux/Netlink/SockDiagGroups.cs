namespace SocketTools.Linux;

/// <summary>
/// The sock_diag multicast groups (include/uapi/linux/sock_diag.h, enum sknetlink_groups): the
/// kernel sends an inet_diag_msg with the socket's last tcp_info to each group as a socket of that
/// protocol and family is destroyed (what ss -E listens to).
/// </summary>
internal static class SockDiagGroups
{
    internal const int SKNLGRP_INET_TCP_DESTROY = 1;
    internal const int SKNLGRP_INET_UDP_DESTROY = 2;
    internal const int SKNLGRP_INET6_TCP_DESTROY = 3;
    internal const int SKNLGRP_INET6_UDP_DESTROY = 4;

    /// <summary>The group of destroyed sockets of <paramref name="protocol"/> and <paramref name="family"/>, or 0 when there is none.</summary>
    internal static int Of(SocketProtocol protocol, SocketFamily family) => (protocol, family) switch
    {
        (SocketProtocol.Tcp, SocketFamily.IPv4) => SKNLGRP_INET_TCP_DESTROY,
        (SocketProtocol.Udp, SocketFamily.IPv4) => SKNLGRP_INET_UDP_DESTROY,
        (SocketProtocol.Tcp, SocketFamily.IPv6) => SKNLGRP_INET6_TCP_DESTROY,
        (SocketProtocol.Udp, SocketFamily.IPv6) => SKNLGRP_INET6_UDP_DESTROY,
        _ => 0,
    };

    /// <summary>The sockaddr_nl.nl_groups bitmask (bit group-1) for every pair of the protocols and families given.</summary>
    internal static uint Mask(IEnumerable<SocketProtocol> protocols, IEnumerable<SocketFamily> families)
    {
        uint mask = 0;
        foreach (var protocol in protocols)
        {
            foreach (var family in families)
            {
                int group = Of(protocol, family);
                if (group != 0)
                {
                    mask |= 1u << (group - 1);
                }
            }
        }

        return mask;
    }
}
