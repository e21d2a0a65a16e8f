using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>
/// struct nlmsgerr (include/uapi/linux/netlink.h): the payload of NLMSG_ERROR, followed by the
/// request's payload unless NETLINK_CAP_ACK is set or the error is 0.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NlMsgErr
{
    /// <summary>Minus the errno, or 0 for an acknowledgement.</summary>
    public int error;

    /// <summary>The header of the request this answers.</summary>
    public NlMsgHdr msg;
}
