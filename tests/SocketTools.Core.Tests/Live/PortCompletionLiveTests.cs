using System.Globalization;
using SocketTools.Query;

namespace SocketTools.Tests.Live;

/// <summary>The -LocalPort / -RemotePort completions, against ss's view of the same namespace.</summary>
public sealed class PortCompletionLiveTests
{
    private static int PortOf(string endpoint) => int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);

    /// <summary>The local ports ss lists in <paramref name="ns"/>: listening ones, then those of connections only.</summary>
    private static (List<int> Listening, List<int> Connected) LocalPortsOf(LiveNamespace ns)
    {
        var listening = SsLine.Parse(ns.Ss("-tuln")).Select(l => PortOf(l.Local)).Distinct().Order().ToList();
        var connected = SsLine.Parse(ns.Ss("-tun", "state", "connected")).Select(l => PortOf(l.Local))
            .Where(p => p != 0 && !listening.Contains(p)).Distinct().Order().ToList();
        return (listening, connected);
    }

    [LiveFact]
    public void LocalPortsAreListeningFirstThenConnectionsAsSsShowsThem()
    {
        using var ns = new LiveNamespace();
        InetScenario.Build(ns);
        var (listening, connected) = LocalPortsOf(ns);

        var candidates = PortCompletion.Complete(PortEnd.Local, "", ns.Name);
        Assert.Equal(listening.Concat(connected), candidates.Select(c => c.Port));
        Assert.All(candidates.Take(listening.Count), c => Assert.True(c.Listening, c.ToString()));
        Assert.All(candidates.Skip(listening.Count), c => Assert.False(c.Listening, c.ToString()));
        Assert.Contains(7001, listening);
        Assert.NotEmpty(connected);
    }

    [LiveFact]
    public void WordMatchesDigitsOrServiceName()
    {
        using var ns = new LiveNamespace();
        InetScenario.Build(ns);
        // The scenario's listeners, and any ephemeral port of its clients that starts with the same
        // digits (53568, say), as ss lists them.
        var (listening, connected) = LocalPortsOf(ns);
        List<int> Starting(string digits) => listening.Concat(connected)
            .Where(p => p.ToString(CultureInfo.InvariantCulture).StartsWith(digits, StringComparison.Ordinal)).ToList();
        Assert.Equal([5353, 5354], Starting("535").Take(2));
        Assert.Equal(Starting("535"), PortCompletion.Complete(PortEnd.Local, "535", ns.Name).Select(c => c.Port));
        Assert.Equal([7001, 7002, 7003, 7004, 7005, 7006], Starting("700"));
        Assert.Equal(Starting("700"), PortCompletion.Complete(PortEnd.Local, "'700", ns.Name).Select(c => c.Port));
        if (PortCompletion.ServiceName(5353) == "mdns")
        {
            var mdns = Assert.Single(PortCompletion.Complete(PortEnd.Local, "mdn", ns.Name));
            Assert.Equal(5353, mdns.Port);
            Assert.Equal("5353 (mdns)", mdns.ListItem);
            Assert.Contains("udp UNCONN 0.0.0.0:5353", mdns.ToolTip, StringComparison.Ordinal);
        }

        Assert.Empty(PortCompletion.Complete(PortEnd.Local, "9", ns.Name));
    }

    [LiveFact]
    public void RemotePortsAreThePeersPortsMostUsedFirst()
    {
        using var ns = new LiveNamespace();
        InetScenario.Build(ns);
        var counts = SsLine.Parse(ns.Ss("-tun", "state", "connected")).Select(l => PortOf(l.Peer)).Where(p => p != 0)
            .GroupBy(p => p).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => g.Key).ToList();
        var candidates = PortCompletion.Complete(PortEnd.Remote, null, ns.Name);
        Assert.Equal(counts, candidates.Select(c => c.Port));
        Assert.Contains(7005, counts);  // the TIME-WAIT and the queued connection both go to 7005
        Assert.Equal(7005, candidates[0].Port);
    }

    [Fact]
    [Trait("Tier", "Offline")]
    public void AMissingNamespaceCompletesNothingAndDoesNotThrow() =>
        Assert.Empty(PortCompletion.Complete(PortEnd.Local, "", "stt-no-such-namespace-" + Guid.NewGuid().ToString("N")[..6]));
}
