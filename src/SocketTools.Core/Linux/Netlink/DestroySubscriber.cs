using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using SocketTools.Native;
using SocketTools.Platform;

namespace SocketTools.Linux;

/// <summary>
/// A NETLINK_SOCK_DIAG socket bound to the destroy multicast groups (<see cref="SockDiagGroups"/>),
/// as ss -E opens it. It sends nothing: it only receives. A dedicated thread drains it into
/// <see cref="Events"/> as fast as the kernel delivers, so a slow pipeline does not make the kernel
/// drop messages; the receive buffer is large (SO_RCVBUFFORCE as root, SO_RCVBUF otherwise).
/// </summary>
/// <remarks>
/// When the kernel still cannot queue a message (ENOBUFS on recv), the message is lost; the kernel
/// counts every lost message in the socket's sk_drops, which <see cref="Dropped"/> reads back
/// (SO_MEMINFO), and receiving goes on.
/// </remarks>
internal sealed unsafe class DestroySubscriber : ISocketEvents
{
    /// <summary>The receive buffer asked for by default: 32 MiB (the kernel doubles the value for its bookkeeping).</summary>
    internal const int DefaultReceiveBuffer = 32 * 1024 * 1024;

    /// <summary>How long one recv(2) waits, so the thread notices <see cref="Dispose"/> at least this often.</summary>
    internal static readonly TimeSpan ReceiveTimeout = TimeSpan.FromMilliseconds(200);

    private const int SK_MEMINFO_DROPS = 8;
    private const int SK_MEMINFO_VARS = 9;

    private readonly BlockingCollection<DestroyedSocket> _events = new();
    private readonly CancellationTokenSource _stop = new();
    private int _fd;
    private Thread? _thread;
    private int _overruns;

    private DestroySubscriber(int fd) => _fd = fd;

    /// <summary>
    /// Opens the socket in <paramref name="networkNamespace"/> (the caller's own when null) and joins
    /// the groups of <paramref name="groups"/> (a <see cref="SockDiagGroups.Mask"/>). Receiving starts with <see cref="Start"/>.
    /// </summary>
    public static DestroySubscriber Open(string? networkNamespace, uint groups, int receiveBuffer = DefaultReceiveBuffer) =>
        NetworkNamespace.Run(networkNamespace, () => OpenHere(groups, receiveBuffer));

    private static DestroySubscriber OpenHere(uint groups, int receiveBuffer)
    {
        int socketErrno = Libc.TrySocket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, NetlinkSocket.NETLINK_SOCK_DIAG, out int fd);
        if (socketErrno != 0)
        {
            throw new NetlinkException("Socket", socketErrno);
        }

