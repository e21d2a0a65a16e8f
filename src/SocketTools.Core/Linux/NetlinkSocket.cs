using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SocketTools.Native;

namespace SocketTools.Linux;

/// <summary>Decodes one netlink message payload into a socket, or null to skip it.</summary>
internal delegate SocketInfo? NetlinkDecoder(ReadOnlySpan<byte> payload);

/// <summary>
/// A NETLINK_SOCK_DIAG socket with one reusable, pinned receive buffer. Dumps are streamed:
/// each reply message is decoded straight out of the buffer.
/// </summary>
internal sealed unsafe class NetlinkSocket : IDisposable
{
    internal const int NETLINK_SOCK_DIAG = 4;
    internal const ushort NLMSG_ERROR = 2;
    internal const ushort NLMSG_DONE = 3;
    internal const ushort SOCK_DIAG_BY_FAMILY = 20;
    internal const ushort NLM_F_REQUEST = 0x1;
    internal const ushort NLM_F_DUMP_INTR = 0x10;
    internal const ushort NLM_F_DUMP = 0x300;
    internal const int HeaderLength = 16;

    /// <summary>The kernel sends at most 32 KiB per dump read; twice that leaves room.</summary>
    internal const int BufferSize = 64 * 1024;

    /// <summary>How often an interrupted (NLM_F_DUMP_INTR) dump is restarted before giving up.</summary>
    internal const int MaxDumpRestarts = 3;

    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(BufferSize, pinned: true);
    private int _fd;
    private uint _seq;

    private NetlinkSocket(int fd) => _fd = fd;

    /// <summary>Opens a sock_diag socket, in <paramref name="netns"/> when given.</summary>
    public static NetlinkSocket Open(string? netns) => NetworkNamespace.Run(netns, () =>
    {
        int fd = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        if (fd < 0)
        {
            throw new NetlinkException("Socket", Marshal.GetLastPInvokeError());
        }

        return new NetlinkSocket(fd);
    });

    /// <summary>
    /// Sends a dump request (its header's length, type and flags already set) and yields every
    /// decoded reply. An interrupted dump is restarted; sockets already yielded (by cookie) are not
    /// yielded again.
    /// </summary>
    public IEnumerable<SocketInfo> Dump(byte[] request, int length, NetlinkDecoder decode, CancellationToken cancellationToken)
    {
        HashSet<ulong>? yielded = null;
        for (int attempt = 0; ; attempt++)
        {
            uint seq = Send(request, length);
            bool interrupted = false;
            bool done = false;
            while (!done)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int received = Receive();
                int offset = 0;
                while (offset + HeaderLength <= received)
                {
                    var header = ReadHeader(_buffer, offset, received);
                    int next = offset + Align4(header.Length);
                    if (header.Sequence != seq)
                    {
                        offset = next;
                        continue;
                    }

                    if ((header.Flags & NLM_F_DUMP_INTR) != 0)
                    {
                        interrupted = true;
                    }

                    if (header.Type == NLMSG_DONE)
                    {
                        CheckDone(_buffer, offset, header.Length);
                        done = true;
                        break;
                    }

                    if (header.Type == NLMSG_ERROR)
                    {
                        int error = header.Length >= HeaderLength + 4
                            ? BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(offset + HeaderLength))
                            : 0;
                        if (error != 0)
                        {
                            throw new NetlinkException("Dump", -error);
                        }

                        offset = next;
                        continue;
                    }

                    SocketInfo? item = decode(_buffer.AsSpan(offset + HeaderLength, header.Length - HeaderLength));
                    offset = next;
                    if (item is null)
                    {
                        continue;
                    }

                    if (yielded is not null && !yielded.Add(item.Cookie))
                    {
                        continue;
                    }

                    yield return item;
                }
            }

            if (!interrupted || attempt >= MaxDumpRestarts)
            {
                yield break;
            }

            // The kernel's tables changed under the dump: go again, skipping what was already given.
            yielded ??= [];
        }
    }

    /// <summary>
    /// Sends one non-dump request (an exact lookup) and decodes its single reply. Returns 0 with the
    /// decoded item, or the errno the kernel answered with (ENOENT: no such socket; ESTALE: the
    /// 4-tuple now belongs to a socket with another cookie).
    /// </summary>
    public int Request(byte[] request, int length, NetlinkDecoder decode, out SocketInfo? item)
    {
        uint seq = Send(request, length);
        while (true)
        {
            int received = Receive();
            int offset = 0;
            while (offset + HeaderLength <= received)
            {
                var header = ReadHeader(_buffer, offset, received);
                int next = offset + Align4(header.Length);
                if (header.Sequence != seq)
                {
                    offset = next;
                    continue;   // a late reply to an earlier request
                }

                if (header.Type == NLMSG_ERROR)
                {
                    int error = header.Length >= HeaderLength + 4
                        ? BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(offset + HeaderLength))
                        : 0;
                    item = null;
                    return -error;
                }

                if (header.Type == NLMSG_DONE)
                {
                    item = null;
                    return Errno.ENOENT;
                }

                item = decode(_buffer.AsSpan(offset + HeaderLength, header.Length - HeaderLength));
                return 0;
            }
        }
    }

    /// <summary>The fixed netlink header fields of the message at <paramref name="offset"/>.</summary>
    internal static (int Length, ushort Type, ushort Flags, uint Sequence) ReadHeader(byte[] buffer, int offset, int received)
    {
        var span = buffer.AsSpan(offset, received - offset);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(span);
        if (length < HeaderLength || length > (uint)span.Length)
        {
            throw new NetlinkException($"netlink message at offset {offset} claims {length} bytes; {span.Length} remain.");
        }

        return ((int)length, BinaryPrimitives.ReadUInt16LittleEndian(span[4..]),
            BinaryPrimitives.ReadUInt16LittleEndian(span[6..]), BinaryPrimitives.ReadUInt32LittleEndian(span[8..]));
    }

    private static void CheckDone(byte[] buffer, int offset, int length)
    {
        // Since Linux 4.x NLMSG_DONE carries an int: a negative errno when the dump failed.
        if (length >= HeaderLength + 4)
        {
            int error = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(offset + HeaderLength));
            if (error < 0)
            {
                throw new NetlinkException("Dump", -error);
            }
        }
    }

    internal static int Align4(int length) => (length + 3) & ~3;

    private uint Send(byte[] request, int length)
    {
        uint seq = ++_seq;
        var span = request.AsSpan(0, length);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], seq);
        fixed (byte* p = span)
        {
            while (true)
            {
                nint sent = Libc.Send(Fd, p, length, 0);
                if (sent >= 0)
                {
                    return seq;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno != Errno.EINTR)
                {
                    throw new NetlinkException("Send", errno);
                }
            }
        }
    }

    private int Receive()
    {
        fixed (byte* p = _buffer)
        {
            while (true)
            {
                nint received = Libc.Recv(Fd, p, _buffer.Length, 0);
                if (received >= 0)
                {
                    if (received == 0)
                    {
                        throw new NetlinkException("the kernel closed the netlink socket in the middle of a dump.");
                    }

                    return (int)received;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno != Errno.EINTR)
                {
                    throw new NetlinkException("Receive", errno);
                }
            }
        }
    }

    private int Fd => _fd >= 0 ? _fd : throw new ObjectDisposedException(nameof(NetlinkSocket));

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            Libc.Close(fd);
        }
    }
}
