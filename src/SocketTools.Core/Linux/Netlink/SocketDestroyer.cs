using System.Buffers.Binary;
using System.Net;
using SocketTools.Native;

namespace SocketTools.Linux;

/// <summary>
/// Closes one TCP or UDP socket with SOCK_DESTROY, what ss -K sends: the kernel finds the socket
/// by its exact 4-tuple and checks its cookie, then aborts it (a TCP peer gets a reset; the owner's
/// next call fails with ECONNABORTED).
/// </summary>
/// <remarks>
/// The only place in the module that builds a state-changing request, and only Close-Socket uses it
/// (tests/SocketTools.Core.Tests/Reliability/ReadOnlyTests.cs proves both). It has its own netlink
/// socket: <see cref="NetlinkSocket"/> still refuses to send anything but SOCK_DIAG_BY_FAMILY.
/// </remarks>
internal sealed class SocketDestroyer : Platform.ISocketCloser
{
    /// <summary>SOCK_DESTROY (include/uapi/linux/sock_diag.h).</summary>
    internal const ushort SOCK_DESTROY = 21;

    private const ushort NLM_F_ACK = 0x4;

    /// <summary>ESTALE: the 4-tuple now belongs to a socket with another cookie.</summary>
    private const int ESTALE = 116;

    private readonly INetlinkTransport _transport;
    private readonly byte[] _buffer = new byte[NetlinkSocket.BufferSize];
    private uint _seq;

    private SocketDestroyer(INetlinkTransport transport) => _transport = transport;

    /// <summary>Opens a sock_diag socket in <paramref name="networkNamespace"/> (the caller's own when null).</summary>
    public static SocketDestroyer Open(string? networkNamespace) => NetworkNamespace.Run(networkNamespace,
        () => new SocketDestroyer(LibcNetlinkTransport.Open(NetlinkSocket.NETLINK_SOCK_DIAG, NetlinkSocket.ReceiveTimeout)));

    /// <summary>A destroyer over another transport (tests).</summary>
    internal static SocketDestroyer Over(INetlinkTransport transport) => new(transport);

    /// <summary>
    /// Closes <paramref name="target"/>: true when the kernel closed it, false when no socket with
    /// its 4-tuple and cookie exists any more. Throws PermissionDenied without CAP_NET_ADMIN and
    /// NotImplemented when the kernel was built without CONFIG_INET_DIAG_DESTROY.
    /// </summary>
    public bool Close(SocketInfo target)
    {
        ArgumentNullException.ThrowIfNull(target);
        Check(target);
        var request = new byte[NetlinkSocket.HeaderLength + InetDiag.RequestLength];
        uint seq = ++_seq;
        BuildRequest(request, target, seq);
        int errno = _transport.Send(request);
        if (errno != 0)
        {
            throw new NetlinkException("Send", errno);
        }

        return Answer(WaitForAck(seq), target);
    }

    /// <summary>Throws an InvalidArgument exception for what SOCK_DESTROY cannot name exactly: other protocols, and sockets read without a cookie.</summary>
    public static void Check(SocketInfo target)
    {
        if (target.Protocol is not (SocketProtocol.Tcp or SocketProtocol.Udp) || target.Family is not (SocketFamily.IPv4 or SocketFamily.IPv6))
        {
            throw new SocketToolsException("NotAnInetSocket", ErrorKind.InvalidArgument,
                $"Only TCP and UDP sockets can be closed; {target} is not one.");
        }

        if (target.Cookie == 0)
        {
            throw new SocketToolsException("SocketHasNoCookie", ErrorKind.InvalidArgument,
                $"Socket {target} carries no cookie (it was read from /proc/net), so it cannot be named exactly.")
            { RecommendedAction = "Read the socket with netlink: Get-SocketStat -Source Netlink." };
        }
    }

