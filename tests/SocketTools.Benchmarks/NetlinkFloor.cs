using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SocketTools.Linux;

namespace SocketTools.Benchmarks;

/// <summary>
/// The floor: the same sock_diag dump requests the core sends (TCP, IPv4 then IPv6, all states),
/// the same 64 KiB receive loop, but no decoding: messages are only counted. A minimal
/// reimplementation on purpose, so it does not move when the core's internals do.
/// </summary>
internal static unsafe class NetlinkFloor
{
    private const int AF_NETLINK = 16;
    private const int SOCK_RAW = 3;
    private const int SOCK_CLOEXEC = 0x80000;
    private const int NETLINK_SOCK_DIAG = 4;
    private const ushort SOCK_DIAG_BY_FAMILY = 20;
    private const ushort NLM_F_REQUEST_DUMP = 0x1 | 0x300;
    private const ushort NLMSG_ERROR = 2;
    private const ushort NLMSG_DONE = 3;
    private const int RequestLength = 16 + 56;

    private static readonly byte[] Buffer = GC.AllocateUninitializedArray<byte>(64 * 1024, pinned: true);

    [DllImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static extern int Socket(int domain, int type, int protocol);

    [DllImport("libc", EntryPoint = "send", SetLastError = true)]
    private static extern nint Send(int fd, void* buf, nint len, int flags);

    [DllImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static extern nint Recv(int fd, void* buf, nint len, int flags);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);

    /// <summary>Dumps every TCP socket of <paramref name="netns"/>; returns how many messages came back.</summary>
    public static long Count(string? netns, uint states, byte protocol = 6)
    {
        int fd = NetworkNamespace.Run(netns, () => Socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
        if (fd < 0)
        {
            throw new InvalidOperationException($"socket(AF_NETLINK) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            return Dump(fd, 2, protocol, states, 1) + Dump(fd, 10, protocol, states, 2);
        }
        finally
        {
            Close(fd);
        }
    }

    private static long Dump(int fd, byte family, byte protocol, uint states, uint seq)
    {
        byte* request = stackalloc byte[RequestLength];
        var span = new Span<byte>(request, RequestLength);
        span.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(span, RequestLength);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], SOCK_DIAG_BY_FAMILY);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], NLM_F_REQUEST_DUMP);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], seq);
        span[16] = family;
        span[17] = protocol;
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], states);
        if (Send(fd, request, RequestLength, 0) != RequestLength)
        {
            throw new InvalidOperationException($"send failed: errno {Marshal.GetLastPInvokeError()}");
        }

        long count = 0;
        fixed (byte* p = Buffer)
        {
            while (true)
            {
                nint received = Recv(fd, p, Buffer.Length, 0);
                if (received <= 0)
                {
                    throw new InvalidOperationException($"recv failed: errno {Marshal.GetLastPInvokeError()}");
                }

                int offset = 0;
                while (offset + 16 <= received)
                {
                    int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(Buffer.AsSpan(offset));
                    ushort type = BinaryPrimitives.ReadUInt16LittleEndian(Buffer.AsSpan(offset + 4));
                    if (type == NLMSG_DONE)
                    {
                        return count;
                    }

                    if (type == NLMSG_ERROR)
                    {
                        throw new InvalidOperationException("netlink dump failed");
                    }

                    count++;
                    offset += (length + 3) & ~3;
                }
            }
        }
    }
}
