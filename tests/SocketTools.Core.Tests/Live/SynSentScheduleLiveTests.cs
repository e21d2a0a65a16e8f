using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using SocketTools.Query;
using SocketTools.Tests.Static;

namespace SocketTools.Tests.Live;

/// <summary>
/// The SYN-SENT retry schedule that about_SocketStates describes, against the kernel: a connect()
/// into a black hole (an address on the veth that no host owns), sampled through Get-SocketStat's
/// core, with net.ipv4.tcp_syn_retries lowered inside the test namespace so it ends in seconds.
/// </summary>
public sealed class SynSentScheduleLiveTests
{
    /// <summary>
    /// The kernel's schedule for an initial RTO of one second: the first <paramref name="linear"/> + 1
    /// waits are one second each (net.ipv4.tcp_syn_linear_timeouts), then they double; the SYN is
    /// resent at each expiry until the time <paramref name="retries"/> doublings would take
    /// (2^(retries+1) - 1 seconds) has passed, and the expiry that finds it passed ends connect().
    /// </summary>
    public static (int[] Resent, int GiveUp) Schedule(int retries, int linear)
    {
        int limit = (1 << (retries + 1)) - 1;
        var resent = new List<int>();
        int t = 0;
        for (int k = 0; ; k++)
        {
            t += k <= linear ? 1 : 1 << (k - linear);
            if (t >= limit)
            {
                return (resent.ToArray(), t);
            }

            resent.Add(t);
        }
    }

    private static string Seconds(int[] times) => string.Join(", ", times[..^1]) + " and " + times[^1];

    [Fact]
    [Trait("Tier", "Offline")]
    public void TheScheduleModelGivesTheKernelDocumentationsNumbers()
    {
        // ip-sysctl.rst: "1, 1, 1, 1, 1, 2, 4, ..." and, for tcp_syn_retries 6, the last retransmission
        // after 67 s and the final timeout after 131 s with linear timeouts (63 s and 127 s without).
        Assert.Equal([1, 2, 3, 4, 5, 7, 11, 19, 35, 67], Schedule(6, 4).Resent);
        Assert.Equal(131, Schedule(6, 4).GiveUp);
        Assert.Equal([1, 3, 7, 15, 31, 63], Schedule(6, 0).Resent);
        Assert.Equal(127, Schedule(6, 0).GiveUp);
    }

    [Fact]
    [Trait("Tier", "Offline")]
    public void AboutSocketStatesDescribesTheScheduleOfBothKindsOfKernel()
    {
        string md = File.ReadAllText(Repo.PathOf("docs", "en-US", "about_SocketStates.md"));
        string section = Regex.Replace(Regex.Match(md, @"(?ms)^### SynSent.*?(?=^### )").Value, @"\s+", " ");
        Assert.Contains("tcp_syn_linear_timeouts", section, StringComparison.Ordinal);
        foreach (int linear in new[] { 4, 0 })
        {
            var (resent, giveUp) = Schedule(6, linear);
            Assert.Contains(Seconds(resent) + " seconds", section, StringComparison.Ordinal);
            Assert.Contains($"about {giveUp} seconds", section, StringComparison.Ordinal);
        }
    }

    [LiveFact]
    public async Task TheKernelResendsSynsOnThatSchedule()
    {
        bool linearKnown = File.Exists("/proc/sys/net/ipv4/tcp_syn_linear_timeouts");
        var runs = await Task.WhenAll((linearKnown ? new[] { 4, 0 } : [-1]).Select(linear => Task.Run(() => Observe(linear))));
        foreach (var (linear, resent, ended, error) in runs)
        {
            var (expected, giveUp) = Schedule(2, Math.Max(linear, 0));
            string what = $"tcp_syn_retries 2, tcp_syn_linear_timeouts {linear}: resent at {string.Join(", ", resent.Select(t => t.ToString("F2")))}, ended at {ended:F2}";
            Assert.True(expected.Length == resent.Count, what);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(resent[i] - expected[i]) < 0.6, what);
            }

            Assert.True(Math.Abs(ended - giveUp) < 0.8, what);
            // .NET maps SO_ERROR to SocketError; ETIMEDOUT is 110 should it pass the errno through.
            Assert.True(error is SocketError.TimedOut || (int)error == 110, $"{what}: error {error}");
        }
    }

    /// <summary>Seconds after connect() at which Retransmits went up, when the socket left SYN-SENT, and its error.</summary>
    private static (int Linear, List<double> Resent, double Ended, SocketError Error) Observe(int linear)
    {
        using var hosts = new TwoHosts();
        Assert.True(TwoHosts.Sysctl(hosts.Master, "net.ipv4.tcp_syn_retries", "2"));
        if (linear >= 0)
        {
            Assert.True(TwoHosts.Sysctl(hosts.Master, "net.ipv4.tcp_syn_linear_timeouts", linear.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        // 192.0.2.3 belongs to nobody: node1 receives the SYNs on the veth and drops them silently.
        TwoHosts.Exec(hosts.Master, "ip", "neigh", "add", "192.0.2.3", "lladdr", "02:00:00:00:00:03", "dev", "veth0", "nud", "permanent");
        var query = new QueryParameters { Protocol = [SocketProtocol.Tcp], State = ["syn-sent"], NetworkNamespace = [hosts.Master] }.ToQuery();
        var socket = hosts.NewSocket(hosts.Master);
        socket.Blocking = false;
        var clock = Stopwatch.StartNew();
        try
        {
            socket.Connect(new IPEndPoint(IPAddress.Parse("192.0.2.3"), 80));
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
        }

        var resent = new List<double>();
        int seen = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            var s = SocketReader.Read(query).FirstOrDefault(x => x.RemotePort == 80);
            double now = clock.Elapsed.TotalSeconds;
            if (s is null)
            {
                var error = (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
                return (linear, resent, now, error);
            }

            for (; seen < s.Retransmits; seen++)
            {
                resent.Add(now);
            }

            Thread.Sleep(50);
        }

        return (linear, resent, double.NaN, SocketError.Success);
    }
}
