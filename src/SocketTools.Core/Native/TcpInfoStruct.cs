using System.Runtime.InteropServices;

namespace SocketTools.Native;

/// <summary>
/// struct tcp_info (include/uapi/linux/tcp.h) through tcpi_total_rto_time (Linux 6.7). It grows with
/// the kernel: an older kernel sends fewer bytes, a newer one more; read it with
/// <see cref="KernelStruct.ReadPrefix{T}"/> and each later field with <see cref="KernelStruct.IfSent"/>.
/// Times are in microseconds unless a field says otherwise.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TcpInfoStruct
{
    /// <summary>TCPI_OPT_TIMESTAMPS in <see cref="tcpi_options"/>.</summary>
    public const byte TCPI_OPT_TIMESTAMPS = 1;

    /// <summary>TCPI_OPT_SACK.</summary>
    public const byte TCPI_OPT_SACK = 2;

    /// <summary>TCPI_OPT_WSCALE.</summary>
    public const byte TCPI_OPT_WSCALE = 4;

    /// <summary>TCPI_OPT_ECN.</summary>
    public const byte TCPI_OPT_ECN = 8;

    /// <summary>TCPI_OPT_ECN_SEEN.</summary>
    public const byte TCPI_OPT_ECN_SEEN = 16;

    /// <summary>TCPI_OPT_SYN_DATA.</summary>
    public const byte TCPI_OPT_SYN_DATA = 32;

    // The fields as tcp.h names them.
    public byte tcpi_state;
    public byte tcpi_ca_state;
    public byte tcpi_retransmits;
    public byte tcpi_probes;
    public byte tcpi_backoff;
    public byte tcpi_options;

    /// <summary>The bit fields tcpi_snd_wscale : 4 (low nibble) and tcpi_rcv_wscale : 4 (high nibble).</summary>
    public byte tcpi_snd_rcv_wscale;

    /// <summary>The bit fields tcpi_delivery_rate_app_limited : 1 (bit 0) and tcpi_fastopen_client_fail : 2.</summary>
    public byte tcpi_app_limited_fastopen_fail;

    public uint tcpi_rto;
    public uint tcpi_ato;
    public uint tcpi_snd_mss;
    public uint tcpi_rcv_mss;

    public uint tcpi_unacked;
    public uint tcpi_sacked;
    public uint tcpi_lost;
    public uint tcpi_retrans;
    public uint tcpi_fackets;

    // Times, in milliseconds.
    public uint tcpi_last_data_sent;
    public uint tcpi_last_ack_sent;
    public uint tcpi_last_data_recv;
    public uint tcpi_last_ack_recv;

    public uint tcpi_pmtu;
    public uint tcpi_rcv_ssthresh;
    public uint tcpi_rtt;
    public uint tcpi_rttvar;
    public uint tcpi_snd_ssthresh;
    public uint tcpi_snd_cwnd;
    public uint tcpi_advmss;
    public uint tcpi_reordering;

    public uint tcpi_rcv_rtt;
    public uint tcpi_rcv_space;

    /// <summary>The last field every kernel sends (Linux 2.6): <see cref="Base"/> ends here.</summary>
    public uint tcpi_total_retrans;

    public ulong tcpi_pacing_rate;
    public ulong tcpi_max_pacing_rate;
    public ulong tcpi_bytes_acked;
    public ulong tcpi_bytes_received;
    public uint tcpi_segs_out;
    public uint tcpi_segs_in;

    public uint tcpi_notsent_bytes;
    public uint tcpi_min_rtt;
    public uint tcpi_data_segs_in;
    public uint tcpi_data_segs_out;

    public ulong tcpi_delivery_rate;

    public ulong tcpi_busy_time;
    public ulong tcpi_rwnd_limited;
    public ulong tcpi_sndbuf_limited;

    public uint tcpi_delivered;
    public uint tcpi_delivered_ce;

    public ulong tcpi_bytes_sent;
    public ulong tcpi_bytes_retrans;
    public uint tcpi_dsack_dups;
    public uint tcpi_reord_seen;

    public uint tcpi_rcv_ooopack;

    public uint tcpi_snd_wnd;
    public uint tcpi_rcv_wnd;

    public uint tcpi_rehash;

    public ushort tcpi_total_rto;
    public ushort tcpi_total_rto_recoveries;

    /// <summary>Milliseconds spent in RTO recoveries.</summary>
    public uint tcpi_total_rto_time;

    /// <summary>The length of the fields every kernel sends (through <see cref="tcpi_total_retrans"/>).</summary>
    public static int Base
    {
        get
        {
            TcpInfoStruct layout = default;
            return KernelStruct.End(ref layout, ref layout.tcpi_total_retrans);
        }
    }
}
