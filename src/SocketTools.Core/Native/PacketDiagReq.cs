using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>struct packet_diag_req (include/uapi/linux/packet_diag.h): a SOCK_DIAG_BY_FAMILY request for packet sockets.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PacketDiagReq
{
    /// <summary>AF_PACKET.</summary>
    public byte sdiag_family;

    /// <summary>Unused (0).</summary>
    public byte sdiag_protocol;

    /// <summary>Padding.</summary>
    public ushort pad;

    /// <summary>The inode to look up (exact requests).</summary>
    public uint pdiag_ino;

    /// <summary>The PACKET_DIAG_* attributes asked for (PACKET_SHOW_* bits).</summary>
    public uint pdiag_show;

    /// <summary>The cookie to look up, low word first.</summary>
    public fixed uint pdiag_cookie[2];
}
