using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>
/// struct ifreq (include/uapi/linux/if.h) as SIOCGIFNAME and SIOCGIFINDEX use it: the name and the
/// ifr_ifindex member of its 24-byte union (40 bytes in all on 64-bit Linux).
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 40)]
internal unsafe struct IfReq
{
    /// <summary>IFNAMSIZ: the longest name, its NUL included.</summary>
    public const int IFNAMSIZ = 16;

    /// <summary>The interface's name, NUL-terminated (at most 15 characters).</summary>
    public fixed byte ifr_name[IFNAMSIZ];

    /// <summary>The interface's index.</summary>
    public int ifr_ifindex;
}
