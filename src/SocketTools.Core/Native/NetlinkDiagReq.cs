using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>struct netlink_diag_req (include/uapi/linux/netlink_diag.h): a SOCK_DIAG_BY_FAMILY request for netlink sockets.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NetlinkDiagReq
{
    /// <summary>AF_NETLINK.</summary>
    public byte sdiag_family;

    /// <summary>The netlink protocol to dump, or NDIAG_PROTO_ALL.</summary>
    public byte sdiag_protocol;

    /// <summary>Padding.</summary>
    public ushort pad;

    /// <summary>The inode to look up (exact requests).</summary>
    public uint ndiag_ino;

    /// <summary>The NETLINK_DIAG_* attributes asked for (NDIAG_SHOW_* bits).</summary>
    public uint ndiag_show;

    /// <summary>The cookie to look up, low word first.</summary>
    public fixed uint ndiag_cookie[2];
}
