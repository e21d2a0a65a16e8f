namespace SocketTools;

/// <summary>Transport protocol of a socket, as ss's Netid groups them.</summary>
public enum SocketProtocol
{
    /// <summary>TCP (ss: tcp).</summary>
    Tcp,
    /// <summary>UDP (ss: udp).</summary>
    Udp,
    /// <summary>Raw IP sockets (ss: raw).</summary>
    Raw,
    /// <summary>Unix domain sockets (ss: u_str, u_dgr, u_seq).</summary>
    Unix,
    /// <summary>Packet sockets (ss: p_raw, p_dgr).</summary>
    Packet,
    /// <summary>Netlink sockets (ss: nl).</summary>
    Netlink,
    /// <summary>Only for selecting (-Protocol All): every protocol above. No socket has it.</summary>
    All = 99,
}
