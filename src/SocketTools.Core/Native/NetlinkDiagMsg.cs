using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>struct netlink_diag_msg (include/uapi/linux/netlink_diag.h): the fixed part of a netlink_diag reply, attributes follow.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NetlinkDiagMsg
{
    /// <summary>AF_NETLINK.</summary>
    public byte ndiag_family;

    /// <summary>SOCK_RAW or SOCK_DGRAM.</summary>
    public byte ndiag_type;

    /// <summary>The netlink protocol (NETLINK_ROUTE …).</summary>
    public byte ndiag_protocol;

    /// <summary>NETLINK_CONNECTED when the socket has connect()ed to a destination.</summary>
    public byte ndiag_state;

    /// <summary>The socket's own port id.</summary>
    public uint ndiag_portid;

    /// <summary>The destination's port id.</summary>
    public uint ndiag_dst_portid;

    /// <summary>The destination's multicast group.</summary>
    public uint ndiag_dst_group;

    /// <summary>The socket's inode.</summary>
    public uint ndiag_ino;

    /// <summary>The kernel's socket cookie, low word first (see <see cref="Cookie"/>).</summary>
    public fixed uint ndiag_cookie[2];

    /// <summary><see cref="ndiag_cookie"/> as one number.</summary>
    public readonly ulong Cookie => ndiag_cookie[0] | ((ulong)ndiag_cookie[1] << 32);
}
