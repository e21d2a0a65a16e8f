namespace SocketTools;

/// <summary>
/// TCP internals from the kernel's tcp_info (ss -i), filled when -Info is asked for. The kernel sends
/// as much of struct tcp_info as it knows; fields it did not send (older kernels send a shorter
/// struct) are null. <see cref="InfoLength"/> says how many bytes came. Times are TimeSpans, rates
/// are bytes per second, counters are the kernel's.
/// </summary>
public sealed class TcpDetails
{
    /// <summary>How many bytes of struct tcp_info the kernel sent (104 on 3.x, 232 on 5.4, 248 on 6.7 …).</summary>
    public int InfoLength { get; init; }

    /// <summary>Congestion control algorithm (INET_DIAG_CONG), e.g. cubic or bbr.</summary>
    public string? CongestionAlgorithm { get; init; }

    /// <summary>The congestion-avoidance state (tcpi_ca_state: 0 Open, 1 Disorder, 2 CWR, 3 Recovery, 4 Loss).</summary>
    public int CongestionState { get; init; }

    /// <summary>Unrecovered retransmissions of the current timer (tcpi_retransmits).</summary>
    public int Retransmits { get; init; }

    /// <summary>Unanswered zero-window or keepalive probes (tcpi_probes).</summary>
    public int Probes { get; init; }

    /// <summary>Exponential backoff of the retransmit timer (tcpi_backoff; ss: backoff:N).</summary>
    public int Backoff { get; init; }

    /// <summary>The TCP timestamps option is in use (ss: ts).</summary>
    public bool Timestamps { get; init; }

    /// <summary>Selective acknowledgements are in use (ss: sack).</summary>
    public bool Sack { get; init; }

    /// <summary>Window scaling is in use (ss: wscale:snd,rcv).</summary>
    public bool WindowScaling { get; init; }

    /// <summary>ECN was negotiated (ss: ecn).</summary>
    public bool Ecn { get; init; }

    /// <summary>An ECN echo was seen from the peer (ss: ecnseen).</summary>
    public bool EcnSeen { get; init; }

    /// <summary>The SYN carried data: TCP Fast Open (ss: fastopen).</summary>
    public bool SynData { get; init; }

    /// <summary>The send window scale shift (ss: wscale:THIS,rcv).</summary>
    public int SendWindowScale { get; init; }

    /// <summary>The receive window scale shift (ss: wscale:snd,THIS).</summary>
    public int ReceiveWindowScale { get; init; }

    /// <summary>The last delivery-rate sample was application limited (ss: app_limited).</summary>
    public bool DeliveryRateAppLimited { get; init; }

    /// <summary>Retransmission timeout (ss: rto).</summary>
    public TimeSpan Rto { get; init; }

    /// <summary>Delayed-ACK timeout (ss: ato).</summary>
    public TimeSpan Ato { get; init; }

    /// <summary>Sender maximum segment size (ss: mss).</summary>
    public long Mss { get; init; }

    /// <summary>Estimated receiver MSS (ss: rcvmss).</summary>
    public long RcvMss { get; init; }

    /// <summary>Segments sent and not yet acknowledged (ss: unacked).</summary>
    public long Unacked { get; init; }

    /// <summary>Segments selectively acknowledged (ss: sacked).</summary>
    public long Sacked { get; init; }

    /// <summary>Segments thought lost (ss: lost).</summary>
    public long Lost { get; init; }

    /// <summary>Segments retransmitted and not yet acknowledged (ss: retrans:THIS/total).</summary>
    public long Retrans { get; init; }

    /// <summary>tcpi_fackets (unused by modern kernels, always 0).</summary>
    public long Fackets { get; init; }

    /// <summary>Time since data was last sent (ss: lastsnd).</summary>
    public TimeSpan LastDataSent { get; init; }

    /// <summary>Time since an ACK was last sent (not kept by Linux; 0).</summary>
    public TimeSpan LastAckSent { get; init; }

    /// <summary>Time since data was last received (ss: lastrcv).</summary>
    public TimeSpan LastDataReceived { get; init; }

    /// <summary>Time since an ACK was last received (ss: lastack).</summary>
    public TimeSpan LastAckReceived { get; init; }

    /// <summary>Path MTU (ss: pmtu).</summary>
    public long Pmtu { get; init; }

    /// <summary>Receive slow-start threshold: the window the receiver will grow to (ss: rcv_ssthresh).</summary>
    public long RcvSsThresh { get; init; }

    /// <summary>Smoothed round-trip time (ss: rtt:THIS/rttvar).</summary>
    public TimeSpan Rtt { get; init; }

    /// <summary>Round-trip time variation (ss: rtt:rtt/THIS).</summary>
    public TimeSpan RttVar { get; init; }