    /// <summary>
    /// Writes the SOCK_DESTROY request for <paramref name="target"/>: a netlink header (NLM_F_REQUEST |
    /// NLM_F_ACK) and an inet_diag_req_v2 with its family, protocol, every state, and an
    /// inet_diag_sockid with both endpoints (network order), the interface and the cookie.
    /// </summary>
    internal static void BuildRequest(Span<byte> destination, SocketInfo target, uint seq)
    {
        var span = destination[..(NetlinkSocket.HeaderLength + InetDiag.RequestLength)];
        span.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)span.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], SOCK_DESTROY);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], NetlinkSocket.NLM_F_REQUEST | NLM_F_ACK);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], seq);
        var req = span[NetlinkSocket.HeaderLength..];
        bool v6 = target.Family == SocketFamily.IPv6;
        req[0] = (byte)(v6 ? Libc.AF_INET6 : Libc.AF_INET);
        req[1] = target.Protocol == SocketProtocol.Tcp ? InetDiag.IPPROTO_TCP : InetDiag.IPPROTO_UDP;
        BinaryPrimitives.WriteUInt32LittleEndian(req[4..], uint.MaxValue);
        var id = req[8..];
        BinaryPrimitives.WriteUInt16BigEndian(id, (ushort)target.LocalPort);
        BinaryPrimitives.WriteUInt16BigEndian(id[2..], (ushort)target.RemotePort);
        WriteAddress(id.Slice(4, 16), target.LocalIPAddress(), v6);
        WriteAddress(id.Slice(20, 16), target.RemoteIPAddress(), v6);
        BinaryPrimitives.WriteUInt32LittleEndian(id[36..], (uint)target.InterfaceIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(id[40..], (uint)target.Cookie);
        BinaryPrimitives.WriteUInt32LittleEndian(id[44..], (uint)(target.Cookie >> 32));
    }

    private static void WriteAddress(Span<byte> destination, IPAddress? address, bool v6)
    {
        if (address is null)
        {
            return;
        }

        var a = v6 && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? address.MapToIPv6() : address;
        a.TryWriteBytes(destination, out _);
    }

    /// <summary>The errno of the NLMSG_ERROR that answers request <paramref name="seq"/> (0: done).</summary>
    private int WaitForAck(uint seq)
    {
        for (int idle = 0; ;)
        {
            int received = _transport.Receive(_buffer);
            if (received < 0)
            {
                int errno = -received;
                if (errno == Errno.EINTR || (errno == Errno.EAGAIN && ++idle < NetlinkSocket.MaxIdleReceives))
                {
                    continue;
                }

                throw errno == Errno.EAGAIN
                    ? new NetlinkException("Receive", "NetlinkReceiveTimedOut", ErrorKind.OperationTimeout,
                        "the kernel did not answer the SOCK_DESTROY request.", errno)
                    : new NetlinkException("Receive", errno);
            }

            int offset = 0;
            int end = Math.Min(received, _buffer.Length);
            while (offset + NetlinkSocket.HeaderLength <= end)
            {
                var header = NetlinkSocket.ReadHeader(_buffer, offset, end);
                if (header.Sequence == seq && header.Type == NetlinkSocket.NLMSG_ERROR && header.Length >= NetlinkSocket.HeaderLength + 4)
                {
                    return -BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(offset + NetlinkSocket.HeaderLength));
                }

                offset += NetlinkSocket.Align4(header.Length);
            }
        }
    }

    private static bool Answer(int errno, SocketInfo target) => errno switch
    {
        0 => true,
        Errno.ENOENT or ESTALE => false,
        Errno.EPERM or Errno.EACCES => throw new SocketToolsException("CloseSocketPermissionDenied", ErrorKind.PermissionDenied,
            $"The kernel refused to close {target}: {Errno.Describe(errno)}.", errno)
        { RecommendedAction = "Closing a socket needs root (CAP_NET_ADMIN in its network namespace)." },
        Errno.EOPNOTSUPP => throw new SocketToolsException("SockDestroyNotSupported", ErrorKind.NotImplemented,
            $"This kernel cannot close sockets from outside: SOCK_DESTROY answered {Errno.Describe(errno)}.", errno)
        { RecommendedAction = "The kernel needs CONFIG_INET_DIAG_DESTROY=y; end the owning process instead." },
        _ => throw new NetlinkException("Destroy", errno),
    };

    /// <inheritdoc />
    public void Dispose() => _transport.Dispose();
}
