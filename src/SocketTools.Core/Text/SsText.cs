using System.Globalization;
using System.Text;

namespace SocketTools.Text;

/// <summary>
/// ss's cell text, made from typed values. Format views call these with plain values (strings,
/// numbers) so that deserialized objects from remoting format the same as live ones.
/// </summary>
public static class SsText
{
    private static readonly string[] StateNames =
    [
        "UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "UNCONN",
        "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING", "SYN-RECV", "UNCONN",
    ];

    /// <summary>ss's state column: ESTAB, SYN-SENT, TIME-WAIT, UNCONN, LISTEN …</summary>
    public static string State(SocketState state) =>
        (int)state >= 0 && (int)state < StateNames.Length ? StateNames[(int)state] : "UNKNOWN";

    /// <summary>ss's Netid column: tcp, udp, raw, u_str, u_dgr, u_seq, p_raw, p_dgr, nl.</summary>
    public static string Netid(SocketProtocol protocol, SocketKind type) => protocol switch
    {
        SocketProtocol.Tcp => "tcp",
        SocketProtocol.Udp => "udp",
        SocketProtocol.Raw => "raw",
        SocketProtocol.Unix => type switch
        {
            SocketKind.Datagram => "u_dgr",
            SocketKind.SeqPacket => "u_seq",
            _ => "u_str",
        },
        SocketProtocol.Packet => type == SocketKind.Datagram ? "p_dgr" : "p_raw",
        SocketProtocol.Netlink => "nl",
        _ => "???",
    };

