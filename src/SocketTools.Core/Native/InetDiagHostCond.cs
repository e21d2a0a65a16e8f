using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>
/// struct inet_diag_hostcond (include/uapi/linux/inet_diag.h): the operand of INET_DIAG_BC_S_COND and
/// INET_DIAG_BC_D_COND, followed by the address (__be32 addr[]: 4 bytes for AF_INET and AF_UNSPEC, 16 for AF_INET6).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct InetDiagHostCond
{
    /// <summary>AF_INET, AF_INET6, or AF_UNSPEC for any address.</summary>
    public byte family;

    /// <summary>How many leading bits of the address must match.</summary>
    public byte prefix_len;

    /// <summary>The port that must match, -1 for any (host order).</summary>
    public int port;
}
