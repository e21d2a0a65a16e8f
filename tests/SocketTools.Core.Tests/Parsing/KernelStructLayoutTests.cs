using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SocketTools.Native;

namespace SocketTools.Tests.Parsing;

/// <summary>
/// The Native/ structs have the kernel's layout: sizes and field offsets as the uapi headers define
/// them (include/uapi/linux/netlink.h, inet_diag.h, unix_diag.h, packet_diag.h, netlink_diag.h,
/// tcp.h, if.h; linux_dirent64 from getdents64(2)), as gcc's sizeof and offsetof give them on 64-bit Linux.
/// </summary>
[Trait("Tier", "Offline")]
public sealed class KernelStructLayoutTests
{
    public static TheoryData<Type, int> Sizes => new()
    {
        { typeof(NlMsgHdr), 16 },
        { typeof(NlMsgErr), 20 },
        { typeof(NlAttr), 4 },
        { typeof(InetDiagSockId), 48 },
        { typeof(InetDiagReqV2), 56 },
        { typeof(InetDiagMsg), 72 },
        { typeof(InetDiagBcOp), 4 },
        { typeof(InetDiagHostCond), 8 },
        { typeof(InetDiagMarkCond), 8 },
        { typeof(UnixDiagReq), 24 },
        { typeof(UnixDiagMsg), 16 },
        { typeof(UnixDiagVfs), 8 },
        { typeof(UnixDiagRqLen), 8 },
        { typeof(PacketDiagReq), 20 },
        { typeof(PacketDiagMsg), 16 },
        { typeof(PacketDiagInfo), 24 },
        { typeof(NetlinkDiagReq), 20 },
        { typeof(NetlinkDiagMsg), 28 },
        { typeof(IfReq), 40 },
        { typeof(TcpInfoStruct), 248 },
    };

    public static TheoryData<Type, string, int> Offsets => new()
    {
        { typeof(NlMsgHdr), "nlmsg_type", 4 },
        { typeof(NlMsgHdr), "nlmsg_seq", 8 },
        { typeof(NlMsgErr), "msg", 4 },
        { typeof(InetDiagSockId), "idiag_src", 4 },
        { typeof(InetDiagSockId), "idiag_dst", 20 },
        { typeof(InetDiagSockId), "idiag_if", 36 },
        { typeof(InetDiagSockId), "idiag_cookie", 40 },
        { typeof(InetDiagReqV2), "idiag_states", 4 },
        { typeof(InetDiagReqV2), "id", 8 },
        { typeof(InetDiagMsg), "id", 4 },
        { typeof(InetDiagMsg), "idiag_expires", 52 },
        { typeof(InetDiagMsg), "idiag_inode", 68 },
        { typeof(InetDiagHostCond), "port", 4 },
        { typeof(UnixDiagReq), "udiag_show", 12 },
        { typeof(UnixDiagMsg), "udiag_cookie", 8 },
        { typeof(PacketDiagReq), "pdiag_show", 8 },
        { typeof(PacketDiagMsg), "pdiag_num", 2 },
        { typeof(NetlinkDiagReq), "ndiag_show", 8 },
        { typeof(NetlinkDiagMsg), "ndiag_ino", 16 },
        { typeof(NetlinkDiagMsg), "ndiag_cookie", 20 },
        { typeof(LinuxDirent64), "d_reclen", 16 },
        { typeof(LinuxDirent64), "d_name", 19 },
        { typeof(IfReq), "ifr_ifindex", 16 },
        { typeof(TcpInfoStruct), "tcpi_rto", 8 },
        { typeof(TcpInfoStruct), "tcpi_pacing_rate", 104 },
        { typeof(TcpInfoStruct), "tcpi_segs_out", 136 },
        { typeof(TcpInfoStruct), "tcpi_delivery_rate", 160 },
        { typeof(TcpInfoStruct), "tcpi_delivered", 192 },
        { typeof(TcpInfoStruct), "tcpi_bytes_sent", 200 },
        { typeof(TcpInfoStruct), "tcpi_snd_wnd", 228 },
        { typeof(TcpInfoStruct), "tcpi_total_rto", 240 },
        { typeof(TcpInfoStruct), "tcpi_total_rto_time", 244 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void StructHasTheKernelsSize(Type type, int size)
    {
        int managed = (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;
        Assert.Equal(size, managed);
    }

    [Theory]
    [MemberData(nameof(Offsets))]
    public void FieldSitsAtTheKernelsOffset(Type type, string field, int offset) =>
        Assert.Equal(offset, (int)Marshal.OffsetOf(type, field));

    [Fact]
    public void TcpInfoBaseEndsAfterTotalRetrans() => Assert.Equal(104, TcpInfoStruct.Base);
}
