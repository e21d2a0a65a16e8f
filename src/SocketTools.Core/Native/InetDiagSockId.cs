using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>
/// struct inet_diag_sockid (include/uapi/linux/inet_diag.h): a socket's identity in inet_diag
/// requests and replies. Ports and addresses are big-endian (__be16, __be32) as on the wire; the
/// port properties convert, the addresses are kept as the kernel's bytes.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct InetDiagSockId
{
    /// <summary>Cookie words that match any socket.</summary>
    public const uint INET_DIAG_NOCOOKIE = ~0U;

    /// <summary>__be16: the local port in network byte order (see <see cref="SourcePort"/>).</summary>
    public ushort idiag_sport;

    /// <summary>__be16: the remote port in network byte order (see <see cref="DestinationPort"/>).</summary>
    public ushort idiag_dport;

    /// <summary>__be32[4]: the local address (IPv4: the first 4 bytes).</summary>
    public fixed uint idiag_src[4];

    /// <summary>__be32[4]: the remote address (IPv4: the first 4 bytes).</summary>
    public fixed uint idiag_dst[4];

    /// <summary>The interface the socket is bound to, 0 for none.</summary>
    public uint idiag_if;

    /// <summary>The kernel's socket cookie, low word first (see <see cref="Cookie"/>).</summary>
    public fixed uint idiag_cookie[2];

    /// <summary><see cref="idiag_sport"/> in host byte order.</summary>
    public int SourcePort
    {
        readonly get => NetworkOrder(idiag_sport);
        set => idiag_sport = NetworkOrder((ushort)value);
    }

    /// <summary><see cref="idiag_dport"/> in host byte order.</summary>
    public int DestinationPort
    {
        readonly get => NetworkOrder(idiag_dport);
        set => idiag_dport = NetworkOrder((ushort)value);
    }

    /// <summary><see cref="idiag_cookie"/> as one number.</summary>
    public ulong Cookie
    {
        readonly get => idiag_cookie[0] | ((ulong)idiag_cookie[1] << 32);
        set
        {
            idiag_cookie[0] = (uint)value;
            idiag_cookie[1] = (uint)(value >> 32);
        }
    }

    /// <summary>A 16-bit value between network (big-endian) and host byte order, either way (a no-op on a big-endian host).</summary>
    private static ushort NetworkOrder(ushort value) =>
        BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value;
}
