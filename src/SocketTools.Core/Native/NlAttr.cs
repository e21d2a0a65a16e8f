using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>
/// struct nlattr (include/uapi/linux/netlink.h; struct rtattr has the same layout): the header of a
/// netlink attribute, followed by its payload and padding to NLA_ALIGNTO (4) bytes.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NlAttr
{
    /// <summary>Set in <see cref="nla_type"/> when the payload holds nested attributes.</summary>
    public const ushort NLA_F_NESTED = 1 << 15;

    /// <summary>Set in <see cref="nla_type"/> when the payload is in network byte order.</summary>
    public const ushort NLA_F_NET_BYTEORDER = 1 << 14;

    /// <summary>The bits of <see cref="nla_type"/> that are the type.</summary>
    public const ushort NLA_TYPE_MASK = unchecked((ushort)~(NLA_F_NESTED | NLA_F_NET_BYTEORDER));

    /// <summary>The attribute's length: this header and the payload, not the padding.</summary>
    public ushort nla_len;

    /// <summary>The type, with the <see cref="NLA_F_NESTED"/> and <see cref="NLA_F_NET_BYTEORDER"/> flags.</summary>
    public ushort nla_type;
}
