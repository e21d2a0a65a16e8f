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

        var parts = owners.Select(o => Owner(o.ProcessName, o.ProcessId, o.Fd)).ToList();
        return parts.Count == 0 ? string.Empty : "users:(" + string.Join(",", parts) + ")";
    }

    /// <summary>An ss -tan style line (Netid State Recv-Q Send-Q Local Peer), for ToString and logs.</summary>
    public static string Line(SocketInfo socket) => string.Create(CultureInfo.InvariantCulture,
        $"{Netid(socket.Protocol, socket.Type)} {State(socket.State)} {socket.RecvQ} {socket.SendQ} {Local(socket)} {Peer(socket)}");
}
