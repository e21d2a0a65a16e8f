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
    private const byte INET_DIAG_BC_S_EQ = 11;
    private const ushort INET_DIAG_REQ_BYTECODE = 1;

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
    public static long Count(string? netns, uint states, byte protocol = 6) => Count(netns, states, protocol, 0);

    /// <summary>
    /// As <see cref="Count(string?, uint, byte)"/>, with the kernel filtering on the local port as
    /// <c>ss 'sport = :PORT'</c> does (an INET_DIAG_BC_S_EQ bytecode) when <paramref name="localPort"/> is not 0.
    /// </summary>
    public static long Count(string? netns, uint states, byte protocol, int localPort)
    {
        int fd = NetworkNamespace.Run(netns, () => Socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
        if (fd < 0)
        {
            throw new InvalidOperationException($"socket(AF_NETLINK) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            return Dump(fd, 2, protocol, states, 1, localPort) + Dump(fd, 10, protocol, states, 2, localPort);
        }
        finally
        {
            Close(fd);
        }
    }

    private static long Dump(int fd, byte family, byte protocol, uint states, uint seq, int localPort)
    {
        // inet_diag_bc_op { u8 code; u8 yes; u16 no; }: S_EQ jumps 8 bytes (to the end: accept) when
        // the port matches, 12 (past the end: reject) when not; the port is in the next op's 'no'.
        int total = localPort == 0 ? RequestLength : RequestLength + 4 + 8;
        byte* request = stackalloc byte[RequestLength + 12];
        var span = new Span<byte>(request, total);
        span.Clear();
        if (localPort != 0)
        {
            var attr = span[RequestLength..];
            BinaryPrimitives.WriteUInt16LittleEndian(attr, 12);
            BinaryPrimitives.WriteUInt16LittleEndian(attr[2..], INET_DIAG_REQ_BYTECODE);
            attr[4] = INET_DIAG_BC_S_EQ;
            attr[5] = 8;
            BinaryPrimitives.WriteUInt16LittleEndian(attr[6..], 12);
            BinaryPrimitives.WriteUInt16LittleEndian(attr[10..], (ushort)localPort);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)total);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], SOCK_DIAG_BY_FAMILY);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], NLM_F_REQUEST_DUMP);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], seq);
        span[16] = family;
        span[17] = protocol;
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], states);
        if (Send(fd, request, total, 0) != total)
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
