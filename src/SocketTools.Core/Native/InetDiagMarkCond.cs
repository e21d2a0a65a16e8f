using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>struct inet_diag_markcond (include/uapi/linux/inet_diag.h): the operand of INET_DIAG_BC_MARK_COND.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct InetDiagMarkCond
{
    /// <summary>The value the masked mark must equal.</summary>
    public uint mark;

    /// <summary>The bits of the socket's mark compared.</summary>
    public uint mask;
}
