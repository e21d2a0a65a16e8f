using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>struct inet_diag_req_v2 (include/uapi/linux/inet_diag.h): a SOCK_DIAG_BY_FAMILY request for TCP, UDP or raw sockets.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct InetDiagReqV2
{
    /// <summary>AF_INET or AF_INET6.</summary>
    public byte sdiag_family;

    /// <summary>IPPROTO_TCP, IPPROTO_UDP or IPPROTO_RAW.</summary>
    public byte sdiag_protocol;

    /// <summary>The INET_DIAG_* attributes asked for, one bit each (1 &lt;&lt; (attribute - 1)).</summary>
    public byte idiag_ext;

    /// <summary>pad in inet_diag_req_v2; raw_diag reads it as inet_diag_req_raw's sdiag_raw_protocol.</summary>
    public byte sdiag_raw_protocol;

    /// <summary>The TCP states to dump, one bit each (1 &lt;&lt; state).</summary>
    public uint idiag_states;

    /// <summary>The socket to look up (exact requests); zero for dumps.</summary>
    public InetDiagSockId id;
}
