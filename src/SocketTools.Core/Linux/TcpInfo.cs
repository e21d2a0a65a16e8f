using System.Buffers.Binary;

namespace SocketTools.Linux;

/// <summary>
/// Decodes struct tcp_info (include/uapi/linux/tcp.h) by the length the kernel sent: fields past the
/// end (an older kernel's shorter struct) are null, and bytes past the fields known here are ignored.
/// </summary>
internal static class TcpInfo
{
    /// <summary>The fields every kernel sends (up to tcpi_total_retrans).</summary>
    internal const int BaseLength = 104;

    /// <summary>The length this decoder knows (through tcpi_total_rto_time, Linux 6.7).</summary>
    internal const int KnownLength = 248;

    private const byte TCPI_OPT_TIMESTAMPS = 1;
    private const byte TCPI_OPT_SACK = 2;
    private const byte TCPI_OPT_WSCALE = 4;
    private const byte TCPI_OPT_ECN = 8;
    private const byte TCPI_OPT_ECN_SEEN = 16;
    private const byte TCPI_OPT_SYN_DATA = 32;

    /// <summary>Decodes <paramref name="info"/>; null when it is shorter than the base struct.</summary>
    public static TcpDetails? Decode(ReadOnlySpan<byte> info, string? congestion)
    {
        if (info.Length < BaseLength)
        {
            return congestion is null ? null : new TcpDetails { CongestionAlgorithm = congestion };
        }

        byte options = info[5];
        return new TcpDetails
        {
            InfoLength = info.Length,
            CongestionAlgorithm = congestion,
            CongestionState = info[1],
            Retransmits = info[2],
            Probes = info[3],
            Backoff = info[4],
            Timestamps = (options & TCPI_OPT_TIMESTAMPS) != 0,
            Sack = (options & TCPI_OPT_SACK) != 0,
            WindowScaling = (options & TCPI_OPT_WSCALE) != 0,
            Ecn = (options & TCPI_OPT_ECN) != 0,
            EcnSeen = (options & TCPI_OPT_ECN_SEEN) != 0,
            SynData = (options & TCPI_OPT_SYN_DATA) != 0,
            SendWindowScale = info[6] & 0xf,
            ReceiveWindowScale = info[6] >> 4,
            DeliveryRateAppLimited = (info[7] & 1) != 0,
            Rto = Micro(U32(info, 8)),
            Ato = Micro(U32(info, 12)),
            Mss = U32(info, 16),
            RcvMss = U32(info, 20),
            Unacked = U32(info, 24),
            Sacked = U32(info, 28),
            Lost = U32(info, 32),
            Retrans = U32(info, 36),
            Fackets = U32(info, 40),
            LastDataSent = Milli(U32(info, 44)),
            LastAckSent = Milli(U32(info, 48)),
            LastDataReceived = Milli(U32(info, 52)),
            LastAckReceived = Milli(U32(info, 56)),
            Pmtu = U32(info, 60),
            RcvSsThresh = U32(info, 64),
            Rtt = Micro(U32(info, 68)),
            RttVar = Micro(U32(info, 72)),
            SsThresh = U32(info, 76),
            Cwnd = U32(info, 80),
            AdvMss = U32(info, 84),
            Reordering = U32(info, 88),
            RcvRtt = Micro(U32(info, 92)),
            RcvSpace = U32(info, 96),
            TotalRetrans = U32(info, 100),
            PacingRate = U64(info, 104),
            MaxPacingRate = U64(info, 112),
            BytesAcked = U64(info, 120),
            BytesReceived = U64(info, 128),
            SegsOut = U32N(info, 136),
            SegsIn = U32N(info, 140),
            NotSentBytes = U32N(info, 144),
            MinRtt = MicroN(info, 148),
            DataSegsIn = U32N(info, 152),
            DataSegsOut = U32N(info, 156),
            DeliveryRate = U64(info, 160),
            BusyTime = MicroN64(info, 168),
            RwndLimited = MicroN64(info, 176),
            SndbufLimited = MicroN64(info, 184),
            Delivered = U32N(info, 192),
            DeliveredCe = U32N(info, 196),
            BytesSent = U64(info, 200),
            BytesRetrans = U64(info, 208),
            DsackDups = U32N(info, 216),
            ReorderSeen = U32N(info, 220),
            RcvOooPack = U32N(info, 224),
            SndWnd = U32N(info, 228),
            RcvWnd = U32N(info, 232),
            Rehash = U32N(info, 236),
            TotalRto = info.Length >= 242 ? BinaryPrimitives.ReadUInt16LittleEndian(info[240..]) : null,
            TotalRtoRecoveries = info.Length >= 244 ? BinaryPrimitives.ReadUInt16LittleEndian(info[242..]) : null,
            TotalRtoTime = info.Length >= 248 ? Milli(U32(info, 244)) : null,
        };
    }

    private static uint U32(ReadOnlySpan<byte> b, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(b[offset..]);

    private static long? U32N(ReadOnlySpan<byte> b, int offset) =>
        b.Length >= offset + 4 ? BinaryPrimitives.ReadUInt32LittleEndian(b[offset..]) : null;

    private static ulong? U64(ReadOnlySpan<byte> b, int offset) =>
        b.Length >= offset + 8 ? BinaryPrimitives.ReadUInt64LittleEndian(b[offset..]) : null;

    private static TimeSpan Micro(uint usec) => TimeSpan.FromTicks(usec * 10L);

    private static TimeSpan Milli(uint msec) => TimeSpan.FromTicks(msec * TimeSpan.TicksPerMillisecond);

    private static TimeSpan? MicroN(ReadOnlySpan<byte> b, int offset) =>
        b.Length >= offset + 4 ? Micro(U32(b, offset)) : null;

    private static TimeSpan? MicroN64(ReadOnlySpan<byte> b, int offset)
    {
        if (b.Length < offset + 8)
        {
            return null;
        }

        ulong usec = BinaryPrimitives.ReadUInt64LittleEndian(b[offset..]);
        return TimeSpan.FromTicks((long)Math.Min(usec, (ulong)(TimeSpan.MaxValue.Ticks / 10)) * 10);
    }
}
