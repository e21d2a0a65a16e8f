using System.Buffers.Binary;

namespace SocketTools.Linux;

/// <summary>
/// netlink_diag (include/uapi/linux/netlink_diag.h): the dump request for netlink sockets of every
/// protocol and the decoding of netlink_diag_msg with its memory attribute.
/// </summary>
internal static class NetlinkDiag
{
    /// <summary>sizeof(struct netlink_diag_req).</summary>
    internal const int RequestLength = 20;

    /// <summary>sizeof(struct netlink_diag_msg).</summary>
    internal const int MessageLength = 28;

    internal const byte NDIAG_PROTO_ALL = 255;
    internal const uint NDIAG_SHOW_MEMINFO = 0x01;
    internal const ushort NETLINK_DIAG_MEMINFO = 0;

    /// <summary>ndiag_state of a socket that has connect()ed to a destination.</summary>
    internal const byte NETLINK_CONNECTED = 1;

    /// <summary>Writes a SOCK_DIAG_BY_FAMILY dump request for netlink sockets; returns its length.</summary>
    internal static int BuildRequest(Span<byte> destination)
    {
        int total = NetlinkSocket.HeaderLength + RequestLength;
        var req = NetlinkSocket.StartDumpRequest(destination, total);
        req[0] = Native.Libc.AF_NETLINK;
        req[1] = NDIAG_PROTO_ALL;
        // The queues come from the memory info, so it is always asked for.
        BinaryPrimitives.WriteUInt32LittleEndian(req[8..], NDIAG_SHOW_MEMINFO);
        return total;
    }

    /// <summary>Decodes one netlink_diag_msg with its attributes.</summary>
    internal static SocketInfo Parse(ReadOnlySpan<byte> msg, bool memory)
    {
        if (msg.Length < MessageLength)
        {
            throw new NetlinkException($"netlink_diag_msg is {msg.Length} bytes; at least {MessageLength} expected.");
        }

        if (msg[0] != Native.Libc.AF_NETLINK)
        {
            throw new NetlinkException($"netlink_diag_msg has address family {msg[0]}; AF_NETLINK expected.");
        }

        byte type = msg[1];
        byte protocol = msg[2];
        bool connected = msg[3] == NETLINK_CONNECTED;
        uint portId = BinaryPrimitives.ReadUInt32LittleEndian(msg[4..]);
        uint dstPortId = BinaryPrimitives.ReadUInt32LittleEndian(msg[8..]);
        uint dstGroup = BinaryPrimitives.ReadUInt32LittleEndian(msg[12..]);
        uint inode = BinaryPrimitives.ReadUInt32LittleEndian(msg[16..]);
        ulong cookie = BinaryPrimitives.ReadUInt32LittleEndian(msg[20..])
            | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(msg[24..]) << 32);

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
            Type = type == Native.Libc.SOCK_DGRAM ? SocketKind.Datagram : SocketKind.Raw,
            // ss shows every netlink socket as UNCONN; PeerPortId says whether it is connected.
            State = SocketState.Closed,
            RecvQ = rq,
            SendQ = wq,
            Inode = inode,
            Cookie = cookie,
            NetlinkProtocol = protocol,
            PortId = portId,
            PeerPortId = connected ? dstPortId : null,
            PeerGroup = connected ? dstGroup : null,
            Memory = mem,
        };
    }
}
