using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>struct unix_diag_req (include/uapi/linux/unix_diag.h): a SOCK_DIAG_BY_FAMILY request for Unix sockets.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct UnixDiagReq
{
    /// <summary>AF_UNIX.</summary>
    public byte sdiag_family;

    /// <summary>Unused (0).</summary>
    public byte sdiag_protocol;

    /// <summary>Padding.</summary>
    public ushort pad;

    /// <summary>The states to dump, one bit each (1 &lt;&lt; state).</summary>
    public uint udiag_states;

    /// <summary>The inode to look up (exact requests).</summary>
    public uint udiag_ino;

    /// <summary>The UNIX_DIAG_* attributes asked for (UDIAG_SHOW_* bits).</summary>
    public uint udiag_show;

    /// <summary>The cookie to look up, low word first.</summary>
    public fixed uint udiag_cookie[2];
}
