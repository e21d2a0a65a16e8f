using System.Runtime.InteropServices;
using SocketTools.Native;

namespace SocketTools.Linux;

/// <summary>
/// netlink_diag (include/uapi/linux/netlink_diag.h): the dump request for netlink sockets of every
/// protocol and the decoding of netlink_diag_msg with its memory attribute.
/// </summary>
internal static unsafe class NetlinkDiag
{
    /// <summary>sizeof(struct netlink_diag_req).</summary>
    internal static int RequestLength => sizeof(NetlinkDiagReq);

    /// <summary>sizeof(struct netlink_diag_msg).</summary>
    internal static int MessageLength => sizeof(NetlinkDiagMsg);

    internal const byte NDIAG_PROTO_ALL = 255;
    internal const uint NDIAG_SHOW_MEMINFO = 0x01;
    internal const ushort NETLINK_DIAG_MEMINFO = 0;

    /// <summary>ndiag_state of a socket that has connect()ed to a destination.</summary>
    internal const byte NETLINK_CONNECTED = 1;

    /// <summary>Writes a SOCK_DIAG_BY_FAMILY dump request for netlink sockets; returns its length.</summary>
    internal static int BuildRequest(Span<byte> destination)
    {
        int total = NetlinkSocket.HeaderLength + RequestLength;
        var body = NetlinkSocket.StartDumpRequest(destination, total);
        // The queues come from the memory info, so it is always asked for.
        var req = new NetlinkDiagReq { sdiag_family = Libc.AF_NETLINK, sdiag_protocol = NDIAG_PROTO_ALL, ndiag_show = NDIAG_SHOW_MEMINFO };
        MemoryMarshal.Write(body, in req);
        return total;
    }

    /// <summary>Decodes one netlink_diag_msg with its attributes.</summary>
    internal static SocketInfo Parse(ReadOnlySpan<byte> msg, bool memory)
    {
        if (msg.Length < MessageLength)
        {
            throw new NetlinkException($"netlink_diag_msg is {msg.Length} bytes; at least {MessageLength} expected.");
        }

        var m = MemoryMarshal.Read<NetlinkDiagMsg>(msg);
        if (m.ndiag_family != Libc.AF_NETLINK)
        {
            throw new NetlinkException($"netlink_diag_msg has address family {m.ndiag_family}; AF_NETLINK expected.");
        }

        bool connected = m.ndiag_state == NETLINK_CONNECTED;

        long rq = 0, wq = 0;
        SocketMemory? mem = null;
        var attrs = new NetlinkAttributes(msg[MessageLength..], "netlink_diag");
        while (attrs.Next(out ushort attr, out var payload))
        {
            if (attr == NETLINK_DIAG_MEMINFO)
            {
                rq = SkMemInfo.At(payload, SkMemInfo.RmemAlloc);
                wq = SkMemInfo.At(payload, SkMemInfo.WmemAlloc);
                if (memory)
                {
                    mem = SkMemInfo.Decode(payload);
                }
            }
        }

        return new SocketInfo
        {
            Protocol = SocketProtocol.Netlink,
            Family = SocketFamily.Netlink,
            Type = m.ndiag_type == Libc.SOCK_DGRAM ? SocketKind.Datagram : SocketKind.Raw,
            // ss shows every netlink socket as UNCONN; PeerPortId says whether it is connected.
            State = SocketState.Closed,
            RecvQ = rq,
            SendQ = wq,
            Inode = m.ndiag_ino,
            Cookie = m.Cookie,
            NetlinkProtocol = m.ndiag_protocol,
            PortId = m.ndiag_portid,
            PeerPortId = connected ? m.ndiag_dst_portid : null,
            PeerGroup = connected ? m.ndiag_dst_group : null,
            Memory = mem,
        };
    }
}
