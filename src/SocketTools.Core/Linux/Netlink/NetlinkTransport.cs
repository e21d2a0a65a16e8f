using SocketTools.Native;

namespace SocketTools.Linux;

/// <summary>
/// Sends and receives whole netlink datagrams. The seam between <see cref="NetlinkSocket"/> (framing,
/// sequence numbers, dump restarts, de-duplication) and the kernel, so tests can script faults
/// (EINTR, ENOBUFS, timeouts, truncated or corrupt replies) that a real kernel rarely produces.
/// One interface call per datagram, never per message.
/// </summary>
internal interface INetlinkTransport : IDisposable
{
    /// <summary>Sends one datagram; returns 0, or the errno of the failure.</summary>
    int Send(ReadOnlySpan<byte> datagram);

    /// <summary>
    /// Receives one datagram into <paramref name="buffer"/>. Returns the datagram's full length, which
    /// is more than <paramref name="buffer"/>'s when it did not fit (MSG_TRUNC), or minus the errno of
    /// the failure (EAGAIN when the receive timeout passed with nothing to read).
    /// </summary>
    int Receive(Span<byte> buffer);
}

/// <summary>The kernel's netlink socket behind <see cref="INetlinkTransport"/>: send(2) and recv(2) on one fd.</summary>
internal sealed unsafe class LibcNetlinkTransport : INetlinkTransport
{
    private int _fd;

    private LibcNetlinkTransport(int fd) => _fd = fd;

    /// <summary>
    /// Opens an AF_NETLINK socket of <paramref name="protocol"/> in the calling thread's network
    /// namespace, with a receive timeout of <paramref name="receiveTimeout"/> so that no read can block
    /// forever (and cancellation is seen at least that often).
    /// </summary>
    public static LibcNetlinkTransport Open(int protocol, TimeSpan receiveTimeout)
    {
        int errno = Libc.TrySocket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol, out int fd);
        if (errno != 0)
        {
            throw new NetlinkException("Socket", errno);
        }

        // struct timeval { long tv_sec; long tv_usec; } on 64-bit Linux.
        long* timeval = stackalloc long[2];
        timeval[0] = (long)receiveTimeout.TotalSeconds;
        timeval[1] = receiveTimeout.Milliseconds * 1000L;
        errno = Libc.TrySetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeval, 2 * sizeof(long));
        if (errno != 0)
        {
            Libc.Close(fd);
            throw new NetlinkException("SetSockOpt", errno);
        }

        return new LibcNetlinkTransport(fd);
    }

    private int Fd => _fd >= 0 ? _fd : throw new ObjectDisposedException(nameof(NetlinkSocket));

    /// <inheritdoc />
    public int Send(ReadOnlySpan<byte> datagram)
    {
        fixed (byte* p = datagram)
        {
            return Libc.TrySend(Fd, p, datagram.Length, 0, out _);
        }
    }

    /// <inheritdoc />
    public int Receive(Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            // MSG_TRUNC: netlink then returns the datagram's real length, so a cut reply is noticed.
            int errno = Libc.TryRecv(Fd, p, buffer.Length, Libc.MSG_TRUNC, out nint received);
            return errno == 0 ? (int)Math.Min(received, int.MaxValue) : -errno;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            Libc.Close(fd);
        }
    }
}
