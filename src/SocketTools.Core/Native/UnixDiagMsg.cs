using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>struct unix_diag_msg (include/uapi/linux/unix_diag.h): the fixed part of a unix_diag reply, attributes follow.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct UnixDiagMsg
{
    /// <summary>AF_UNIX.</summary>
    public byte udiag_family;

    /// <summary>SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET.</summary>
    public byte udiag_type;

    /// <summary>The state (TCP numbering: TCP_LISTEN, TCP_ESTABLISHED, TCP_CLOSE).</summary>
    public byte udiag_state;

    /// <summary>Padding.</summary>
    public byte pad;

    /// <summary>The socket's inode.</summary>
    public uint udiag_ino;

    /// <summary>The kernel's socket cookie, low word first (see <see cref="Cookie"/>).</summary>
    public fixed uint udiag_cookie[2];

    /// <summary><see cref="udiag_cookie"/> as one number.</summary>
    public readonly ulong Cookie => udiag_cookie[0] | ((ulong)udiag_cookie[1] << 32);
}
