using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SocketTools.Native;

namespace SocketTools.Linux;

/// <summary>
/// inet_diag (include/uapi/linux/inet_diag.h): building inet_diag_req_v2 requests and decoding
/// inet_diag_msg replies with their attributes.
/// </summary>
internal static unsafe class InetDiag
{
    internal const byte IPPROTO_TCP = 6;
    internal const byte IPPROTO_UDP = 17;
    internal const byte IPPROTO_RAW = 255;

    /// <summary>sizeof(struct inet_diag_req_v2).</summary>
    internal static int RequestLength => sizeof(InetDiagReqV2);

    /// <summary>sizeof(struct inet_diag_msg).</summary>
    internal static int MessageLength => sizeof(InetDiagMsg);

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
        int attrLength = bytecode.IsEmpty ? 0 : sizeof(NlAttr) + bytecode.Length;
        int total = length + NetlinkSocket.Align4(attrLength);
        var body = NetlinkSocket.StartDumpRequest(destination, total);
        var req = new InetDiagReqV2
        {
            sdiag_family = family,
            sdiag_protocol = protocol,
            idiag_ext = ext,
            sdiag_raw_protocol = rawProtocol,
            idiag_states = states,
        };
        MemoryMarshal.Write(body, in req);
        WriteBytecode(body[RequestLength..], bytecode);
        return total;
    }

    /// <summary>The length of struct inet_diag_req, the TCPDIAG_GETSOCK request body: family, two prefix lengths, ext, the 48-byte sockid, states, dbs.</summary>
    internal const int CompatRequestLength = 60;

    /// <summary>
    /// Writes a TCPDIAG_GETSOCK dump request for TCP sockets of both families (AF_UNSPEC: one walk of
    /// the kernel's TCP hash instead of one per family), with the same extensions, states and bytecode
    /// as <see cref="BuildRequest"/>; returns its length. The replies are inet_diag_msg, as for SOCK_DIAG_BY_FAMILY.
    /// </summary>
    internal static int BuildTcpBothFamiliesRequest(Span<byte> destination, byte ext, uint states, ReadOnlySpan<byte> bytecode)
    {
        int length = NetlinkSocket.HeaderLength + CompatRequestLength;
        int attrLength = bytecode.IsEmpty ? 0 : sizeof(NlAttr) + bytecode.Length;
        int total = length + NetlinkSocket.Align4(attrLength);
        var body = NetlinkSocket.StartDumpRequest(destination, total, NetlinkSocket.TCPDIAG_GETSOCK);
        body[0] = 0;     // idiag_family: AF_UNSPEC
        body[3] = ext;   // idiag_ext
        BinaryPrimitives.WriteUInt32LittleEndian(body[52..], states);   // idiag_states, after the sockid; idiag_dbs stays 0
        WriteBytecode(body[CompatRequestLength..], bytecode);
        return total;
    }

    /// <summary>Writes <paramref name="bytecode"/>, when there is any, as the INET_DIAG_REQ_BYTECODE attribute at the start of <paramref name="attr"/>.</summary>
    private static void WriteBytecode(Span<byte> attr, ReadOnlySpan<byte> bytecode)
    {
        if (bytecode.IsEmpty)
        {
            return;
        }

        var header = new NlAttr { nla_len = (ushort)(sizeof(NlAttr) + bytecode.Length), nla_type = INET_DIAG_REQ_BYTECODE };
        MemoryMarshal.Write(attr, in header);
        bytecode.CopyTo(attr[sizeof(NlAttr)..]);
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
    // About 85 lines, kept whole: one switch over the INET_DIAG_* attributes in the kernel's order, read
    // once per socket on the hot path (100k sockets a dump); a split would add an object per socket.
    internal static SocketInfo Parse(ReadOnlySpan<byte> msg, SocketProtocol protocol, InterfaceNames? names, AddressText? addresses = null)
    {
        if (msg.Length < MessageLength)
        {
            throw new NetlinkException($"inet_diag_msg is {msg.Length} bytes; at least {MessageLength} expected.");
        }

        var m = MemoryMarshal.Read<InetDiagMsg>(msg);
        if (m.idiag_family != Libc.AF_INET && m.idiag_family != Libc.AF_INET6)
        {
            throw new NetlinkException($"inet_diag_msg has address family {m.idiag_family}; AF_INET or AF_INET6 expected.");
        }

        bool v6 = m.idiag_family == Libc.AF_INET6;
        var local = AddressText.Of(new ReadOnlySpan<byte>(m.id.idiag_src, 16), v6, addresses);
        var remote = AddressText.Of(new ReadOnlySpan<byte>(m.id.idiag_dst, 16), v6, addresses);
        int ifindex = (int)m.id.idiag_if;

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
                case INET_DIAG_MARK when payload.Length >= sizeof(uint):
                    mark = MemoryMarshal.Read<uint>(payload);
                    break;
                case INET_DIAG_CGROUP_ID when payload.Length >= sizeof(ulong):
                    cgroup = MemoryMarshal.Read<ulong>(payload);
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

        var kind = m.idiag_timer <= 4 ? (TimerKind)m.idiag_timer : TimerKind.On;
        bool tcp = protocol == SocketProtocol.Tcp;
        return new SocketInfo
        {
            Protocol = protocol,
            Family = v6 ? SocketFamily.IPv6 : SocketFamily.IPv4,
            Type = TypeOf(protocol),
            State = UserState((SocketState)m.idiag_state),
            LocalAddress = local,
            LocalPort = m.id.SourcePort,
            RemoteAddress = remote,
            RemotePort = m.id.DestinationPort,
            RecvQ = m.idiag_rqueue,
            SendQ = m.idiag_wqueue,
            InterfaceIndex = ifindex,
            Interface = names?.NameOf(ifindex),
            TimerKind = tcp ? kind : TimerKind.Off,
            Timer = tcp && kind != TimerKind.Off ? TimeSpan.FromMilliseconds(m.idiag_expires) : TimeSpan.Zero,
            Retransmits = tcp && kind != TimerKind.Off ? m.idiag_retrans : 0,
            Uid = m.idiag_uid,
            Inode = m.idiag_inode,
            Cookie = m.id.Cookie,
            CgroupId = cgroup,
            V6Only = v6 ? v6only : null,
            Shutdown = shutdown,
            Mark = mark,
            Tcp = info.IsEmpty && congestion is null ? null : TcpInfo.Decode(info, congestion),
            Memory = memory,
        };
    }
}
