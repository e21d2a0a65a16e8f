using SocketTools.Text;

namespace SocketTools.Tests.Parsing;

/// <summary>
/// ss's text rules that the live differential tests cannot reach on iproute2 6.1: modern expiry
/// text (6.1 prints 9.501ms for 9.501 s) and link-local scope. The rest is compared with live ss.
/// </summary>
[Trait("Tier", "Offline")]
public sealed class SsTextTests
{
    [Theory]
    [InlineData(595_000, "9min55sec")]
    [InlineData(55_000, "55sec")]
    [InlineData(59_999, "59sec")]
    [InlineData(9_501, "9.501sec")]
    [InlineData(1_016, "1.016sec")]
    [InlineData(3_000, "3sec")]
    [InlineData(476, "476ms")]
    [InlineData(45, "045ms")]
    [InlineData(7, "007ms")]
    [InlineData(0, "")]
    [InlineData(60_000, "1min")]
    [InlineData(61_500, "1min1sec")]
    [InlineData(10_999, "10sec")]
    [InlineData(754_321, "12min")]
    public void ExpiryIsModernSsText(int ms, string expected) =>
        Assert.Equal(expected, SsText.Expiry(TimeSpan.FromMilliseconds(ms)));

    [Theory]
    [InlineData("fe80::1", 22, null, "eth0", "[fe80::1]%eth0:22")]
    [InlineData("::", 22, false, null, "*:22")]
    [InlineData("::", 22, null, null, "*:22")]
    [InlineData("::", 22, true, null, "[::]:22")]
    [InlineData("0.0.0.0", 0, null, null, "0.0.0.0:*")]
    public void EndpointRules(string address, int port, bool? v6only, string? iface, string expected) =>
        Assert.Equal(expected, SsText.Endpoint(address, port, v6only, iface));

    [Fact]
    public void TimerCell() =>
        Assert.Equal("timer:(timewait,59sec,0)", SsText.Timer(TimerKind.TimeWait, TimeSpan.FromMilliseconds(59_400), 0));

    // uid and fwmark cannot be made non-zero for the live comparison without another user or
    // CAP_NET_ADMIN rules; ss.c prints " uid:%u" only when non-zero and " fwmark:0x%x" only when set.
    [Theory]
    [InlineData(1000u, 42ul, 0x1aul, 0u, null, null, "uid:1000 ino:42 sk:1a")]
    [InlineData(0u, 0ul, 0xdeul, 0x10u, null, null, "ino:0 sk:de fwmark:0x10")]
    [InlineData(0u, 7ul, 1ul, null, 0x1ful, null, "ino:7 sk:1 cgroup:unreachable:1f")]
    [InlineData(0u, 7ul, 1ul, null, 0x1ful, "/system.slice/ssh.service", "ino:7 sk:1 cgroup:/system.slice/ssh.service")]
    public void ExtendedRules(uint uid, ulong inode, ulong cookie, uint? mark, ulong? cgroup, string? path, string expected) =>
        Assert.Equal(expected, SsText.Extended(uid, inode, cookie, mark, cgroup, path, null, null));

    [Fact]
    public void ExtendedEndsWithV6OnlyThenShutdown() =>
        Assert.Equal("ino:1 sk:2 v6only:1 ---", SsText.Extended(0, 1, 2, null, null, null, true, ShutdownState.Both));

    [Fact]
    public void UsersFromDeserializedShapes()
    {
        Assert.Equal(string.Empty, SsText.Users(null, null, null));
        Assert.Equal(string.Empty, SsText.Users([], [], []));
        Assert.Equal("users:((\"nginx\",pid=10,fd=6),(\"nginx\",pid=11,fd=6))",
            SsText.Users(["nginx", "nginx"], [10, 11], [6, 6]));
        // A bag that lost a property still prints every owner.
        Assert.Equal("users:((\"\",pid=10,fd=6))", SsText.Users(null, [10], [6]));
        Assert.Equal(string.Empty, SocketOwnerList.Empty.ToString());
    }
}

