using SocketTools.Query;

namespace SocketTools.Tests.Selection;

/// <summary>How -Protocol and -Family resolve into the protocols and families a query enumerates.</summary>
[Trait("Tier", "Offline")]
public sealed class ProtocolSelectionTests
{
    [Fact]
    public void DefaultStaysTcpAndUdp() =>
        Assert.Equal([SocketProtocol.Tcp, SocketProtocol.Udp], new QueryParameters().ToQuery().Protocols);

    [Fact]
    public void AllExpandsToEveryProtocol()
    {
        var query = new QueryParameters { Protocol = [SocketProtocol.Udp, SocketProtocol.All] }.ToQuery();
        Assert.Equal(
            [SocketProtocol.Tcp, SocketProtocol.Udp, SocketProtocol.Raw, SocketProtocol.Unix, SocketProtocol.Packet, SocketProtocol.Netlink],
            query.Protocols);
        Assert.DoesNotContain(SocketProtocol.All, query.Protocols);
    }

    [Theory]
    [InlineData(SocketFamily.Unix, SocketProtocol.Unix)]
    [InlineData(SocketFamily.Packet, SocketProtocol.Packet)]
    [InlineData(SocketFamily.Netlink, SocketProtocol.Netlink)]
    public void ALocalFamilyWithoutProtocolPicksItsOwnSockets(SocketFamily family, SocketProtocol protocol)
    {
        var query = new QueryParameters { Family = [family] }.ToQuery();
        Assert.Equal([protocol], query.Protocols);
        Assert.True(query.Matches(new SocketInfo { Protocol = protocol, Family = family, State = SocketState.Closed }));
    }

    [Fact]
    public void IPFamiliesWithoutProtocolMeanTcpAndUdp() =>
        Assert.Equal([SocketProtocol.Tcp, SocketProtocol.Udp], new QueryParameters { Family = [SocketFamily.IPv6] }.ToQuery().Protocols);

    [Fact]
    public void LocalSocketsIgnoreIPFamiliesButNotNamedLocalFamilies()
    {
        var unix = new SocketInfo { Protocol = SocketProtocol.Unix, Family = SocketFamily.Unix, State = SocketState.Listen };
        var ipOnly = new QueryParameters { Protocol = [SocketProtocol.All], Family = [SocketFamily.IPv4] }.ToQuery();
        Assert.True(ipOnly.Matches(unix));
        Assert.False(ipOnly.Matches(new SocketInfo { Protocol = SocketProtocol.Tcp, Family = SocketFamily.IPv6, State = SocketState.Listen }));

        var packetOnly = new QueryParameters { Protocol = [SocketProtocol.All], Family = [SocketFamily.Packet] }.ToQuery();
        Assert.False(packetOnly.Matches(unix));
        Assert.True(packetOnly.Matches(new SocketInfo { Protocol = SocketProtocol.Packet, Family = SocketFamily.Packet, State = SocketState.Closed }));
    }

    [Fact]
    public void ProtocolFilterRejectsOtherProtocols()
    {
        var query = new QueryParameters { Protocol = [SocketProtocol.Unix] }.ToQuery();
        Assert.False(query.Matches(new SocketInfo { Protocol = SocketProtocol.Netlink, Family = SocketFamily.Netlink, State = SocketState.Closed }));
    }
}
