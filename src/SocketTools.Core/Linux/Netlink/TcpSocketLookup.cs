using System.Buffers.Binary;
using System.Net;
using SocketTools.Native;
using SocketTools.Platform;

namespace SocketTools.Linux;

/// <summary>
/// Finds one TCP socket by its 4-tuple and cookie with a non-dump SOCK_DIAG_BY_FAMILY request: the
/// kernel looks the 4-tuple up in its hash tables (inet_diag_find_one_icsk) and checks the cookie,
/// so the cost does not grow with the number of other sockets on the host. Established, SYN-SENT,
/// request (SYN-RECV) and TIME-WAIT sockets are all in the established hash; a listener is found by
/// the listener lookup.
/// </summary>
internal sealed class TcpSocketLookup : ISocketLookup
{
    /// <summary>ESTALE: the 4-tuple answers with a socket whose cookie is not the one asked for.</summary>
    internal const int ESTALE = 116;

    private readonly NetlinkSocket _socket;
    private readonly InterfaceNames _names;
    private readonly byte[] _request = new byte[NetlinkSocket.HeaderLength + InetDiag.RequestLength];

    private TcpSocketLookup(NetlinkSocket socket, InterfaceNames names)
    {
        _socket = socket;
        _names = names;
    }

    /// <summary>Opens the netlink socket and the interface names once, in <paramref name="netns"/> when given (entered once).</summary>
    public static TcpSocketLookup Open(string? netns) => NetworkNamespace.Run(netns, () =>
    {
        var socket = NetlinkSocket.Open(null);
        try
        {
            return new TcpSocketLookup(socket, InterfaceNames.Open(null));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    });

    /// <summary>
    /// The socket as it is now, or null when it is gone (or its 4-tuple belongs to a newer socket).
    /// A target without a cookie (from /proc/net) matches whatever socket has its 4-tuple.
    /// </summary>
    public SocketInfo? Find(SocketInfo target)
    {
        int length = BuildExactRequest(_request, target);
        int errno = _socket.Request(_request, length, msg => InetDiag.Parse(msg, SocketProtocol.Tcp, _names), out var found);
        if (errno == 0 && found is not null && (found.Cookie == target.Cookie || target.Cookie == 0))
        {
            return found;
        }

        if (errno == ESTALE && target.State == SocketState.Listen)
        {
            // SO_REUSEPORT listeners share a port: the lookup answers with one of them. Listeners
            // alone are a cheap dump (the kernel walks only its listening hash for LISTEN).
            return FindListener(target);
        }

        if (errno is 0 or Errno.ENOENT or ESTALE)
        {
            return null;
        }

        throw new NetlinkException("Lookup", errno);
    }

    private SocketInfo? FindListener(SocketInfo target)
    {
        var request = new byte[NetlinkSocket.HeaderLength + InetDiag.RequestLength];
        byte af = (byte)(target.Family == SocketFamily.IPv6 ? Libc.AF_INET6 : Libc.AF_INET);
        int length = InetDiag.BuildRequest(request, af, InetDiag.IPPROTO_TCP, 0, 1u << (int)SocketState.Listen, default);
        foreach (var s in _socket.Dump(request, length, msg => InetDiag.Parse(msg, SocketProtocol.Tcp, _names), CancellationToken.None))
        {
            if (s.Cookie == target.Cookie)
            {
                return s;
            }
        }

        return null;
    }

    /// <summary>
    /// Writes an exact-lookup inet_diag_req_v2 for <paramref name="target"/>: its family, TCP, every
    /// state, and an inet_diag_sockid with ports and addresses in network order, the interface and the
    /// cookie; flags NLM_F_REQUEST only (no dump). Returns the request's length.
    /// </summary>
    internal static int BuildExactRequest(byte[] destination, SocketInfo target)
    {
        byte af = (byte)(target.Family == SocketFamily.IPv6 ? Libc.AF_INET6 : Libc.AF_INET);
        int length = InetDiag.BuildRequest(destination, af, InetDiag.IPPROTO_TCP, 0, uint.MaxValue, default);
        var span = destination.AsSpan(0, length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], NetlinkSocket.NLM_F_REQUEST);
        var id = span[(NetlinkSocket.HeaderLength + 8)..];
        BinaryPrimitives.WriteUInt16BigEndian(id, (ushort)target.LocalPort);
        BinaryPrimitives.WriteUInt16BigEndian(id[2..], (ushort)target.RemotePort);
        WriteAddress(id.Slice(4, 16), target.LocalIPAddress(), af);
        WriteAddress(id.Slice(20, 16), target.RemoteIPAddress(), af);
        BinaryPrimitives.WriteUInt32LittleEndian(id[36..], (uint)target.InterfaceIndex);
        // Cookie 0 (a socket read from /proc/net) asks for whatever socket has the 4-tuple:
        // INET_DIAG_NOCOOKIE (all ones) tells the kernel not to check.
        ulong cookie = target.Cookie == 0 ? ulong.MaxValue : target.Cookie;
        BinaryPrimitives.WriteUInt32LittleEndian(id[40..], (uint)cookie);
        BinaryPrimitives.WriteUInt32LittleEndian(id[44..], (uint)(cookie >> 32));
        return length;
    }

    private static void WriteAddress(Span<byte> destination, IPAddress? address, byte af)
    {
        destination.Clear();
        if (address is null)
        {
            return;
        }

        var a = af == Libc.AF_INET6 && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? address.MapToIPv6()
            : address;
        a.TryWriteBytes(destination, out _);
    }

    public void Dispose()
    {
        _names.Dispose();
        _socket.Dispose();
    }
}
