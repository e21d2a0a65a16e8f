using System.Buffers.Binary;

namespace SocketTools.Linux;

/// <summary>
/// inet_diag (include/uapi/linux/inet_diag.h): building inet_diag_req_v2 requests and decoding
/// inet_diag_msg replies with their attributes.
/// </summary>
internal static class InetDiag
{
    internal const byte IPPROTO_TCP = 6;
    internal const byte IPPROTO_UDP = 17;
    internal const byte IPPROTO_RAW = 255;

    /// <summary>sizeof(struct inet_diag_req_v2).</summary>
    internal const int RequestLength = 56;

    /// <summary>sizeof(struct inet_diag_msg).</summary>
    internal const int MessageLength = 72;

    // enum { INET_DIAG_REQ_NONE, INET_DIAG_REQ_BYTECODE, ... }
    internal const ushort INET_DIAG_REQ_BYTECODE = 1;

    // enum { INET_DIAG_NONE, INET_DIAG_MEMINFO, INET_DIAG_INFO, ... }
    internal const ushort INET_DIAG_MEMINFO = 1;
    internal const ushort INET_DIAG_INFO = 2;
    internal const ushort INET_DIAG_VEGASINFO = 3;
    internal const ushort INET_DIAG_CONG = 4;
    internal const ushort INET_DIAG_TOS = 5;
    internal const ushort INET_DIAG_TCLASS = 6;
    internal const ushort INET_DIAG_SKMEMINFO = 7;
    internal const ushort INET_DIAG_SHUTDOWN = 8;
    internal const ushort INET_DIAG_DCTCPINFO = 9;
    internal const ushort INET_DIAG_PROTOCOL = 10;
    internal const ushort INET_DIAG_SKV6ONLY = 11;
    internal const ushort INET_DIAG_MARK = 15;
    internal const ushort INET_DIAG_BBRINFO = 16;
    internal const ushort INET_DIAG_CLASS_ID = 17;
    internal const ushort INET_DIAG_CGROUP_ID = 21;

    /// <summary>The idiag_ext bit that asks for attribute <paramref name="attribute"/>.</summary>
    internal static byte ExtBit(ushort attribute) => (byte)(1 << (attribute - 1));

    /// <summary>
    /// Writes a complete SOCK_DIAG_BY_FAMILY dump request (netlink header, inet_diag_req_v2, and the
    /// bytecode attribute when given) into <paramref name="destination"/>; returns its length.
    /// </summary>
    internal static int BuildRequest(Span<byte> destination, byte family, byte protocol, byte ext, uint states,
        ReadOnlySpan<byte> bytecode, byte rawProtocol = 0)
    {
        int length = NetlinkSocket.HeaderLength + RequestLength;
        int attrLength = bytecode.IsEmpty ? 0 : 4 + bytecode.Length;
        int total = length + NetlinkSocket.Align4(attrLength);
        var req = NetlinkSocket.StartDumpRequest(destination, total);
        req[0] = family;
        req[1] = protocol;
        req[2] = ext;
        req[3] = rawProtocol;   // the pad byte: sdiag_raw_protocol for raw_diag
        BinaryPrimitives.WriteUInt32LittleEndian(req[4..], states);
        if (attrLength > 0)
        {
            var attr = destination[length..];
            BinaryPrimitives.WriteUInt16LittleEndian(attr, (ushort)attrLength);
            BinaryPrimitives.WriteUInt16LittleEndian(attr[2..], INET_DIAG_REQ_BYTECODE);
            bytecode.CopyTo(attr[4..]);
        }

        return total;
    }

    /// <summary>The socket type of an inet protocol: TCP stream, UDP datagram, raw.</summary>
    internal static SocketKind TypeOf(SocketProtocol protocol) => protocol switch
    {
        SocketProtocol.Tcp => SocketKind.Stream,
        SocketProtocol.Udp => SocketKind.Datagram,
        _ => SocketKind.Raw,
    };

    /// <summary>The state users see: the kernel's request sockets (NEW_SYN_RECV) are SYN-RECV, as ss shows them.</summary>
    internal static SocketState UserState(SocketState state) =>
        state == SocketState.NewSynReceived ? SocketState.SynReceived : state;

