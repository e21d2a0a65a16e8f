using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>struct nlmsghdr (include/uapi/linux/netlink.h): the header of every netlink message, host byte order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NlMsgHdr
{
    /// <summary>The message's length, header included (the next message starts NLMSG_ALIGN(nlmsg_len) on).</summary>
    public uint nlmsg_len;

    /// <summary>NLMSG_DONE, NLMSG_ERROR …, or the family's type (SOCK_DIAG_BY_FAMILY).</summary>
    public ushort nlmsg_type;

    /// <summary>NLM_F_* flags.</summary>
    public ushort nlmsg_flags;

    /// <summary>The sequence number that pairs replies with their request.</summary>
    public uint nlmsg_seq;

    /// <summary>The sending port id (0: the kernel).</summary>
    public uint nlmsg_pid;
}
