using System.Buffers.Binary;

namespace SocketTools.Linux;

/// <summary>
/// Decodes the kernel's u32 skmeminfo array (SK_MEMINFO_*: rmem_alloc, rcvbuf, wmem_alloc, sndbuf,
/// fwd_alloc, wmem_queued, optmem, backlog, drops), as sent by INET_DIAG_SKMEMINFO,
/// UNIX_DIAG_MEMINFO, PACKET_DIAG_MEMINFO and NETLINK_DIAG_MEMINFO.
/// </summary>
internal static class SkMemInfo
{
    internal const int RmemAlloc = 0;
    internal const int WmemAlloc = 2;

    /// <summary>The entries before SK_MEMINFO_DROPS (Linux 3.x).</summary>
    internal const int MinimumEntries = 8;

    /// <summary>Decodes the array; null when it is shorter than the 8 entries every kernel sends.</summary>
    public static SocketMemory? Decode(ReadOnlySpan<byte> payload)
    {
        int n = payload.Length / 4;
        if (n < MinimumEntries)
        {
            return null;
        }

        return new SocketMemory
        {
            RmemAlloc = At(payload, 0),
            RcvBuf = At(payload, 1),
            WmemAlloc = At(payload, 2),
            SndBuf = At(payload, 3),
            FwdAlloc = At(payload, 4),
            WmemQueued = At(payload, 5),
            OptMem = At(payload, 6),
            Backlog = At(payload, 7),
            Drops = n > 8 ? At(payload, 8) : null,
        };
    }

    /// <summary>Entry <paramref name="index"/> of the array, or 0 when it is not there.</summary>
    public static uint At(ReadOnlySpan<byte> payload, int index) =>
        payload.Length >= 4 * (index + 1) ? BinaryPrimitives.ReadUInt32LittleEndian(payload[(4 * index)..]) : 0;
}
