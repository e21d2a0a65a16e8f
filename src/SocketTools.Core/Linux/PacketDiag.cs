using System.Buffers.Binary;

namespace SocketTools.Linux;

/// <summary>
/// packet_diag (include/uapi/linux/packet_diag.h): the dump request and the decoding of
/// packet_diag_msg with the info, uid and memory attributes.
/// </summary>
internal static class PacketDiag
{
    /// <summary>sizeof(struct packet_diag_req).</summary>
    internal const int RequestLength = 20;

    /// <summary>sizeof(struct packet_diag_msg).</summary>
    internal const int MessageLength = 16;

    internal const uint PACKET_SHOW_INFO = 0x01;
    internal const uint PACKET_SHOW_MEMINFO = 0x10;

    internal const ushort PACKET_DIAG_INFO = 0;
    internal const ushort PACKET_DIAG_UID = 5;
    internal const ushort PACKET_DIAG_MEMINFO = 6;

    /// <summary>Writes a SOCK_DIAG_BY_FAMILY dump request for packet sockets; returns its length.</summary>
    internal static int BuildRequest(Span<byte> destination)
    {
        int total = NetlinkSocket.HeaderLength + RequestLength;
        var req = NetlinkSocket.StartDumpRequest(destination, total);
        req[0] = Native.Libc.AF_PACKET;
        // The receive queue comes from the memory info, so it is always asked for.
        BinaryPrimitives.WriteUInt32LittleEndian(req[8..], PACKET_SHOW_INFO | PACKET_SHOW_MEMINFO);
        return total;
    }

    /// <summary>Decodes one packet_diag_msg with its attributes.</summary>
    internal static SocketInfo Parse(ReadOnlySpan<byte> msg, bool memory, InterfaceNames? names)
    {
        if (msg.Length < MessageLength)
        {
            throw new NetlinkException($"packet_diag_msg is {msg.Length} bytes; at least {MessageLength} expected.");
        }

        if (msg[0] != Native.Libc.AF_PACKET)
        {
            throw new NetlinkException($"packet_diag_msg has address family {msg[0]}; AF_PACKET expected.");
        }

        byte type = msg[1];
        int etherType = BinaryPrimitives.ReadUInt16LittleEndian(msg[2..]);  // the kernel sends ntohs(po->num)
        uint inode = BinaryPrimitives.ReadUInt32LittleEndian(msg[4..]);
        ulong cookie = BinaryPrimitives.ReadUInt32LittleEndian(msg[8..])
            | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(msg[12..]) << 32);

        int ifindex = 0;
        uint uid = 0;
        long rq = 0;
        SocketMemory? mem = null;
        var attrs = new NetlinkAttributes(msg[MessageLength..], "packet_diag");
        while (attrs.Next(out ushort attr, out var payload))
        {
            switch (attr)
            {
                case PACKET_DIAG_INFO when payload.Length >= 4:
                    ifindex = (int)BinaryPrimitives.ReadUInt32LittleEndian(payload);
                    break;
                case PACKET_DIAG_UID when payload.Length >= 4:
                    uid = BinaryPrimitives.ReadUInt32LittleEndian(payload);
                    break;
                case PACKET_DIAG_MEMINFO:
                    rq = SkMemInfo.At(payload, SkMemInfo.RmemAlloc);
                    if (memory)
                    {
                        mem = SkMemInfo.Decode(payload);
                    }

                    break;
            }
        }

        return new SocketInfo
        {
            Protocol = SocketProtocol.Packet,
            Family = SocketFamily.Packet,
            Type = type == Native.Libc.SOCK_DGRAM ? SocketKind.Datagram : SocketKind.Raw,
            State = SocketState.Closed,
            RecvQ = rq,
            InterfaceIndex = ifindex,
            Interface = names?.NameOf(ifindex),
            Uid = uid,
            Inode = inode,
            Cookie = cookie,
            EtherType = etherType,
            Memory = mem,
        };
    }
}