    /// <summary>Slow-start threshold in segments (ss: ssthresh; the kernel's "infinite" is 2147483647).</summary>
    public long SsThresh { get; init; }

    /// <summary>Congestion window in segments (ss: cwnd).</summary>
    public long Cwnd { get; init; }

    /// <summary>Advertised MSS (ss: advmss).</summary>
    public long AdvMss { get; init; }

    /// <summary>Reordering metric in segments (ss: reordering, printed when not 3).</summary>
    public long Reordering { get; init; }

    /// <summary>Receiver-side round-trip estimate (ss: rcv_rtt).</summary>
    public TimeSpan RcvRtt { get; init; }

    /// <summary>Receive-buffer autotuning space in bytes (ss: rcv_space).</summary>
    public long RcvSpace { get; init; }

    /// <summary>Retransmissions over the connection's life (ss: retrans:now/THIS).</summary>
    public long TotalRetrans { get; init; }

    /// <summary>Pacing rate in bytes per second (ss: pacing_rate, in bits); null on kernels before 3.15.</summary>
    public ulong? PacingRate { get; init; }

    /// <summary>Maximum pacing rate in bytes per second (ulong.MaxValue: unlimited).</summary>
    public ulong? MaxPacingRate { get; init; }

    /// <summary>Bytes acknowledged by the peer (ss: bytes_acked).</summary>
    public ulong? BytesAcked { get; init; }

    /// <summary>Bytes received (ss: bytes_received).</summary>
    public ulong? BytesReceived { get; init; }

    /// <summary>Segments sent, retransmissions included (ss: segs_out).</summary>
    public long? SegsOut { get; init; }

    /// <summary>Segments received (ss: segs_in).</summary>
    public long? SegsIn { get; init; }

    /// <summary>Bytes written but not yet sent (ss: notsent).</summary>
    public long? NotSentBytes { get; init; }

    /// <summary>Minimum round-trip time seen (ss: minrtt).</summary>
    public TimeSpan? MinRtt { get; init; }

    /// <summary>Segments received that carried data (ss: data_segs_in).</summary>
    public long? DataSegsIn { get; init; }

    /// <summary>Segments sent that carried data (ss: data_segs_out).</summary>
    public long? DataSegsOut { get; init; }

    /// <summary>Delivery rate in bytes per second (ss: delivery_rate, in bits).</summary>
    public ulong? DeliveryRate { get; init; }

    /// <summary>Time busy sending data (ss: busy).</summary>
    public TimeSpan? BusyTime { get; init; }

    /// <summary>Time limited by the receive window (ss: rwnd_limited).</summary>
    public TimeSpan? RwndLimited { get; init; }

    /// <summary>Time limited by the send buffer (ss: sndbuf_limited).</summary>
    public TimeSpan? SndbufLimited { get; init; }

    /// <summary>Segments delivered, retransmissions included (ss: delivered).</summary>
    public long? Delivered { get; init; }

    /// <summary>Segments delivered with an ECN CE mark (ss: delivered_ce).</summary>
    public long? DeliveredCe { get; init; }

    /// <summary>Bytes sent, retransmissions included (ss: bytes_sent).</summary>
    public ulong? BytesSent { get; init; }

    /// <summary>Bytes retransmitted (ss: bytes_retrans).</summary>
    public ulong? BytesRetrans { get; init; }

    /// <summary>Duplicate segments reported by D-SACK (ss: dsack_dups).</summary>
    public long? DsackDups { get; init; }

    /// <summary>Reordering events seen (ss: reord_seen).</summary>
    public long? ReorderSeen { get; init; }

    /// <summary>Out-of-order packets received (ss: rcv_ooopack).</summary>
    public long? RcvOooPack { get; init; }

    /// <summary>The peer's advertised receive window after scaling, in bytes (ss: snd_wnd).</summary>
    public long? SndWnd { get; init; }

    /// <summary>The local advertised receive window after scaling, in bytes (ss: rcv_wnd; kernel 6.2+).</summary>
    public long? RcvWnd { get; init; }

    /// <summary>PLB or timeout-triggered rehash attempts (ss: rehash; kernel 6.2+).</summary>
    public long? Rehash { get; init; }

    /// <summary>RTO timeouts, SYN/SYN-ACK and recurring ones included (kernel 6.7+).</summary>
    public int? TotalRto { get; init; }

    /// <summary>RTO recoveries, an unfinished one included (kernel 6.7+).</summary>
    public int? TotalRtoRecoveries { get; init; }

    /// <summary>Time spent in RTO recoveries (kernel 6.7+).</summary>
    public TimeSpan? TotalRtoTime { get; init; }

    /// <summary>The ss -i text of these details (as for a connected socket).</summary>
    public override string ToString() => Text.SsText.TcpInfo(this, SocketState.Established);
}
