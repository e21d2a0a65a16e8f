using System.Runtime.InteropServices;
using SocketTools.Native;

namespace SocketTools.Linux;

/// <summary>
/// packet_diag (include/uapi/linux/packet_diag.h): the dump request and the decoding of
/// packet_diag_msg with the info, uid and memory attributes.
/// </summary>
internal static unsafe class PacketDiag
{
    /// <summary>sizeof(struct packet_diag_req).</summary>
    internal static int RequestLength => sizeof(PacketDiagReq);

    /// <summary>sizeof(struct packet_diag_msg).</summary>
    internal static int MessageLength => sizeof(PacketDiagMsg);

    internal const uint PACKET_SHOW_INFO = 0x01;
    internal const uint PACKET_SHOW_MEMINFO = 0x10;

    internal const ushort PACKET_DIAG_INFO = 0;
    internal const ushort PACKET_DIAG_UID = 5;
    internal const ushort PACKET_DIAG_MEMINFO = 6;

    /// <summary>Writes a SOCK_DIAG_BY_FAMILY dump request for packet sockets; returns its length.</summary>
    internal static int BuildRequest(Span<byte> destination)
    {
        int total = NetlinkSocket.HeaderLength + RequestLength;
        var body = NetlinkSocket.StartDumpRequest(destination, total);
        // The receive queue comes from the memory info, so it is always asked for.
        var req = new PacketDiagReq { sdiag_family = Libc.AF_PACKET, pdiag_show = PACKET_SHOW_INFO | PACKET_SHOW_MEMINFO };
        MemoryMarshal.Write(body, in req);
        return total;
    }

    /// <summary>Decodes one packet_diag_msg with its attributes.</summary>
    internal static SocketInfo Parse(ReadOnlySpan<byte> msg, bool memory, InterfaceNames? names)
    {
        if (msg.Length < MessageLength)
        {
            throw new NetlinkException($"packet_diag_msg is {msg.Length} bytes; at least {MessageLength} expected.");
        }

        var m = MemoryMarshal.Read<PacketDiagMsg>(msg);
        if (m.pdiag_family != Libc.AF_PACKET)
        {
            throw new NetlinkException($"packet_diag_msg has address family {m.pdiag_family}; AF_PACKET expected.");
        }

        int ifindex = 0;
        uint uid = 0;
        long rq = 0;
        SocketMemory? mem = null;
        var attrs = new NetlinkAttributes(msg[MessageLength..], "packet_diag");
        while (attrs.Next(out ushort attr, out var payload))
        {
            switch (attr)
            {
                case PACKET_DIAG_INFO:
                    var info = KernelStruct.ReadPrefix<PacketDiagInfo>(payload);
                    if (KernelStruct.IfSent(payload.Length, ref info, ref info.pdi_index) is uint index)
                    {
                        ifindex = (int)index;
                    }

                    break;
                case PACKET_DIAG_UID when payload.Length >= sizeof(uint):
                    uid = MemoryMarshal.Read<uint>(payload);
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
            Type = m.pdiag_type == Libc.SOCK_DGRAM ? SocketKind.Datagram : SocketKind.Raw,
            State = SocketState.Closed,
            RecvQ = rq,
            InterfaceIndex = ifindex,
            Interface = names?.NameOf(ifindex),
            Uid = uid,
            Inode = m.pdiag_ino,
            Cookie = m.Cookie,
            EtherType = m.pdiag_num,
            Memory = mem,
        };
    }
}
