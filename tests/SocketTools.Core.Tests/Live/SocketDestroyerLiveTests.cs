using System.Net;
using System.Net.Sockets;
using SocketTools.Linux;
using SocketTools.Query;

namespace SocketTools.Tests.Live;

/// <summary>
/// Close-Socket's core against the live kernel, in a test namespace only: the sockets selected are
/// gone from ss, their peers see a reset, every other socket is untouched; a socket closed already
/// or named with another cookie is not found and nothing else is closed.
/// </summary>
public sealed class SocketDestroyerLiveTests
{
    [LiveFact]
    public void ClosingASelectionLeavesEveryOtherSocketAndResetsThePeers()
    {
        using var ns = new LiveNamespace();
        var target = ns.Listen(new IPEndPoint(IPAddress.Loopback, 9000));
        var other = ns.Listen(new IPEndPoint(IPAddress.IPv6Loopback, 9001));
        var pairs = Enumerable.Range(0, 3).Select(_ => ns.Connect(target)).ToList();
        var untouched = ns.Connect(other);
        var udp = ns.NewSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        udp.Connect(new IPEndPoint(IPAddress.Loopback, 9000));

        string before = ns.Ss("-Htuna");
        var selected = SocketReader.Read(new QueryParameters { RemotePort = ["9000"], NetworkNamespace = [ns.Name] }.ToQuery()).ToList();
        Assert.Equal(4, selected.Count);   // three TCP clients and the connected UDP socket

        using (var destroyer = SocketDestroyer.Open(ns.Name))
        {
            foreach (var s in selected)
            {
                Assert.True(destroyer.Close(s), $"{s} was not closed");
            }

            // Gone already: not found, and nothing else is touched.
            Assert.All(selected, s => Assert.False(destroyer.Close(s)));
        }

        string after = ns.Ss("-Htuna");
        Assert.DoesNotContain(":9000 ", after.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(c => c.Length >= 6).Select(c => c[5] + " "));
        var beforeOthers = before.Split('\n').Where(l => !l.Contains("127.0.0.1:9000 ", StringComparison.Ordinal) || l.Contains("LISTEN", StringComparison.Ordinal))
            .Where(l => !IsClient(l, selected)).Select(Normalize).Where(l => l.Length > 0).Order().ToList();
        var afterLines = after.Split('\n').Select(Normalize).Where(l => l.Length > 0).ToList();
        foreach (string line in beforeOthers)
        {
            Assert.Contains(line, afterLines);
        }

        // The server ends of the closed connections were reset; the other connection still talks.
        foreach (var (_, server) in pairs)
        {
            var e = Assert.Throws<SocketException>(() => server.Receive(new byte[1]));
            Assert.Equal(SocketError.ConnectionReset, e.SocketErrorCode);
        }

        untouched.Client.Send([42]);
        var buffer = new byte[1];
        Assert.Equal(1, untouched.Server.Receive(buffer));
        Assert.Equal(42, buffer[0]);
    }

    private static bool IsClient(string ssLine, List<SocketInfo> selected) =>
        selected.Any(s => ssLine.Contains($":{s.LocalPort} ", StringComparison.Ordinal) && ssLine.Contains(":9000", StringComparison.Ordinal));

    private static string Normalize(string ssLine)
    {
        // Netid State Recv-Q Send-Q Local Peer: queues change as data moves, the rest must not.
        var c = ssLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return c.Length >= 6 ? $"{c[0]} {c[1]} {c[4]} {c[5]}" : string.Empty;
    }

    [LiveFact]
    public void AnotherCookieOnTheSameEndpointsClosesNothing()
    {
        using var ns = new LiveNamespace();
        var listener = ns.Listen(new IPEndPoint(IPAddress.Loopback, 9002));
        var (client, _) = ns.Connect(listener);
        var socket = SocketReader.Read(new QueryParameters { LocalPort = [((IPEndPoint)client.LocalEndPoint!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture)], NetworkNamespace = [ns.Name] }.ToQuery()).Single();
        var impostor = new SocketInfo
        {
            Protocol = socket.Protocol, Family = socket.Family, State = socket.State, LocalAddress = socket.LocalAddress,
            LocalPort = socket.LocalPort, RemoteAddress = socket.RemoteAddress, RemotePort = socket.RemotePort, Cookie = socket.Cookie + 1,
        };
        using var destroyer = SocketDestroyer.Open(ns.Name);
        Assert.False(destroyer.Close(impostor));
        Assert.Contains($":{socket.LocalPort}", ns.Ss("-Htn", "state", "established"));
    }

    [Fact]
    [Trait("Tier", "Offline")]
    public void TheRequestNamesExactlyOneSocket()
    {
        var s = new SocketInfo
        {
            Protocol = SocketProtocol.Tcp, Family = SocketFamily.IPv6, State = SocketState.Established, LocalAddress = "::ffff:10.0.0.1",
            LocalPort = 5432, RemoteAddress = "2001:db8::7", RemotePort = 40000, InterfaceIndex = 3, Cookie = 0x1122334455667788,
        };
        var request = new byte[NetlinkSocket.HeaderLength + InetDiag.RequestLength];
        SocketDestroyer.BuildRequest(request, s, 9);
        Assert.Equal((uint)request.Length, BitConverter.ToUInt32(request, 0));
        Assert.Equal(21, BitConverter.ToUInt16(request, 4));            // SOCK_DESTROY
        Assert.Equal(0x1 | 0x4, BitConverter.ToUInt16(request, 6));     // NLM_F_REQUEST | NLM_F_ACK, never NLM_F_DUMP
        Assert.Equal(9u, BitConverter.ToUInt32(request, 8));
        var req = request.AsSpan(16);
        Assert.Equal(10, req[0]);   // AF_INET6
        Assert.Equal(6, req[1]);    // IPPROTO_TCP
        Assert.Equal(new byte[] { 0x15, 0x38, 0x9c, 0x40 }, req.Slice(8, 4).ToArray());
        Assert.Equal(IPAddress.Parse("::ffff:10.0.0.1"), new IPAddress(req.Slice(12, 16)));
        Assert.Equal(IPAddress.Parse("2001:db8::7"), new IPAddress(req.Slice(28, 16)));
        Assert.Equal(3u, BitConverter.ToUInt32(request, 16 + 44));
        Assert.Equal(0x55667788u, BitConverter.ToUInt32(request, 16 + 48));
        Assert.Equal(0x11223344u, BitConverter.ToUInt32(request, 16 + 52));
    }

    [Theory]
    [Trait("Tier", "Offline")]
    [InlineData(SocketProtocol.Unix, SocketFamily.Unix, 5ul)]
    [InlineData(SocketProtocol.Raw, SocketFamily.IPv4, 5ul)]
    [InlineData(SocketProtocol.Tcp, SocketFamily.IPv4, 0ul)]   // read from /proc/net: no cookie, no exact name
    public void WhatCannotBeNamedExactlyIsRefused(SocketProtocol protocol, SocketFamily family, ulong cookie)
    {
        var e = Assert.Throws<SocketToolsException>(() => SocketDestroyer.Check(new SocketInfo { Protocol = protocol, Family = family, Cookie = cookie }));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
    }
}
