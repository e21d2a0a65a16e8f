using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>struct unix_diag_rqlen (include/uapi/linux/unix_diag.h): the UNIX_DIAG_RQLEN attribute.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UnixDiagRqLen
{
    /// <summary>Receive queue (listeners: pending connections).</summary>
    public uint udiag_rqueue;

    /// <summary>Send queue (listeners: the backlog's limit).</summary>
    public uint udiag_wqueue;
}
