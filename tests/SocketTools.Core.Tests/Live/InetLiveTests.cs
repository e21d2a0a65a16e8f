using System.Diagnostics;
using SocketTools.Query;

namespace SocketTools.Tests.Live;

/// <summary>TCP and UDP over netlink, live in a namespace, against ss -tuanoe in the same namespace.</summary>
public sealed class InetLiveTests
{
    [LiveFact]
    public void EverySocketAndFieldAgreesWithSs()
    {
        using var ns = new LiveNamespace();
        InetScenario.Build(ns);
        var clock = Stopwatch.StartNew();
        var ours = SocketReader.Read(new SocketQuery { NetworkNamespace = ns.Name }).ToList();
        var theirs = SsLine.Parse(ns.Ss("-tuanoe"));
        var gap = clock.Elapsed;

        // The scenario's sockets are all there: 6 listeners, 3 established pairs, one TIME-WAIT,
        // one queued connection (2 sockets), 3 UDP sockets.
        Assert.Equal(18, ours.Count);
        Assert.Contains(ours, s => s.State == SocketState.TimeWait);
        Assert.Contains(ours, s => s.V6Only == true && s.State == SocketState.Listen);
        Assert.Contains(ours, s => s.V6Only == false && s.State == SocketState.Listen);
        Assert.Contains(ours, s => s.LocalIPAddress()!.IsIPv4MappedToIPv6);
        Assert.Contains(ours, s => s.Interface == "lo");
        SsDiff.AssertSame(ours, theirs, gap);
    }

    [LiveTheory]
    [InlineData("TimeWait", "time-wait")]
    [InlineData("Listen", "listening")]
    [InlineData("Established", "established")]
    [InlineData("Connected", "connected")]
    [InlineData("Synchronized", "synchronized")]
    [InlineData("Bucket", "bucket")]
    [InlineData("Big", "big")]
    public void KernelStateFilterSelectsWhatSsSelects(string state, string ssState)
    {
        using var ns = new LiveNamespace();
        InetScenario.Build(ns);
        var clock = Stopwatch.StartNew();
        var query = new QueryParameters { State = [state], Protocol = [SocketProtocol.Tcp], NetworkNamespace = [ns.Name] }.ToQuery();
        var ours = SocketReader.Read(query).ToList();
        var theirs = SsLine.Parse(ns.Ss("-tanoe", "state", ssState));
        Assert.NotEmpty(theirs);
        SsDiff.AssertSame(ours, theirs, clock.Elapsed);
    }

    [LiveFact]
    public void PortFiltersSelectWhatSsSelects()
    {
        using var ns = new LiveNamespace();
        InetScenario.Build(ns);
        var query = new QueryParameters { LocalPort = ["7001"], NetworkNamespace = [ns.Name] }.ToQuery();
        var ours = SocketReader.Read(query).ToList();
        var theirs = SsLine.Parse(ns.Ss("-tuanoe", "sport", "=", ":7001"));
        Assert.Equal(2, theirs.Count);  // the listener and the accepted side of the IPv4 pair
        SsDiff.AssertSame(ours, theirs, TimeSpan.FromSeconds(1));

        query = new QueryParameters { RemotePort = ["7001-7003"], Protocol = [SocketProtocol.Tcp], NetworkNamespace = [ns.Name] }.ToQuery();
        ours = SocketReader.Read(query).ToList();
        theirs = SsLine.Parse(ns.Ss("-tanoe", "dport", ">=", ":7001", "and", "dport", "<=", ":7003"));
        Assert.Equal(2, theirs.Count);
        SsDiff.AssertSame(ours, theirs, TimeSpan.FromSeconds(1));
    }

    [LiveFact]
    public void FamilyAndProtocolSelectWhatSsSelects()
    {
        using var ns = new LiveNamespace();
        InetScenario.Build(ns);
        var ours = SocketReader.Read(new QueryParameters
        {
            Family = [SocketFamily.IPv6], Protocol = [SocketProtocol.Udp], NetworkNamespace = [ns.Name],
        }.ToQuery()).ToList();
        var theirs = SsLine.Parse(ns.Ss("-6uanoe"));
        Assert.Single(theirs);
        SsDiff.AssertSame(ours, theirs, TimeSpan.FromSeconds(1));
    }

    [LiveFact]
    public void TimeWaitSortsByRemainingTime()
    {
        using var ns = new LiveNamespace();
        InetScenario.Build(ns);
        var tw = SocketReader.Read(new QueryParameters { State = ["TimeWait"], NetworkNamespace = [ns.Name] }.ToQuery()).ToList();
        var s = Assert.Single(tw);
        Assert.Equal(TimerKind.TimeWait, s.TimerKind);
        Assert.InRange(s.Timer, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(60));
        Assert.Equal(0UL, s.Inode);
    }
}