    /// <summary>Decodes one inet_diag_msg with its attributes.</summary>
    /// <param name="msg">The message payload.</param>
    /// <param name="protocol">The protocol the dump asked for.</param>
    /// <param name="names">Interface names (null: none).</param>
    /// <param name="addresses">Address texts shared by the sockets of one enumeration (null: formatted every time).</param>
    internal static SocketInfo Parse(ReadOnlySpan<byte> msg, SocketProtocol protocol, InterfaceNames? names, AddressText? addresses = null)
    {
        if (msg.Length < MessageLength)
        {
            throw new NetlinkException($"inet_diag_msg is {msg.Length} bytes; at least {MessageLength} expected.");
        }

        byte family = msg[0];
        if (family != Native.Libc.AF_INET && family != Native.Libc.AF_INET6)
        {
            throw new NetlinkException($"inet_diag_msg has address family {family}; AF_INET or AF_INET6 expected.");
        }

        bool v6 = family == Native.Libc.AF_INET6;
        var state = (SocketState)msg[1];
        byte timer = msg[2];
        int localPort = BinaryPrimitives.ReadUInt16BigEndian(msg[4..]);
        int remotePort = BinaryPrimitives.ReadUInt16BigEndian(msg[6..]);
        var local = AddressText.Of(msg.Slice(8, 16), v6, addresses);
        var remote = AddressText.Of(msg.Slice(24, 16), v6, addresses);
        int ifindex = (int)BinaryPrimitives.ReadUInt32LittleEndian(msg[40..]);
        ulong cookie = BinaryPrimitives.ReadUInt32LittleEndian(msg[44..])
            | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(msg[48..]) << 32);
        uint expires = BinaryPrimitives.ReadUInt32LittleEndian(msg[52..]);
        uint rqueue = BinaryPrimitives.ReadUInt32LittleEndian(msg[56..]);
        uint wqueue = BinaryPrimitives.ReadUInt32LittleEndian(msg[60..]);
        uint uid = BinaryPrimitives.ReadUInt32LittleEndian(msg[64..]);
        uint inode = BinaryPrimitives.ReadUInt32LittleEndian(msg[68..]);

        bool? v6only = null;
        ShutdownState? shutdown = null;
        uint? mark = null;
        ulong? cgroup = null;
        string? congestion = null;

        ReadOnlySpan<byte> info = default;
        SocketMemory? memory = null;
        var attrs = new NetlinkAttributes(msg[MessageLength..], "inet_diag");
        while (attrs.Next(out ushort type, out var payload))
        {
            switch (type)
            {
                case INET_DIAG_SKV6ONLY when payload.Length >= 1:
                    v6only = payload[0] != 0;
                    break;
                case INET_DIAG_SHUTDOWN when payload.Length >= 1:
                    shutdown = (ShutdownState)(payload[0] & 3);
                    break;
                case INET_DIAG_MARK when payload.Length >= 4:
                    mark = BinaryPrimitives.ReadUInt32LittleEndian(payload);
                    break;
                case INET_DIAG_CGROUP_ID when payload.Length >= 8:
                    cgroup = BinaryPrimitives.ReadUInt64LittleEndian(payload);
                    break;
                case INET_DIAG_CONG:
                    congestion = NetlinkAttributes.CString(payload);
                    break;
                case INET_DIAG_INFO when protocol == SocketProtocol.Tcp:
                    info = payload;
                    break;
                case INET_DIAG_SKMEMINFO:
                    memory = SkMemInfo.Decode(payload);
                    break;
            }
        }

        var kind = timer <= 4 ? (TimerKind)timer : TimerKind.On;
        bool tcp = protocol == SocketProtocol.Tcp;
        return new SocketInfo
        {
            Protocol = protocol,
            Family = v6 ? SocketFamily.IPv6 : SocketFamily.IPv4,
            Type = TypeOf(protocol),
            State = UserState(state),
            LocalAddress = local,
            LocalPort = localPort,
            RemoteAddress = remote,
            RemotePort = remotePort,
            RecvQ = rqueue,
            SendQ = wqueue,
            InterfaceIndex = ifindex,
            Interface = names?.NameOf(ifindex),
            TimerKind = tcp ? kind : TimerKind.Off,
            Timer = tcp && kind != TimerKind.Off ? TimeSpan.FromMilliseconds(expires) : TimeSpan.Zero,
            Retransmits = tcp && kind != TimerKind.Off ? msg[3] : 0,
            Uid = uid,
            Inode = inode,
            Cookie = cookie,
            CgroupId = cgroup,
            V6Only = v6 ? v6only : null,
            Shutdown = shutdown,
            Mark = mark,
            Tcp = info.IsEmpty && congestion is null ? null : TcpInfo.Decode(info, congestion),
            Memory = memory,
        };
    }
}
