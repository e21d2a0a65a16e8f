using System.Buffers.Binary;
using System.Globalization;
using System.Net;

namespace SocketTools.Linux;

/// <summary>
/// Parsers for the text tables under /proc/net (tcp, tcp6, udp, udp6, raw, raw6, unix, packet). Each
/// parser turns one line into a <see cref="SocketInfo"/> filled the way the netlink decoders fill it,
/// or returns null for a line it cannot read (the caller counts it as skipped).
/// </summary>
/// <remarks>
/// What /proc/net does not carry stays at its default: Cookie 0, V6Only null, Interface null and
/// InterfaceIndex 0 for IP sockets, Shutdown, Mark and CgroupId null, a TCP listener's SendQ (its
/// backlog: /proc prints write_seq - snd_una, which is 0) and every Unix socket's queues, uid and peer.
/// </remarks>
internal static class ProcNet
{
    /// <summary>USER_HZ: /proc/net/tcp prints timers in clock ticks of 1/100 s on every Linux architecture.</summary>
    internal const int ClockTicksPerSecond = 100;

    /// <summary>The largest tm-&gt;when taken as a timer (3000 years in clock ticks); more is a malformed line, not a TimeSpan overflow.</summary>
    internal const ulong MaxTimerTicks = 10_000_000_000_000UL;

    /// <summary>__SO_ACCEPTCON in /proc/net/unix's Flags column: the socket is listening.</summary>
    internal const uint SO_ACCEPTCON = 0x10000;

    // include/uapi/linux/net.h socket_state, printed in /proc/net/unix's St column.
    private const int SS_CONNECTING = 2;
    private const int SS_CONNECTED = 3;

    /// <summary>
    /// One line of /proc/net/tcp, tcp6, udp, udp6, raw or raw6:
    /// <c>sl local rem st tx_queue:rx_queue tr:tm-&gt;when retrnsmt uid timeout inode …</c>.
    /// </summary>
    internal static SocketInfo? ParseInet(ReadOnlySpan<char> line, SocketProtocol protocol, bool v6)
    {
        if (!Next(ref line, out var slot) || slot.Length < 2 || slot[^1] != ':'
            || !Next(ref line, out var local) || !Next(ref line, out var remote)
            || !Next(ref line, out var st) || !Next(ref line, out var queues)
            || !Next(ref line, out var timer) || !Next(ref line, out var retrnsmt)
            || !Next(ref line, out var uid) || !Next(ref line, out var timeout)
            || !Next(ref line, out var inode))
        {
            return null;
        }

        if (!Endpoint(local, v6, out var localAddress, out int localPort)
            || !Endpoint(remote, v6, out var remoteAddress, out int remotePort)
            || !Hex(st, out uint state) || state > 255
            || !HexPair(queues, out ulong txQueue, out ulong rxQueue)
            || !HexPair(timer, out ulong tr, out ulong when) || when > MaxTimerTicks
            || !Hex(retrnsmt, out uint retransmits)
            || !uint.TryParse(uid, NumberStyles.None, CultureInfo.InvariantCulture, out uint owner)
            || !int.TryParse(timeout, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int probes)
            || !ulong.TryParse(inode, NumberStyles.None, CultureInfo.InvariantCulture, out ulong ino))
        {
            return null;
        }

        bool tcp = protocol == SocketProtocol.Tcp;
        var kind = !tcp ? TimerKind.Off : tr <= 4 ? (TimerKind)tr : TimerKind.On;
        var socketState = (SocketState)state;
        return new SocketInfo
        {
            Protocol = protocol,
            Family = v6 ? SocketFamily.IPv6 : SocketFamily.IPv4,
            Type = InetDiag.TypeOf(protocol),
            State = InetDiag.UserState(socketState),
            LocalAddress = localAddress?.ToString(),
            LocalPort = localPort,
            RemoteAddress = remoteAddress?.ToString(),
            RemotePort = remotePort,
            // TCP: rx = rcv_nxt - copied_seq (a listener's accept queue), tx = write_seq - snd_una
            // (0 for a listener, whose backlog /proc does not print). UDP/RAW: rmem and wmem, as inet_diag.
            RecvQ = (long)rxQueue,
            SendQ = (long)txQueue,
            TimerKind = kind,
            Timer = kind == TimerKind.Off ? TimeSpan.Zero
                : TimeSpan.FromMilliseconds((double)when * 1000 / ClockTicksPerSecond),
            // inet_diag reports icsk_retransmits for the retransmit timer and icsk_probes_out (the
            // "timeout" column here) for the keepalive and zero-window probe timers.
            Retransmits = kind switch
            {
                TimerKind.On => (int)retransmits,
                TimerKind.Keepalive or TimerKind.Persist => probes,
                _ => 0,
            },
            // A request socket (SYN-RECV, inode 0) shows its listener's uid here; inet_diag reports 0.
            Uid = socketState == SocketState.SynReceived && ino == 0 ? 0 : owner,
            Inode = ino,
        };
    }

