using SocketTools.Linux;
using SocketTools.Tests.Parsing;
using SocketTools.Text;

namespace SocketTools.Tests.Live;

/// <summary>Get-SocketStat -Summary's numbers against ss -s in the same namespace.</summary>
public sealed class SummaryLiveTests
{
    /// <summary>
    /// ss -s, our summary, then ss -s again, until both ss runs print the same text: TCP's alloc and
    /// orphan counters are host-wide, so other processes on the host can move them between reads.
    /// </summary>
    private static (string Ss, SocketSummary Ours, List<(string Name, string Text)> Files) StableRead(LiveNamespace ns)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            string before = ns.Ss("-s");
            var ours = SocketReader.ReadSummary(ns.Name);
            var files = ProcNetLiveTests.Capture(ns.Name);
            string after = ns.Ss("-s");
            if (before == after)
            {
                return (before, ours, files);
            }

            Thread.Sleep(20);
        }

        throw new InvalidOperationException("ss -s never printed the same text twice in a row");
    }

    [LiveFact]
    public void SummaryEqualsSsInTheSameNamespace()
    {
        using var ns = new LiveNamespace();
        string dir = ProcScenario.Build(ns);
        try
        {
            var (ss, ours, files) = StableRead(ns);
            Assert.Equal(ss, SummaryText.Format(ours));
            Assert.Equal(ns.Name, ours.NetworkNamespace);

            // The scenario's sockets are in the counts (TIME-WAIT is in TCP inuse, as the kernel counts it).
            Assert.Equal(1, ours.TcpTimeWait);
            Assert.Equal(1, ours.RawIPv4);
            Assert.Equal(1, ours.RawIPv6);
            Assert.Equal(2, ours.UdpIPv4);
            Assert.Equal(1, ours.UdpIPv6);
            Assert.Equal(10, ours.TcpEstablished);   // four pairs, and the queued connection (client and unaccepted child)
            Assert.True(ours.Total > ours.InetTotal, $"Total {ours.Total}");  // Unix, packet and netlink sockets count too

            // The files read at the same moment parse to the same text.
            string Text(string name) => files.Single(f => f.Name == name).Text;
            Assert.Equal(ss, SummaryText.Format(SockStat.Parse(Text("sockstat"), Text("sockstat6"), Text("snmp"))));

            string? update = Environment.GetEnvironmentVariable("STT_UPDATE_TESTDATA");
            if (!string.IsNullOrEmpty(update))
            {
                string target = Path.Combine(update, SummaryCapture.Folder);
                Directory.CreateDirectory(target);
                foreach (string name in new[] { "sockstat", "sockstat6", "snmp" })
                {
                    File.WriteAllText(Path.Combine(target, name), Text(name));
                }

                File.WriteAllText(Path.Combine(target, "ss-s.txt"), ss);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [LiveFact]
    public void EmptyNamespaceSummaryEqualsSs()
    {
        using var ns = new LiveNamespace();
        var (ss, ours, _) = StableRead(ns);
        Assert.Equal(ss, SummaryText.Format(ours));
        Assert.Equal(0, ours.InetTotal);
    }

    [Fact]
    [Trait("Tier", "Offline")]
    public void MissingNamespaceIsObjectNotFound()
    {
        var e = Assert.Throws<SocketToolsException>(() => SocketReader.ReadSummary("stt-no-such-namespace"));
        Assert.Equal(ErrorKind.ObjectNotFound, e.Kind);
    }
}