        try
        {
            // SO_RCVBUFFORCE passes rmem_max (root only); without CAP_NET_ADMIN, SO_RCVBUF gets what rmem_max allows.
            int size = receiveBuffer;
            if (Libc.TrySetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, &size, sizeof(int)) != 0
                && Libc.TrySetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, &size, sizeof(int)) is int sizeErrno and not 0)
            {
                throw new NetlinkException("SetSockOpt", sizeErrno);
            }

            long* timeval = stackalloc long[2];
            timeval[0] = 0;
            timeval[1] = (long)ReceiveTimeout.TotalMicroseconds;
            if (Libc.TrySetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeval, 2 * sizeof(long)) is int timeoutErrno and not 0)
            {
                throw new NetlinkException("SetSockOpt", timeoutErrno);
            }

            // struct sockaddr_nl { u16 nl_family; u16 nl_pad; u32 nl_pid; u32 nl_groups; }
            byte* address = stackalloc byte[12];
            new Span<byte>(address, 12).Clear();
            BinaryPrimitives.WriteUInt16LittleEndian(new Span<byte>(address, 2), Libc.AF_NETLINK);
            BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(address + 8, 4), groups);
            int errno = Libc.TryBind(fd, address, 12);
            if (errno != 0)
            {
                if (errno is Errno.EPERM or Errno.EACCES)
                {
                    throw new SocketToolsException("SocketEventsPermissionDenied", ErrorKind.PermissionDenied,
                        $"The kernel refused to deliver socket destroy events: {Errno.Describe(errno)}.", errno)
                    { RecommendedAction = "Run as root (CAP_NET_ADMIN in the network namespace) to watch sockets close." };
                }

                throw new NetlinkException("Bind", errno);
            }

            int opened = fd;
            fd = -1;
            return new DestroySubscriber(opened);
        }
        finally
        {
            if (fd >= 0)
            {
                Libc.Close(fd);
            }
        }
    }

    /// <summary>Destroyed sockets in the order the kernel sent them; completed when receiving ends (see <see cref="Fault"/>).</summary>
    public BlockingCollection<DestroyedSocket> Events => _events;

    /// <summary>Why receiving ended early, if it did.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>How often recv(2) answered ENOBUFS: the kernel dropped messages since the previous read.</summary>
    public int Overruns => Volatile.Read(ref _overruns);

    /// <summary>The socket's receive buffer as the kernel set it (SO_RCVBUF: twice what was asked, as the kernel counts).</summary>
    public int ReceiveBufferSize
    {
        get
        {
            int value = 0;
            int length = sizeof(int);
            return Libc.TryGetSockOpt(Fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, &value, &length) == 0 ? value : -1;
        }
    }

    /// <summary>Messages the kernel could not queue to this socket (sk_drops, read with SO_MEMINFO); -1 when unreadable.</summary>
    public long Dropped
    {
        get
        {
            uint* info = stackalloc uint[SK_MEMINFO_VARS];
            int length = SK_MEMINFO_VARS * sizeof(uint);
            int fd = Volatile.Read(ref _fd);
            if (fd < 0 || Libc.TryGetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_MEMINFO, info, &length) != 0
                || length <= SK_MEMINFO_DROPS * sizeof(uint))
            {
                return -1;
            }

            return info[SK_MEMINFO_DROPS];
        }
    }

    /// <summary>Starts the receiving thread (once).</summary>
    public void Start()
    {
        if (_thread is not null)
        {
            return;
        }

        _thread = new Thread(ReceiveLoop) { IsBackground = true, Name = "SocketTools destroy events" };
        _thread.Start();
    }

    private void ReceiveLoop()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(NetlinkSocket.BufferSize, pinned: true);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                int received = ReceiveOnce(buffer);
                if (received > 0)
                {
                    Decode(buffer.AsSpan(0, received), DateTime.Now, _events.Add);
                }
            }
        }
        catch (Exception e) when (e is SocketToolsException or InvalidOperationException)
        {
            Fault = e;
        }
        finally
        {
            _events.CompleteAdding();
        }
    }

    /// <summary>One recv(2): the datagram's length, or 0 after a timeout, EINTR or ENOBUFS (counted).</summary>
    private int ReceiveOnce(byte[] buffer)
    {
        nint received;
        int errno;
        fixed (byte* p = buffer)
        {
            errno = Libc.TryRecv(Fd, p, buffer.Length, Libc.MSG_TRUNC, out received);
        }

        if (errno != 0)
        {
            switch (errno)
            {
                case Errno.EAGAIN or Errno.EINTR:
                    return 0;
                case Errno.ENOBUFS:
                    Interlocked.Increment(ref _overruns);
                    return 0;
                default:
                    throw new NetlinkException("Receive", errno);
            }
        }

        if (received > buffer.Length)
        {
            throw new NetlinkException("Receive", "NetlinkReplyTruncated", ErrorKind.InvalidData,
                $"a destroy message of {received} bytes did not fit the {buffer.Length}-byte buffer.");
        }

        return (int)received;
    }

    /// <summary>
    /// Decodes every SOCK_DIAG_BY_FAMILY message of one datagram: an inet_diag_msg whose protocol is
    /// in its INET_DIAG_PROTOCOL attribute, decoded as a dump's records are. Records that cannot be
    /// decoded are skipped.
    /// </summary>
    internal static int Decode(ReadOnlySpan<byte> datagram, DateTime timeStamp, Action<DestroyedSocket> add)
    {
        int count = 0;
        int offset = 0;
        while (offset + NetlinkSocket.HeaderLength <= datagram.Length)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(datagram[offset..]);
            if (length < NetlinkSocket.HeaderLength || length > datagram.Length - offset)
            {
                break;
            }

            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(datagram[(offset + 4)..]);
            var payload = datagram.Slice(offset + NetlinkSocket.HeaderLength, length - NetlinkSocket.HeaderLength);
            offset += NetlinkSocket.Align4(length);
            if (type != NetlinkSocket.SOCK_DIAG_BY_FAMILY || ProtocolOf(payload) is not SocketProtocol protocol)
            {
                continue;
            }

            SocketInfo socket;
            try
            {
                socket = InetDiag.Parse(payload, protocol, null);
            }
            catch (SocketToolsException e) when (e.Kind == ErrorKind.InvalidData)
            {
                continue;
            }

            add(new DestroyedSocket(socket, timeStamp));
            count++;
        }

        return count;
    }

    /// <summary>TCP or UDP from the message's INET_DIAG_PROTOCOL attribute; null for anything else.</summary>
    private static SocketProtocol? ProtocolOf(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < InetDiag.MessageLength)
        {
            return null;
        }

        try
        {
            var attrs = new NetlinkAttributes(payload[InetDiag.MessageLength..], "inet_diag");
            while (attrs.Next(out ushort type, out var value))
            {
                if (type == InetDiag.INET_DIAG_PROTOCOL && value.Length >= 1)
                {
                    return value[0] switch
                    {
                        InetDiag.IPPROTO_TCP => SocketProtocol.Tcp,
                        InetDiag.IPPROTO_UDP => SocketProtocol.Udp,
                        _ => null,
                    };
                }
            }
        }
        catch (NetlinkException)
        {
            return null;
        }

        return null;
    }

    private int Fd => Volatile.Read(ref _fd) is int fd and >= 0 ? fd : throw new ObjectDisposedException(nameof(DestroySubscriber));

    /// <summary>Stops the thread (within one receive timeout), then closes the socket.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _thread?.Join();
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            Libc.Close(fd);
        }

        _stop.Dispose();
    }
}