    /// <summary>
    /// One line of /proc/net/unix: <c>Num RefCount Protocol Flags Type St Inode [Path]</c>. Returns
    /// null for a malformed line; <paramref name="embryo"/> is set for a connection not yet accepted
    /// (inode 0), which unix_diag does not report either.
    /// </summary>
    internal static SocketInfo? ParseUnix(ReadOnlySpan<char> line, out bool embryo)
    {
        embryo = false;
        if (!Next(ref line, out var num) || num.Length < 2 || num[^1] != ':'
            || !Next(ref line, out _) || !Next(ref line, out _)
            || !Next(ref line, out var flags) || !Next(ref line, out var type)
            || !Next(ref line, out var st) || !Next(ref line, out var inode))
        {
            return null;
        }

        if (!ulong.TryParse(num[..^1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong address)
            || !Hex(flags, out uint flagBits) || !Hex(type, out uint sockType) || !Hex(st, out uint socketState)
            || !ulong.TryParse(inode, NumberStyles.None, CultureInfo.InvariantCulture, out ulong ino))
        {
            return null;
        }

        // The path is the rest of the line after one space; it may itself contain spaces.
        string? path = null;
        if (line.Length > 0)
        {
            if (line[0] != ' ')
            {
                return null;
            }

            path = line[1..].TrimEnd('\n').ToString();
            if (path.Length == 0)
            {
                path = null;
            }
        }

        embryo = ino == 0;
        // unix_diag reports sk_state: TCP_LISTEN for listeners, TCP_ESTABLISHED for connected
        // sockets (SS_CONNECTED; SS_CONNECTING is an embryo in a listener's queue), TCP_CLOSE otherwise.
        var state = (flagBits & SO_ACCEPTCON) != 0 ? SocketState.Listen
            : socketState is SS_CONNECTED or SS_CONNECTING ? SocketState.Established
            : SocketState.Closed;
        return new SocketInfo
        {
            Protocol = SocketProtocol.Unix,
            Family = SocketFamily.Unix,
            Type = Kind(sockType),
            State = state,
            Path = path,
            Inode = ino,
            KernelAddress = address,
        };
    }

    /// <summary>One line of /proc/net/packet: <c>sk RefCnt Type Proto Iface R Rmem User Inode</c>.</summary>
    internal static SocketInfo? ParsePacket(ReadOnlySpan<char> line, InterfaceNames? names)
    {
        if (!Next(ref line, out _) || !Next(ref line, out _)
            || !Next(ref line, out var type) || !Next(ref line, out var proto)
            || !Next(ref line, out var iface) || !Next(ref line, out _)
            || !Next(ref line, out var rmem) || !Next(ref line, out var user)
            || !Next(ref line, out var inode))
        {
            return null;
        }

        if (!uint.TryParse(type, NumberStyles.None, CultureInfo.InvariantCulture, out uint sockType)
            || !Hex(proto, out uint etherType) || etherType > 0xffff
            || !int.TryParse(iface, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int ifindex)
            || !ulong.TryParse(rmem, NumberStyles.None, CultureInfo.InvariantCulture, out ulong rmemAlloc)
            || !uint.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out uint uid)
            || !ulong.TryParse(inode, NumberStyles.None, CultureInfo.InvariantCulture, out ulong ino))
        {
            return null;
        }

        return new SocketInfo
        {
            Protocol = SocketProtocol.Packet,
            Family = SocketFamily.Packet,
            Type = Kind(sockType),
            // ss prints packet sockets as UNCONN, with Recv-Q = sk_rmem_alloc (PACKET_DIAG_MEMINFO).
            State = SocketState.Closed,
            RecvQ = (long)rmemAlloc,
            EtherType = (int)etherType,
            InterfaceIndex = ifindex,
            Interface = names?.NameOf(ifindex),
            Uid = uid,
            Inode = ino,
        };
    }

    private static SocketKind Kind(uint type) => type switch
    {
        1 => SocketKind.Stream,
        2 => SocketKind.Datagram,
        3 => SocketKind.Raw,
        5 => SocketKind.SeqPacket,
        _ => SocketKind.Unknown,
    };

    /// <summary>ADDR:PORT in hex; an IPv6 address is four 32-bit words, each printed in host order.</summary>
    internal static bool Endpoint(ReadOnlySpan<char> text, bool v6, out IPAddress? address, out int port)
    {
        address = null;
        port = 0;
        int colon = text.IndexOf(':');
        int width = v6 ? 32 : 8;
        if (colon != width || !Hex(text[(colon + 1)..], out uint p) || p > 0xffff)
        {
            return false;
        }

        port = (int)p;
        Span<byte> bytes = stackalloc byte[16];
        for (int word = 0; word < width / 8; word++)
        {
            if (!uint.TryParse(text.Slice(word * 8, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint value))
            {
                return false;
            }

            BinaryPrimitives.WriteUInt32LittleEndian(bytes[(word * 4)..], value);
        }

        if (!v6)
        {
            uint raw = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
            address = raw == 0 ? IPAddress.Any : new IPAddress(raw);
        }
        else
        {
            address = bytes.IndexOfAnyExcept((byte)0) < 0 ? IPAddress.IPv6Any : new IPAddress(bytes);
        }

        return true;
    }

    private static bool Hex(ReadOnlySpan<char> text, out uint value) =>
        uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);

    private static bool HexPair(ReadOnlySpan<char> text, out ulong first, out ulong second)
    {
        second = 0;
        int colon = text.IndexOf(':');
        if (colon <= 0)
        {
            first = 0;
            return false;
        }

        return ulong.TryParse(text[..colon], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out first)
            && ulong.TryParse(text[(colon + 1)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out second);
    }

    /// <summary>The next space-separated token; <paramref name="rest"/> keeps what follows it (with its leading space).</summary>
    internal static bool Next(ref ReadOnlySpan<char> rest, out ReadOnlySpan<char> token)
    {
        int start = 0;
        while (start < rest.Length && rest[start] == ' ')
        {
            start++;
        }

        int end = start;
        while (end < rest.Length && rest[end] != ' ' && rest[end] != '\n')
        {
            end++;
        }

        token = rest[start..end];
        rest = rest[end..];
        return token.Length > 0;
    }
}
