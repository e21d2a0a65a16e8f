using System.Runtime.CompilerServices;
using SocketTools.Native;

namespace SocketTools.Linux;

/// <summary>
/// Decodes struct tcp_info (include/uapi/linux/tcp.h) by the length the kernel sent: fields past the
/// end (an older kernel's shorter struct) are null, and bytes past the fields known here are ignored.
/// </summary>
internal static class TcpInfo
{
    /// <summary>The fields every kernel sends (up to tcpi_total_retrans).</summary>
    internal static readonly int BaseLength = TcpInfoStruct.Base;

    /// <summary>The length this decoder knows (through tcpi_total_rto_time, Linux 6.7).</summary>
    internal static int KnownLength => Unsafe.SizeOf<TcpInfoStruct>();

    /// <summary>Decodes <paramref name="info"/>; null when it is shorter than the base struct.</summary>
    public static TcpDetails? Decode(ReadOnlySpan<byte> info, string? congestion)
    {
        if (info.Length < BaseLength)
        {
            return congestion is null ? null : new TcpDetails { CongestionAlgorithm = congestion };
        }

        // Fields past what the kernel sent read as zero; the ones after the base are null then.
        var t = KernelStruct.ReadPrefix<TcpInfoStruct>(info);
        int n = info.Length;
        byte options = t.tcpi_options;
        return new TcpDetails
        {
            InfoLength = info.Length,
            CongestionAlgorithm = congestion,
            CongestionState = t.tcpi_ca_state,
            Retransmits = t.tcpi_retransmits,
            Probes = t.tcpi_probes,
            Backoff = t.tcpi_backoff,
            Timestamps = (options & TcpInfoStruct.TCPI_OPT_TIMESTAMPS) != 0,
            Sack = (options & TcpInfoStruct.TCPI_OPT_SACK) != 0,
            WindowScaling = (options & TcpInfoStruct.TCPI_OPT_WSCALE) != 0,
            Ecn = (options & TcpInfoStruct.TCPI_OPT_ECN) != 0,
            EcnSeen = (options & TcpInfoStruct.TCPI_OPT_ECN_SEEN) != 0,
            SynData = (options & TcpInfoStruct.TCPI_OPT_SYN_DATA) != 0,
            SendWindowScale = t.tcpi_snd_rcv_wscale & 0xf,
            ReceiveWindowScale = t.tcpi_snd_rcv_wscale >> 4,
            DeliveryRateAppLimited = (t.tcpi_app_limited_fastopen_fail & 1) != 0,
            Rto = Micro(t.tcpi_rto),
            Ato = Micro(t.tcpi_ato),
            Mss = t.tcpi_snd_mss,
            RcvMss = t.tcpi_rcv_mss,
            Unacked = t.tcpi_unacked,
            Sacked = t.tcpi_sacked,
            Lost = t.tcpi_lost,
            Retrans = t.tcpi_retrans,
            Fackets = t.tcpi_fackets,
            LastDataSent = Milli(t.tcpi_last_data_sent),
            LastAckSent = Milli(t.tcpi_last_ack_sent),
            LastDataReceived = Milli(t.tcpi_last_data_recv),
            LastAckReceived = Milli(t.tcpi_last_ack_recv),
            Pmtu = t.tcpi_pmtu,
            RcvSsThresh = t.tcpi_rcv_ssthresh,
            Rtt = Micro(t.tcpi_rtt),
            RttVar = Micro(t.tcpi_rttvar),
            SsThresh = t.tcpi_snd_ssthresh,
            Cwnd = t.tcpi_snd_cwnd,
            AdvMss = t.tcpi_advmss,
            Reordering = t.tcpi_reordering,
            RcvRtt = Micro(t.tcpi_rcv_rtt),
            RcvSpace = t.tcpi_rcv_space,
            TotalRetrans = t.tcpi_total_retrans,
            PacingRate = KernelStruct.IfSent(n, ref t, ref t.tcpi_pacing_rate),
            MaxPacingRate = KernelStruct.IfSent(n, ref t, ref t.tcpi_max_pacing_rate),
            BytesAcked = KernelStruct.IfSent(n, ref t, ref t.tcpi_bytes_acked),
            BytesReceived = KernelStruct.IfSent(n, ref t, ref t.tcpi_bytes_received),
            SegsOut = KernelStruct.IfSent(n, ref t, ref t.tcpi_segs_out),
            SegsIn = KernelStruct.IfSent(n, ref t, ref t.tcpi_segs_in),
            NotSentBytes = KernelStruct.IfSent(n, ref t, ref t.tcpi_notsent_bytes),
            MinRtt = Micro(KernelStruct.IfSent(n, ref t, ref t.tcpi_min_rtt)),
            DataSegsIn = KernelStruct.IfSent(n, ref t, ref t.tcpi_data_segs_in),
            DataSegsOut = KernelStruct.IfSent(n, ref t, ref t.tcpi_data_segs_out),
            DeliveryRate = KernelStruct.IfSent(n, ref t, ref t.tcpi_delivery_rate),
            BusyTime = Micro(KernelStruct.IfSent(n, ref t, ref t.tcpi_busy_time)),
            RwndLimited = Micro(KernelStruct.IfSent(n, ref t, ref t.tcpi_rwnd_limited)),
            SndbufLimited = Micro(KernelStruct.IfSent(n, ref t, ref t.tcpi_sndbuf_limited)),
            Delivered = KernelStruct.IfSent(n, ref t, ref t.tcpi_delivered),
            DeliveredCe = KernelStruct.IfSent(n, ref t, ref t.tcpi_delivered_ce),
            BytesSent = KernelStruct.IfSent(n, ref t, ref t.tcpi_bytes_sent),
            BytesRetrans = KernelStruct.IfSent(n, ref t, ref t.tcpi_bytes_retrans),
            DsackDups = KernelStruct.IfSent(n, ref t, ref t.tcpi_dsack_dups),
            ReorderSeen = KernelStruct.IfSent(n, ref t, ref t.tcpi_reord_seen),
            RcvOooPack = KernelStruct.IfSent(n, ref t, ref t.tcpi_rcv_ooopack),
            SndWnd = KernelStruct.IfSent(n, ref t, ref t.tcpi_snd_wnd),
            RcvWnd = KernelStruct.IfSent(n, ref t, ref t.tcpi_rcv_wnd),
            Rehash = KernelStruct.IfSent(n, ref t, ref t.tcpi_rehash),
            TotalRto = KernelStruct.IfSent(n, ref t, ref t.tcpi_total_rto),
            TotalRtoRecoveries = KernelStruct.IfSent(n, ref t, ref t.tcpi_total_rto_recoveries),
            TotalRtoTime = Milli(KernelStruct.IfSent(n, ref t, ref t.tcpi_total_rto_time)),
        };
    }

    private static TimeSpan Micro(uint usec) => TimeSpan.FromTicks(usec * 10L);

    private static TimeSpan Milli(uint msec) => TimeSpan.FromTicks(msec * TimeSpan.TicksPerMillisecond);

    private static TimeSpan? Micro(uint? usec) => usec is uint value ? Micro(value) : null;

    private static TimeSpan? Milli(uint? msec) => msec is uint value ? Milli(value) : null;

    /// <summary>A 64-bit microsecond count, clamped to what a TimeSpan holds.</summary>
    private static TimeSpan? Micro(ulong? usec) => usec is ulong value
        ? TimeSpan.FromTicks((long)Math.Min(value, (ulong)(TimeSpan.MaxValue.Ticks / 10)) * 10)
        : null;
}
