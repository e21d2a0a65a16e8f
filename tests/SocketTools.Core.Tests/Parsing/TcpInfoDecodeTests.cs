using System.Net;
using System.Net.Sockets;
using SocketTools.Linux;
using SocketTools.Tests.Live;

namespace SocketTools.Tests.Parsing;

/// <summary>
/// tcp_info and skmeminfo decoding by the length the kernel sent, on bytes taken from this kernel
/// (getsockopt TCP_INFO of a live loopback connection) and cut to the lengths older kernels send.
/// </summary>
public sealed class TcpInfoDecodeTests
{
    private const int SOL_TCP = 6;
    private const int TCP_INFO = 11;

    private static byte[] LiveTcpInfo()
    {
        using var ns = new LiveNamespace();
        var listener = ns.Listen(new IPEndPoint(IPAddress.Loopback, 7010));
        var (client, server) = ns.Connect(listener);
        client.Send(new byte[1000]);
        server.Receive(new byte[1000]);
        var buffer = new byte[512];
        int length = client.GetRawSocketOption(SOL_TCP, TCP_INFO, buffer);
        return buffer[..length];
    }

    [LiveFact]
    public void ShortenedTcpInfoDecodesWhatIsThereAndLeavesTheRestNull()
    {
        byte[] info = LiveTcpInfo();
        Assert.True(info.Length >= 232, $"this kernel sent {info.Length} bytes");
        var full = TcpInfo.Decode(info, "cubic")!;
        Assert.Equal(info.Length, full.InfoLength);
        Assert.Equal(1000UL, full.BytesSent);
        Assert.Equal(1001UL, full.BytesAcked);  // the SYN counts
        Assert.NotNull(full.SndWnd);

        // Linux 3.x: the base struct only (through tcpi_total_retrans).
        var old = TcpInfo.Decode(info.AsSpan(0, TcpInfo.BaseLength), "cubic")!;
        Assert.Equal(TcpInfo.BaseLength, old.InfoLength);
        Assert.Equal(full.Mss, old.Mss);
        Assert.Equal(full.Rtt, old.Rtt);
        Assert.Equal(full.Cwnd, old.Cwnd);
        Assert.Equal(full.TotalRetrans, old.TotalRetrans);
        Assert.Equal(full.Timestamps, old.Timestamps);
        Assert.Equal(full.ReceiveWindowScale, old.ReceiveWindowScale);
        Assert.Null(old.PacingRate);
        Assert.Null(old.BytesAcked);
        Assert.Null(old.MinRtt);
        Assert.Null(old.BusyTime);
        Assert.Null(old.BytesSent);
        Assert.Null(old.SndWnd);
        Assert.Null(old.TotalRto);

        // Linux 4.6 sent through tcpi_data_segs_out (160 bytes): segs and min_rtt, no delivery rate.
        var mid = TcpInfo.Decode(info.AsSpan(0, 160), null)!;
        Assert.Equal(full.BytesAcked, mid.BytesAcked);
        Assert.Equal(full.DataSegsOut, mid.DataSegsOut);
        Assert.Equal(full.MinRtt, mid.MinRtt);
        Assert.Null(mid.DeliveryRate);
        Assert.Null(mid.CongestionAlgorithm);

        // Linux 5.4 (232 bytes): through tcpi_snd_wnd; rcv_wnd and rehash came in 6.2.
        var five = TcpInfo.Decode(info.AsSpan(0, 232), null)!;
        Assert.Equal(full.SndWnd, five.SndWnd);
        Assert.Equal(full.BytesSent, five.BytesSent);
        Assert.Null(five.RcvWnd);
        Assert.Null(five.Rehash);

        // Less than the base struct is not decoded; the congestion algorithm alone survives.
        Assert.Null(TcpInfo.Decode(info.AsSpan(0, 50), null));
        Assert.Equal("bbr", TcpInfo.Decode(info.AsSpan(0, 50), "bbr")!.CongestionAlgorithm);

        // A future kernel's longer struct decodes the known part the same.
        var longer = new byte[info.Length + 64];
        info.CopyTo(longer, 0);
        Assert.Equal(full.BytesAcked, TcpInfo.Decode(longer, null)!.BytesAcked);
    }

    [Fact]
    [Trait("Tier", "Offline")]
    public void SkMemInfoWithoutDropsLeavesDropsNull()
    {
        var nine = new byte[36];
        for (int i = 0; i < 9; i++)
        {
            BitConverter.TryWriteBytes(nine.AsSpan(4 * i), (uint)(i + 1) * 100);
        }

        var all = SkMemInfo.Decode(nine)!;
        Assert.Equal(900, all.Drops);
        Assert.Equal(200, all.RcvBuf);
        var eight = SkMemInfo.Decode(nine.AsSpan(0, 32))!;
        Assert.Null(eight.Drops);
        Assert.Equal(800, eight.Backlog);
        Assert.Null(SkMemInfo.Decode(nine.AsSpan(0, 28)));
        Assert.Equal("skmem:(r100,rb200,t300,tb400,f500,w600,o700,bl800)", Text.SsText.Skmem(eight));
    }

    [Fact]
    [Trait("Tier", "Offline")]
    public void TruncatedFamilyMessagesAreTypedErrors()
    {
        var short8 = new byte[8];
        Assert.Equal(ErrorKind.InvalidData, Assert.Throws<NetlinkException>(() => UnixDiag.Parse(short8)).Kind);
        Assert.Equal(ErrorKind.InvalidData, Assert.Throws<NetlinkException>(() => PacketDiag.Parse(short8, false, null)).Kind);
        Assert.Equal(ErrorKind.InvalidData, Assert.Throws<NetlinkException>(() => NetlinkDiag.Parse(short8, false)).Kind);

        // An attribute that claims more bytes than remain.
        var unix = new byte[UnixDiag.MessageLength + 8];
        unix[0] = 1;
        unix[UnixDiag.MessageLength] = 0xff;
        Assert.Throws<NetlinkException>(() => UnixDiag.Parse(unix));
        var wrongFamily = new byte[NetlinkDiag.MessageLength];
        Assert.Throws<NetlinkException>(() => NetlinkDiag.Parse(wrongFamily, false));
    }
}
