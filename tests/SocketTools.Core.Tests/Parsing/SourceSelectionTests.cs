using System.Net;
using SocketTools.Linux;
using SocketTools.Native;
using SocketTools.Query;

namespace SocketTools.Tests.Parsing;

/// <summary>The composing source's choice of source: explicit, and Auto's fallback from netlink to /proc/net.</summary>
[Trait("Tier", "Offline")]
public sealed class SourceSelectionTests
{
    private sealed class FakeSource(Func<IEnumerable<SocketInfo>> items) : ISocketSource
    {
        public int Calls { get; private set; }

        public IEnumerable<SocketInfo> Enumerate(SocketQuery query, QueryDiagnostics diagnostics, CancellationToken cancellationToken)
        {
            Calls++;
            return items();
        }
    }

    private static SocketInfo Tcp(int port, SocketFamily family = SocketFamily.IPv4) => new()
    {
        Protocol = SocketProtocol.Tcp, Family = family, State = SocketState.Listen, LocalPort = port,
        LocalAddress = family == SocketFamily.IPv4 ? "0.0.0.0" : "::", Inode = (ulong)port,
    };

    private static SocketInfo Udp(int port) => new()
    {
        Protocol = SocketProtocol.Udp, Family = SocketFamily.IPv4, State = SocketState.Closed, LocalPort = port,
        LocalAddress = "0.0.0.0", Inode = (ulong)port,
    };

    private static IEnumerable<SocketInfo> Throw(int errno, params SocketInfo[] before)
    {
        foreach (var s in before)
        {
            yield return s;
        }

        throw new NetlinkException("Socket", errno);
    }

    private static (List<SocketInfo> Result, QueryDiagnostics Diagnostics) Run(SocketQuery query, FakeSource netlink, FakeSource proc)
    {
        var diagnostics = new QueryDiagnostics();
        var result = SocketReader.Read(query, diagnostics, CancellationToken.None,
            new LinuxSocketSource((kind, _) => kind == SocketSourceKind.Proc ? proc : netlink)).ToList();
        return (result, diagnostics);
    }

    [Theory]
    [InlineData(Errno.EPERM)]
    [InlineData(Errno.EACCES)]
    [InlineData(Errno.EPROTONOSUPPORT)]
    [InlineData(Errno.EAFNOSUPPORT)]
    public void AutoFallsBackToProcWithOneWarning(int errno)
    {
        var netlink = new FakeSource(() => Throw(errno));
        var proc = new FakeSource(() => [Tcp(22), Udp(53)]);
        var (result, diagnostics) = Run(SocketQuery.Default, netlink, proc);
        Assert.Equal([22, 53], result.Select(s => s.LocalPort));
        var warning = Assert.Single(diagnostics.Warnings);
        Assert.Contains("/proc/net", warning, StringComparison.Ordinal);
        Assert.Contains(Errno.Describe(errno), warning, StringComparison.Ordinal);
        Assert.Equal(1, proc.Calls);
    }

    [Fact]
    public void AutoKeepsWhatNetlinkListedBeforeItFailed()
    {
        // netlink listed IPv4 TCP, then the UDP dump was refused: /proc answers for the rest only.
        var netlink = new FakeSource(() => Throw(Errno.EPROTONOSUPPORT, Tcp(22)));
        var proc = new FakeSource(() => [Tcp(22), Tcp(23), Tcp(80, SocketFamily.IPv6), Udp(53)]);
        var (result, diagnostics) = Run(SocketQuery.Default, netlink, proc);
        Assert.Equal([22, 80, 53], result.Select(s => s.LocalPort));
        Assert.Single(diagnostics.Warnings);
        Assert.Equal("netlink+proc", diagnostics.SourceUsed);
    }

    [Fact]
    public void OtherNetlinkFailuresAreNotHidden()
    {
        var netlink = new FakeSource(() => Throw(Errno.ENOBUFS));
        var proc = new FakeSource(() => [Tcp(22)]);
        var e = Assert.Throws<NetlinkException>(() => Run(SocketQuery.Default, netlink, proc));
        Assert.Equal(Errno.ENOBUFS, e.Errno);
        Assert.Equal(0, proc.Calls);
    }

    [Fact]
    public void ExplicitSourcesNeverFallBack()
    {
        var netlink = new FakeSource(() => Throw(Errno.EPERM));
        var proc = new FakeSource(() => [Tcp(22)]);
        Assert.Throws<NetlinkException>(() => Run(SocketQuery.Default with { Source = SocketSourceKind.Netlink }, netlink, proc));
        Assert.Equal(0, proc.Calls);

        var (result, diagnostics) = Run(SocketQuery.Default with { Source = SocketSourceKind.Proc }, netlink, proc);
        Assert.Single(result);
        Assert.Empty(diagnostics.Warnings);
        Assert.Equal(1, netlink.Calls);
    }

    [Fact]
    public void AutoUsesNetlinkAloneWhenItWorks()
    {
        var netlink = new FakeSource(() => [Tcp(22)]);
        var proc = new FakeSource(() => [Tcp(99)]);
        var (result, diagnostics) = Run(SocketQuery.Default, netlink, proc);
        Assert.Equal(22, Assert.Single(result).LocalPort);
        Assert.Empty(diagnostics.Warnings);
        Assert.Equal(0, proc.Calls);
    }

    [Fact]
    public void TheFallbackResultIsStillFilteredByTheQuery()
    {
        var netlink = new FakeSource(() => Throw(Errno.EPERM));
        var proc = new FakeSource(() => [Tcp(22), Tcp(23), Udp(53)]);
        var query = new QueryParameters { LocalPort = ["23"] }.ToQuery();
        var (result, _) = Run(query, netlink, proc);
        Assert.Equal(23, Assert.Single(result).LocalPort);
    }

    [Fact]
    public void GetSocketStatParametersCarryTheSource()
    {
        Assert.Equal(SocketSourceKind.Proc, new QueryParameters { Source = SocketSourceKind.Proc }.ToQuery().Source);
        Assert.Equal(SocketSourceKind.Auto, new QueryParameters().ToQuery().Source);
    }
}