/// <summary>ss -n cells for Unix, packet and netlink sockets in the cases the live scenario does not reach.</summary>
[Trait("Tier", "Offline")]
public sealed class SsFamilyCellTests
{
    [Theory]
    [InlineData(null, 42UL, "* 42")]
    [InlineData("/run/a b.sock", 7UL, "/run/a b.sock 7")]
    [InlineData("@abstract", 9UL, "@abstract 9")]
    public void UnixLocal(string? path, ulong inode, string expected) =>
        Assert.Equal(expected, SsText.LocalCell(SocketProtocol.Unix, null, 0, null, null, path, inode, null, null, null));

    [Fact]
    public void UnixPeerIsStarAndInode()
    {
        Assert.Equal("* 0", SsText.PeerCell(SocketProtocol.Unix, null, 0, null, null, null, null));
        Assert.Equal("* 55", SsText.PeerCell(SocketProtocol.Unix, null, 0, null, 55, null, null));
    }

    [Theory]
    [InlineData(3, null, "*:*")]
    [InlineData(0x0800, "eth0", "[2048]:eth0")]
    [InlineData(0, null, "[0]:*")]
    public void PacketLocal(int etherType, string? iface, string expected) =>
        Assert.Equal(expected, SsText.LocalCell(SocketProtocol.Packet, null, 0, null, iface, null, 0, etherType, null, null));

    [Theory]
    [InlineData(0, 0u, "0:0")]
    [InlineData(16, 4294967295u, "16:*")]
    [InlineData(0, 2328587012u, "0:-1966380284")]
    public void NetlinkLocal(int protocol, uint portId, string expected) =>
        Assert.Equal(expected, SsText.LocalCell(SocketProtocol.Netlink, null, 0, null, null, null, 0, null, protocol, portId));

    [Fact]
    public void NetlinkPeerIsGroupAndPortWhenConnected()
    {
        Assert.Equal("*", SsText.PeerCell(SocketProtocol.Netlink, null, 0, null, null, null, null));
        Assert.Equal("0:0", SsText.PeerCell(SocketProtocol.Netlink, null, 0, null, null, 0, 0));
        Assert.Equal("5:1234", SsText.PeerCell(SocketProtocol.Netlink, null, 0, null, null, 1234, 5));
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData(ShutdownState.None, "<->")]
    [InlineData(ShutdownState.Receive, "-->")]
    [InlineData(ShutdownState.Send, "<--")]
    [InlineData(ShutdownState.Both, "---")]
    public void ShutdownMarks(ShutdownState? state, string expected) => Assert.Equal(expected, SsText.Shutdown(state));

    [Fact]
    public void UnixFileAndPeers()
    {
        // ss splits the kernel's dev_t (254 << 20) with glibc's macros: 0/65024.
        Assert.Equal("ino:11657826 dev:0/65024", SsText.UnixFile(11657826, 254u << 20));
        Assert.Equal("", SsText.UnixFile(null, null));
        Assert.Equal("peers:", SsText.UnixPeers([]));
        Assert.Equal("peers: 1 2", SsText.UnixPeers([1, 2]));
        Assert.Equal("", SsText.UnixPeers(null));
    }

    [Fact]
    public void InetCellsStayEndpoints() =>
        Assert.Equal("[::]:22", SsText.LocalCell(SocketProtocol.Tcp, "::", 22, true, null, null, 0, null, null, null));
}

[Trait("Tier", "Offline")]
public sealed class SocketOwnerListTests
{
    [Fact]
    public void BuildsFromArraysAndCollectionExpressionsAndPrintsAsSsDashP()
    {
        var a = new SocketOwner(10, "nginx", 6);
        var b = new SocketOwner(11, "nginx", 6);
        SocketOwnerList fromArray = new[] { a, b };
        SocketOwnerList fromExpression = [a, b];
        Assert.Equal(2, fromArray.Count);
        Assert.Equal([a, b], fromExpression);
        Assert.Same(b, fromArray[1]);
        Assert.Equal("users:((\"nginx\",pid=10,fd=6),(\"nginx\",pid=11,fd=6))", fromExpression.ToString());
        Assert.Same(SocketOwnerList.Empty, (SocketOwnerList)Array.Empty<SocketOwner>());
        Assert.Empty(new SocketInfo().Owners);
    }
}