    /// <summary>
    /// An ss endpoint: 0.0.0.0:22, *:22 (a dual-stack :: socket), [::]:22 (v6only), [::1]:631,
    /// [fe80::1]%eth0:22, 127.0.0.1%lo:81, [::ffff:127.0.0.1]:80; port 0 prints as *.
    /// </summary>
    public static string Endpoint(string? address, int port, bool? v6Only, string? interfaceName)
    {
        var sb = new StringBuilder(48);
        AppendAddress(sb, address, v6Only);
        if (!string.IsNullOrEmpty(interfaceName))
        {
            sb.Append('%').Append(interfaceName);
        }

        sb.Append(':');
        if (port == 0)
        {
            sb.Append('*');
        }
        else
        {
            sb.Append(port.ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    private static void AppendAddress(StringBuilder sb, string? address, bool? v6Only)
    {
        if (string.IsNullOrEmpty(address))
        {
            sb.Append('*');
            return;
        }

        if (address.Contains(':'))
        {
            if (address == "::" && v6Only != true)
            {
                sb.Append('*');
                return;
            }

            sb.Append('[').Append(address).Append(']');
            return;
        }

        sb.Append(address);
    }

    /// <summary>The Local Address:Port cell of any socket, as ss -n prints it (see <see cref="LocalCell"/>).</summary>
    public static string Local(SocketInfo socket) =>
        LocalCell(socket.Protocol, socket.LocalAddress?.ToString(), socket.LocalPort, socket.V6Only, socket.Interface,
            socket.Path, socket.Inode, socket.EtherType, socket.NetlinkProtocol, socket.PortId);

    /// <summary>The Peer Address:Port cell of any socket, as ss -n prints it (see <see cref="PeerCell"/>).</summary>
    public static string Peer(SocketInfo socket) =>
        PeerCell(socket.Protocol, socket.RemoteAddress?.ToString(), socket.RemotePort, socket.V6Only,
            socket.PeerInode, socket.PeerPortId, socket.PeerGroup);

    /// <summary>
    /// ss -n's Local Address:Port cell for any protocol, from plain values (so deserialized objects
    /// format too): TCP, UDP and raw sockets as <see cref="Endpoint"/> (a raw socket's port is its IP
    /// protocol); Unix sockets as "path inode" (* when unnamed, @name when abstract); packet sockets
    /// as "protocol:interface" (* for ETH_P_ALL and for no interface, [2048] for an EtherType);
    /// netlink sockets as "protocol:portid".
    /// </summary>
    public static string LocalCell(SocketProtocol protocol, string? address, int port, bool? v6Only, string? interfaceName,
        string? path, ulong inode, int? etherType, int? netlinkProtocol, uint? portId) => protocol switch
    {
        SocketProtocol.Unix => string.Concat(string.IsNullOrEmpty(path) ? "*" : path, " ", inode.ToString(CultureInfo.InvariantCulture)),
        SocketProtocol.Packet => string.Concat(PacketProtocol(etherType), ":", string.IsNullOrEmpty(interfaceName) ? "*" : interfaceName),
        SocketProtocol.Netlink => string.Concat(
            (netlinkProtocol ?? 0).ToString(CultureInfo.InvariantCulture), ":", NetlinkPort(portId ?? 0)),
        _ => Endpoint(address, port, v6Only, interfaceName),
    };

    /// <summary>
    /// ss -n's Peer Address:Port cell for any protocol: IP sockets as <see cref="Endpoint"/>; Unix
    /// sockets as "* peer-inode" (ss never names the peer); packet sockets as *; netlink sockets as
    /// "group:portid" when connected, else *.
    /// </summary>
    public static string PeerCell(SocketProtocol protocol, string? address, int port, bool? v6Only,
        ulong? peerInode, uint? peerPortId, uint? peerGroup) => protocol switch
    {
        SocketProtocol.Unix => "* " + (peerInode ?? 0).ToString(CultureInfo.InvariantCulture),
        SocketProtocol.Packet => "*",
        SocketProtocol.Netlink => peerPortId is uint dst
            ? string.Concat((peerGroup ?? 0).ToString(CultureInfo.InvariantCulture), ":", NetlinkPort(dst))
            : "*",
        _ => Endpoint(address, port, v6Only, null),
    };

    /// <summary>A packet socket's protocol as ss -n prints it: * for ETH_P_ALL (3), else [decimal EtherType].</summary>
    public static string PacketProtocol(int? etherType) => etherType switch
    {
        3 => "*",
        int t => "[" + t.ToString(CultureInfo.InvariantCulture) + "]",
        null => "*",
    };

    /// <summary>A netlink port id as ss prints it: a signed number, * for -1.</summary>
    private static string NetlinkPort(uint portId) =>
        portId == uint.MaxValue ? "*" : ((int)portId).ToString(CultureInfo.InvariantCulture);

    /// <summary>ss -e's shutdown mark: &lt;-&gt; (open), --&gt; (receiving shut), &lt;-- (sending shut), --- (both); empty when unknown.</summary>
    public static string Shutdown(ShutdownState? state) => state switch
    {
        null => string.Empty,
        ShutdownState s => string.Concat(
            (s & ShutdownState.Receive) != 0 ? "-" : "<", "-", (s & ShutdownState.Send) != 0 ? "-" : ">"),
    };

    /// <summary>
    /// ss -e's file identity of a bound Unix socket: ino:N dev:A/B; empty when there is none. ss splits
    /// the kernel's device number (major &lt;&lt; 20 | minor) with glibc's major()/minor(), which expect
    /// the user-space encoding, so A/B is not the real major/minor (254:0 prints as 0/65024); this
    /// reproduces ss's text.
    /// </summary>
    public static string UnixFile(ulong? fileInode, uint? fileDevice)
    {
        if (fileInode is not ulong ino)
        {
            return string.Empty;
        }

        uint dev = fileDevice ?? 0;
        uint major = (dev >> 8) & 0xfff;
        uint minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
        return string.Create(CultureInfo.InvariantCulture, $"ino:{ino} dev:{major}/{minor}");
    }

    /// <summary>ss -e's list of clients waiting on a Unix listener: "peers: 123 456" ("peers:" when none); empty for null.</summary>
    public static string UnixPeers(IEnumerable<ulong>? pendingPeerInodes)
    {
        if (pendingPeerInodes is null)
        {
            return string.Empty;
        }

        var sb = new StringBuilder("peers:");
        foreach (ulong inode in pendingPeerInodes)
        {
            sb.Append(' ').Append(inode.ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>ss -m's memory cell: skmem:(r0,rb212992,t0,tb212992,f0,w0,o0,bl0,d0); d is left out when the kernel has no drops count.</summary>
    public static string Skmem(long rmemAlloc, long rcvBuf, long wmemAlloc, long sndBuf, long fwdAlloc, long wmemQueued,
        long optMem, long backlog, long? drops)
    {
        var sb = new StringBuilder(64);
        sb.Append(CultureInfo.InvariantCulture,
            $"skmem:(r{rmemAlloc},rb{rcvBuf},t{wmemAlloc},tb{sndBuf},f{fwdAlloc},w{wmemQueued},o{optMem},bl{backlog}");
        if (drops is long d)
        {
            sb.Append(CultureInfo.InvariantCulture, $",d{d}");
        }

        return sb.Append(')').ToString();
    }

    /// <summary>
    /// ss -ioe's tcp_info text (with -n's plain bits-per-second rates): "ts sack cubic wscale:7,7
    /// rto:204 rtt:0.05/0.025 ato:40 mss:32768 … minrtt:0.01 snd_wnd:65536", each item printed under
    /// ss's own conditions (non-zero, rto not the initial 3 s, reordering not 3, no sacked on a
    /// listener). Empty for null. BBR, DCTCP and Vegas details are not decoded and not printed.
    /// </summary>
    public static string TcpInfo(TcpDetails? tcp, SocketState state)
    {
        if (tcp is null)
        {
            return string.Empty;
        }

        // The parts in the order ss's tcp_stats_print prints them.
        var items = new TcpItems(new StringBuilder(512));
        TcpOptions(items, tcp);
        TcpTimes(items, tcp);
        TcpSizesAndCwnd(items, tcp);
        TcpCounts(items, tcp);
        TcpSendAndLast(items, tcp);
        TcpRates(items, tcp);
        TcpBusy(items, tcp);
        TcpLoss(items, tcp, state);
        TcpReceive(items, tcp);
        TcpWindowsAndRehash(items, tcp);
        StringBuilder sb = items.Text;
        return sb.Length == 0 ? string.Empty : sb.ToString(1, sb.Length - 1);
    }

    /// <summary>The options: ts sack ecn ecnseen fastopen, the congestion algorithm, wscale:snd,rcv.</summary>
    private static void TcpOptions(TcpItems items, TcpDetails tcp)
    {
        items.Flag(tcp.Timestamps, "ts");
        items.Flag(tcp.Sack, "sack");
        items.Flag(tcp.Ecn, "ecn");
        items.Flag(tcp.EcnSeen, "ecnseen");
        items.Flag(tcp.SynData, "fastopen");
        if (!string.IsNullOrEmpty(tcp.CongestionAlgorithm))
        {
            items.Text.Append(' ').Append(tcp.CongestionAlgorithm);
        }

        if (tcp.WindowScaling)
        {
            items.Text.Append(CultureInfo.InvariantCulture, $" wscale:{tcp.SendWindowScale},{tcp.ReceiveWindowScale}");
        }
    }

    /// <summary>The timers in milliseconds: rto (not the initial 3 s), backoff, rtt:avg/var, ato.</summary>
    private static void TcpTimes(TcpItems items, TcpDetails tcp)
    {
        items.Num("rto", Milliseconds(tcp.Rto), tcp.Rto > TimeSpan.Zero && tcp.Rto != TimeSpan.FromSeconds(3));
        items.Int("backoff", (ulong)tcp.Backoff);
        if (tcp.Rtt > TimeSpan.Zero)
        {
            items.Text.Append(" rtt:").Append(G(Milliseconds(tcp.Rtt))).Append('/').Append(G(Milliseconds(tcp.RttVar)));
        }

        items.Num("ato", Milliseconds(tcp.Ato), tcp.Ato > TimeSpan.Zero);
    }

    /// <summary>Segment sizes and the congestion window: mss pmtu rcvmss advmss cwnd ssthresh (when below 0xFFFF).</summary>
    private static void TcpSizesAndCwnd(TcpItems items, TcpDetails tcp)
    {
        items.Int("mss", Positive(tcp.Mss));
        items.Int("pmtu", Positive(tcp.Pmtu));
        items.Int("rcvmss", Positive(tcp.RcvMss));
        items.Int("advmss", Positive(tcp.AdvMss));
        items.Int("cwnd", Positive(tcp.Cwnd));
        items.Int("ssthresh", tcp.SsThresh < 0xFFFF ? Positive(tcp.SsThresh) : 0);
    }

    /// <summary>Byte and segment counters: bytes_sent … bytes_received, segs_out … data_segs_in.</summary>
    private static void TcpCounts(TcpItems items, TcpDetails tcp)
    {
        items.Int("bytes_sent", tcp.BytesSent);
        items.Int("bytes_retrans", tcp.BytesRetrans);
        items.Int("bytes_acked", tcp.BytesAcked);
        items.Int("bytes_received", tcp.BytesReceived);
        items.Int("segs_out", Positive(tcp.SegsOut));
        items.Int("segs_in", Positive(tcp.SegsIn));
        items.Int("data_segs_out", Positive(tcp.DataSegsOut));
        items.Int("data_segs_in", Positive(tcp.DataSegsIn));
    }

    /// <summary>The send rate ss computes (cwnd × mss × 8 / rtt), then lastsnd lastrcv lastack.</summary>
    private static void TcpSendAndLast(TcpItems items, TcpDetails tcp)
    {
        if (tcp.Rtt > TimeSpan.Zero && tcp.Mss > 0 && tcp.Cwnd > 0)
        {
            double rttUs = tcp.Rtt.Ticks / 10.0;
            items.Text.Append(" send ").Append(Bps(tcp.Cwnd * (double)tcp.Mss * 8_000_000.0 / rttUs));
        }

        items.Int("lastsnd", (ulong)tcp.LastDataSent.TotalMilliseconds);
        items.Int("lastrcv", (ulong)tcp.LastDataReceived.TotalMilliseconds);
        items.Int("lastack", (ulong)tcp.LastAckReceived.TotalMilliseconds);
    }

    /// <summary>pacing_rate[/max], delivery_rate, delivered, delivered_ce, app_limited.</summary>
    private static void TcpRates(TcpItems items, TcpDetails tcp)
    {
        if (tcp.PacingRate is ulong pacing && pacing != 0 && pacing != ulong.MaxValue)
        {
            items.Text.Append(" pacing_rate ").Append(Bps(pacing * 8.0));
            if (tcp.MaxPacingRate is ulong max && max != 0 && max != ulong.MaxValue)
            {
                items.Text.Append('/').Append(Bps(max * 8.0));
            }
        }

        if (tcp.DeliveryRate is ulong delivery && delivery != 0)
        {
            items.Text.Append(" delivery_rate ").Append(Bps(delivery * 8.0));
        }

        items.Int("delivered", Positive(tcp.Delivered));
        items.Int("delivered_ce", Positive(tcp.DeliveredCe));
        items.Flag(tcp.DeliveryRateAppLimited, "app_limited");
    }

    /// <summary>busy:Nms and the parts of it limited by the receive window and the send buffer, with their share.</summary>
    private static void TcpBusy(TcpItems items, TcpDetails tcp)
    {
        if (tcp.BusyTime is not TimeSpan busy || busy <= TimeSpan.Zero)
        {
            return;
        }

        long busyUs = busy.Ticks / 10;
        items.Text.Append(CultureInfo.InvariantCulture, $" busy:{busyUs / 1000}ms");
        foreach (var (name, limited) in new[] { ("rwnd_limited", tcp.RwndLimited), ("sndbuf_limited", tcp.SndbufLimited) })
        {
            if (limited is TimeSpan l && l > TimeSpan.Zero)
            {
                long us = l.Ticks / 10;
                items.Text.Append(CultureInfo.InvariantCulture, $" {name}:{us / 1000}ms({100.0 * us / busyUs:F1}%)");
            }
        }
    }

    /// <summary>Loss and reordering: unacked retrans:cur/total lost sacked (not on a listener) dsack_dups fackets reordering (when not 3) reord_seen.</summary>
    private static void TcpLoss(TcpItems items, TcpDetails tcp, SocketState state)
    {
        items.Int("unacked", Positive(tcp.Unacked));
        if (tcp.Retrans > 0 || tcp.TotalRetrans > 0)
        {
            items.Text.Append(CultureInfo.InvariantCulture, $" retrans:{tcp.Retrans}/{tcp.TotalRetrans}");
        }

        items.Int("lost", Positive(tcp.Lost));
        items.Int("sacked", state == SocketState.Listen ? 0 : Positive(tcp.Sacked));
        items.Int("dsack_dups", Positive(tcp.DsackDups));
        items.Int("fackets", Positive(tcp.Fackets));
        if (tcp.Reordering != 3)
        {
            items.Text.Append(CultureInfo.InvariantCulture, $" reordering:{tcp.Reordering}");
        }

        items.Int("reord_seen", Positive(tcp.ReorderSeen));
    }

    /// <summary>The receiver: rcv_rtt rcv_space rcv_ssthresh, then notsent and minrtt.</summary>
    private static void TcpReceive(TcpItems items, TcpDetails tcp)
    {
        items.Num("rcv_rtt", Milliseconds(tcp.RcvRtt), tcp.RcvRtt > TimeSpan.Zero);
        items.Int("rcv_space", Positive(tcp.RcvSpace));
        items.Int("rcv_ssthresh", Positive(tcp.RcvSsThresh));
        items.Int("notsent", Positive(tcp.NotSentBytes));
        if (tcp.MinRtt is TimeSpan minRtt && minRtt > TimeSpan.Zero && minRtt.Ticks != uint.MaxValue * 10L)
        {
            items.Text.Append(" minrtt:").Append(G(Milliseconds(minRtt)));
        }
    }

    /// <summary>The items newer iproute2 appends last: rcv_ooopack snd_wnd rcv_wnd rehash.</summary>
    private static void TcpWindowsAndRehash(TcpItems items, TcpDetails tcp)
    {
        items.Int("rcv_ooopack", Positive(tcp.RcvOooPack));
        items.Int("snd_wnd", Positive(tcp.SndWnd));
        items.Int("rcv_wnd", Positive(tcp.RcvWnd));
        items.Int("rehash", Positive(tcp.Rehash));
    }

    private static double Milliseconds(TimeSpan t) => t.Ticks / (double)TimeSpan.TicksPerMillisecond;

    /// <summary>A kernel counter as ss tests it: 0 (not printed) when missing or not positive.</summary>
    private static ulong Positive(long? v) => v is long x && x > 0 ? (ulong)x : 0;

    /// <summary>ss -i's " name" and " name:value" items, each appended only under ss's condition.</summary>
    private readonly struct TcpItems(StringBuilder text)
    {
        /// <summary>The text so far; each item starts with a space.</summary>
        public StringBuilder Text { get; } = text;

        /// <summary>" name" when <paramref name="on"/>.</summary>
        public void Flag(bool on, string name)
        {
            if (on)
            {
                Text.Append(' ').Append(name);
            }
        }

        /// <summary>" name:value" in C's %g when <paramref name="when"/>.</summary>
        public void Num(string name, double value, bool when)
        {
            if (when)
            {
                Text.Append(' ').Append(name).Append(':').Append(G(value));
            }
        }

        /// <summary>" name:value" when the value is there and not zero.</summary>
        public void Int(string name, ulong? value)
        {
            if (value is ulong v && v != 0)
            {
                Text.Append(' ').Append(name).Append(':').Append(v.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>C's %g: six significant digits, no trailing zeros.</summary>
    private static string G(double value) => value.ToString("G6", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);

    /// <summary>A rate as ss -n prints it: whole bits per second, then bps.</summary>
    private static string Bps(double bitsPerSecond) => bitsPerSecond.ToString("F0", CultureInfo.InvariantCulture) + "bps";

    /// <summary>ss -m's memory cell for a <see cref="SocketMemory"/>; empty for null.</summary>
    public static string Skmem(SocketMemory? memory) => memory is null ? string.Empty
        : Skmem(memory.RmemAlloc, memory.RcvBuf, memory.WmemAlloc, memory.SndBuf, memory.FwdAlloc, memory.WmemQueued,
            memory.OptMem, memory.Backlog, memory.Drops);

    /// <summary>
    /// ss's expiry text for a timer, as modern iproute2's print_ms_timer makes it: 9min55sec, 12min,
    /// 55sec, 9.501sec, 1.016sec, 476ms, 045ms, and nothing for zero (ss prints timer:(on,,0)).
    /// iproute2 6.1 prints 9.501ms for 9.501 s, which is wrong; this does not copy that.
    /// </summary>
    public static string Expiry(TimeSpan remaining)
    {
        long total = (long)Math.Max(0, Math.Min(remaining.TotalMilliseconds, uint.MaxValue));
        long secs = total / 1000;
        long minutes = secs / 60;
        secs %= 60;
        long msecs = total % 1000;
        var sb = new StringBuilder(16);
        if (minutes > 0)
        {
            msecs = 0;
            sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append("min");
            if (minutes > 9)
            {
                secs = 0;
            }
        }

        if (secs > 0)
        {
            if (secs > 9)
            {
                msecs = 0;
            }

            sb.Append(secs.ToString(CultureInfo.InvariantCulture)).Append(msecs > 0 ? "." : "sec");
        }

        if (msecs > 0)
        {
            sb.Append(msecs.ToString("000", CultureInfo.InvariantCulture)).Append(secs > 0 ? "sec" : "ms");
        }

        return sb.ToString();
    }

    /// <summary>ss's timer name: off, on, keepalive, timewait, persist.</summary>
    public static string TimerName(TimerKind kind) => kind switch
    {
        TimerKind.Off => "off",
        TimerKind.On => "on",
        TimerKind.Keepalive => "keepalive",
        TimerKind.TimeWait => "timewait",
        TimerKind.Persist => "persist",
        _ => "unknown",
    };

    /// <summary>ss -o's timer cell, timer:(timewait,59sec,0); empty when no timer is pending.</summary>
    public static string Timer(TimerKind kind, TimeSpan remaining, int retransmits) =>
        kind == TimerKind.Off ? string.Empty
            : $"timer:({TimerName(kind)},{Expiry(remaining)},{retransmits.ToString(CultureInfo.InvariantCulture)})";

    /// <summary>One owner as ss -p prints it: ("sshd",pid=1039,fd=3).</summary>
    public static string Owner(string processName, int processId, int fd) =>
        string.Create(CultureInfo.InvariantCulture, $"(\"{processName}\",pid={processId},fd={fd})");

    /// <summary>ss -p's process cell: users:(("sshd",pid=1039,fd=3),…); empty with no owners.</summary>
    public static string Users(IEnumerable<SocketOwner>? owners)
    {
        if (owners is null)
        {
            return string.Empty;
        }

        var parts = owners.Select(o => Owner(o.Command, o.Id, o.Fd)).ToList();
        return parts.Count == 0 ? string.Empty : "users:(" + string.Join(",", parts) + ")";
    }

    /// <summary>
    /// The container view's cell: each distinct container of a socket's owners as RUNTIME:ID (the id
    /// cut to 12 characters, as docker ps prints it), then pod:UID when Kubernetes runs it; "-" when
    /// no owner runs in a container, empty when the socket has no owner (or owners were not read). The owners' values come as
    /// parallel arrays of plain text (null where unknown), so views of deserialized objects can pass them.
    /// </summary>
    public static string Container(string?[]? runtimes, string?[]? ids, string?[]? pods)
    {
        var cells = new List<string>();
        for (int i = 0; i < (ids?.Length ?? 0); i++)
        {
            string? id = ids![i];
            if (string.IsNullOrEmpty(id))
            {
                continue;
            }

            string runtime = runtimes is not null && i < runtimes.Length && !string.IsNullOrEmpty(runtimes[i]) ? runtimes[i]! : "container";
            string pod = pods is not null && i < pods.Length && !string.IsNullOrEmpty(pods[i]) ? " pod:" + pods[i] : string.Empty;
            string cell = runtime + ":" + (id.Length > 12 ? id[..12] : id) + pod;
            if (!cells.Contains(cell))
            {
                cells.Add(cell);
            }
        }

        // No owner at all (none, or none looked up): nothing to say; owners, none in a container: "-".
        return cells.Count > 0 ? string.Join(",", cells) : ids is { Length: > 0 } ? "-" : string.Empty;
    }

    /// <summary>
    /// ss -p's process cell from parallel arrays of plain values, for format views: deserialized
    /// objects from remoting carry Owners as property bags, whose Command, Id and Fd
    /// member-enumerate into arrays (<c>$_.Owners.Command</c>). Missing entries print as 0 or "".
    /// </summary>
    public static string Users(string[]? processNames, int[]? processIds, int[]? fds)
    {
        int count = Math.Max(processNames?.Length ?? 0, Math.Max(processIds?.Length ?? 0, fds?.Length ?? 0));
        if (count == 0)
        {
            return string.Empty;
        }

        var sb = new StringBuilder("users:(", 32 * count);
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            string name = processNames is not null && i < processNames.Length ? processNames[i] ?? string.Empty : string.Empty;
            int pid = processIds is not null && i < processIds.Length ? processIds[i] : 0;
            int fd = fds is not null && i < fds.Length ? fds[i] : 0;
            sb.Append(Owner(name, pid, fd));
        }

        return sb.Append(')').ToString();
    }

    /// <summary>
    /// ss -e's details, in ss's order: <c>uid:1000 ino:19757 sk:1a fwmark:0x1 cgroup:/system.slice v6only:0 &lt;-&gt;</c>.
    /// uid is left out when 0 and fwmark when 0 or unknown, as ss does; cgroup and v6only and the
    /// shutdown mark only when the kernel reported them (v6only: IPv6 listeners and unbound sockets).
    /// A cgroup id without <paramref name="cgroupPath"/> prints as ss prints an id it cannot map:
    /// <c>cgroup:unreachable:1f</c>.
    /// </summary>
    public static string Extended(uint uid, ulong inode, ulong cookie, uint? mark, ulong? cgroupId, string? cgroupPath,
        bool? v6Only, ShutdownState? shutdown)
    {
        var sb = new StringBuilder(64);
        if (uid != 0)
        {
            sb.Append("uid:").Append(uid.ToString(CultureInfo.InvariantCulture)).Append(' ');
        }

        sb.Append("ino:").Append(inode.ToString(CultureInfo.InvariantCulture));
        sb.Append(" sk:").Append(cookie.ToString("x", CultureInfo.InvariantCulture));
        if (mark is uint m && m != 0)
        {
            sb.Append(" fwmark:0x").Append(m.ToString("x", CultureInfo.InvariantCulture));
        }

        if (cgroupId is ulong id && id != 0)
        {
            sb.Append(" cgroup:");
            if (string.IsNullOrEmpty(cgroupPath))
            {
                sb.Append("unreachable:").Append(id.ToString("x", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(cgroupPath);
            }
        }

        if (v6Only is bool only)
        {
            sb.Append(" v6only:").Append(only ? '1' : '0');
        }

        if (shutdown is ShutdownState state)
        {
            sb.Append(' ').Append(Shutdown(state));
        }

        return sb.ToString();
    }

    /// <summary>ss -e's details for <paramref name="socket"/> (see the overload for the rules).</summary>
    public static string Extended(SocketInfo socket) =>
        Extended(socket.Uid, socket.Inode, socket.Cookie, socket.Mark, socket.CgroupId, null, socket.V6Only, socket.Shutdown);

    /// <summary>An ss -tan style line (Netid State Recv-Q Send-Q Local Peer), for ToString and logs.</summary>
    public static string Line(SocketInfo socket) => string.Create(CultureInfo.InvariantCulture,
        $"{Netid(socket.Protocol, socket.Type)} {State(socket.State)} {socket.RecvQ} {socket.SendQ} {Local(socket)} {Peer(socket)}");
}
