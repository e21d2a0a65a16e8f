using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>struct packet_diag_msg (include/uapi/linux/packet_diag.h): the fixed part of a packet_diag reply, attributes follow.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PacketDiagMsg
{
    /// <summary>AF_PACKET.</summary>
    public byte pdiag_family;

    /// <summary>SOCK_RAW or SOCK_DGRAM.</summary>
    public byte pdiag_type;

    /// <summary>The protocol (ethertype) the socket receives; the kernel sends ntohs(po->num), so host order.</summary>
    public ushort pdiag_num;

    /// <summary>The socket's inode.</summary>
    public uint pdiag_ino;

    /// <summary>The kernel's socket cookie, low word first (see <see cref="Cookie"/>).</summary>
    public fixed uint pdiag_cookie[2];

    /// <summary><see cref="pdiag_cookie"/> as one number.</summary>
    public readonly ulong Cookie => pdiag_cookie[0] | ((ulong)pdiag_cookie[1] << 32);
}
