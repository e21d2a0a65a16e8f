using Xunit.Abstractions;
using System.Net.Sockets;
using SocketTools.Query;
using SocketTools.Text;
using SocketTools.Watching;

namespace SocketTools.Tests.Live;

/// <summary>
/// The reference document's timer scenarios, live between two namespaces ("master" and "node1"),
/// watched with <see cref="TimerWatcher"/> and compared, sample by sample, with ss -tanoe run in the
/// same namespace right after the sample. Timer values are compared, not ss's expiry text (iproute2
/// 6.1 prints 3.452ms for 3.452 s).
/// </summary>
public sealed class TimerLiveTests(ITestOutputHelper output)
{
    private const int Port = 11111;

    private sealed record Observed(TimerSample Ours, SsLine? Theirs, TimeSpan Gap);

    /// <summary>Runs the watch; after each sample of a socket that <paramref name="mine"/> picks, runs ss in <paramref name="ns"/>.</summary>
    private List<Observed> WatchWithSs(TimerWatcher watcher, string ns, Func<TimerSample, bool> mine)
    {
        var observed = new List<Observed>();
        using (watcher)
        {
            foreach (var sample in watcher.Run())
            {
                if (!mine(sample))
                {
                    continue;
                }

                if (sample.Change.HasFlag(TimerChange.Closed))
                {
                    observed.Add(new Observed(sample, null, TimeSpan.Zero));
                    continue;
                }

                string ss = TwoHosts.Ss(ns, "-tanoe");
                var gap = DateTime.Now - sample.Timestamp;
                observed.Add(new Observed(sample, SsLine.Parse(ss).FirstOrDefault(l => l.Cookie == sample.Cookie), gap));
            }
        }

        foreach (var o in observed)
        {
            output.WriteLine($"{o.Ours.Elapsed.TotalMilliseconds,6:F0} ms  {WatchText.Line(o.Ours)}");
            if (o.Theirs is not null)
            {
                output.WriteLine($"   ss +{o.Gap.TotalMilliseconds:F0} ms: {o.Theirs.State} {o.Theirs.RecvQ} {o.Theirs.SendQ} {o.Theirs.Local} {o.Theirs.Peer} timer:({o.Theirs.TimerName},{o.Theirs.TimerExpiry},{o.Theirs.TimerRetrans})");
            }
        }

        return observed;
    }

    /// <summary>ss, read just after our sample, shows the same socket with the same timer (allowing for the time between the reads).</summary>
    private static void AssertAgreesWithSs(Observed o)
    {
        var s = o.Ours;
        string where = $"sample {s.Sample} of sk:{s.Cookie:x} ({WatchText.Line(s)}), ss {o.Gap.TotalMilliseconds:F0} ms later";
        double slack = o.Gap.TotalMilliseconds + 5;
        if (o.Theirs is null)
        {
            // Gone between the two reads: only possible when its timer was about to end it.
            Assert.True(s.Timer.TotalMilliseconds <= slack, $"{where}: ss does not show it");
            return;
        }

        var l = o.Theirs;
        Assert.True(l.State == SsText.State(s.State), $"{where}: state vs ss {l.State}");
        Assert.True(l.RecvQ == s.RecvQ && l.SendQ == s.SendQ, $"{where}: queues vs ss {l.RecvQ} {l.SendQ}");
        Assert.True(l.Local == SsText.Endpoint(s.LocalAddress?.ToString(), s.LocalPort, s.V6Only, s.Interface), $"{where}: local vs ss {l.Local}");
        Assert.True(l.Peer == SsText.Endpoint(s.RemoteAddress?.ToString(), s.RemotePort, s.V6Only, null), $"{where}: peer vs ss {l.Peer}");
        Assert.True((l.TimerName ?? "off") == SsText.TimerName(s.TimerKind), $"{where}: timer vs ss {l.TimerName}");
        if (s.TimerKind == TimerKind.Off)
        {
            return;
        }

        if (l.TimerRetrans == s.Retransmits)
        {
            double theirs = SsLine.ExpiryMilliseconds(l.TimerExpiry!);
            double rounding = theirs >= 600_000 ? 60_000 : theirs >= 10_000 ? 1000 : 1;
            double ours = s.Timer.TotalMilliseconds;
            // ss read later, so its timer is lower by up to the gap (or higher when the timer restarted in between).
            Assert.True(theirs <= ours + rounding + 5 && theirs >= ours - slack - rounding
                || s.Timer.TotalMilliseconds <= slack,
                $"{where}: timer {ours} ms vs ss {l.TimerExpiry} ({theirs} ms)");
        }
        else
        {
            // The timer fired between the two reads.
            Assert.True(l.TimerRetrans == s.Retransmits + 1 && s.Timer.TotalMilliseconds <= slack,
                $"{where}: retransmits {s.Retransmits} vs ss {l.TimerRetrans}");
        }
    }

    private static void WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the scenario");
            Thread.Sleep(20);
        }
    }

    private static TimerWatcher WatchQuery(string ns, string state, TimerWatchOptions options) =>
        TimerWatcher.ForQuery(new QueryParameters { State = [state], NetworkNamespace = [ns] }.ToQuery(), options);

    [LiveFact]
    public void TimeWaitCountsDownFromAMinute()
    {
        using var hosts = new TwoHosts();
        var listener = hosts.ListenOnMaster(Port);
        var (client, server) = hosts.Connect(listener);
        client.Shutdown(SocketShutdown.Send);                  // node1 closes first …
        Assert.Equal(0, server.Receive(new byte[16]));          // … master sees the FIN …
        server.Close();                                         // … and closes too: node1 is left in TIME-WAIT
        client.Close();
        Thread.Sleep(100);

        var observed = WatchWithSs(
            WatchQuery(hosts.Node1, "TimeWait", new TimerWatchOptions { Interval = TimeSpan.FromMilliseconds(700), Count = 4 }),
            hosts.Node1, s => s.RemotePort == Port);

        Assert.Equal(4, observed.Count);
        Assert.All(observed, o => Assert.Equal(TimerKind.TimeWait, o.Ours.TimerKind));
        Assert.All(observed, o => Assert.Equal(SocketState.TimeWait, o.Ours.State));
        Assert.All(observed, o => Assert.InRange(o.Ours.Timer, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(60)));
        Assert.Equal(TimerChange.Appeared, observed[0].Ours.Change);
        Assert.All(observed.Skip(1), o => Assert.Equal(TimerChange.None, o.Ours.Change));
        for (int i = 1; i < observed.Count; i++)
        {
            Assert.True(observed[i].Ours.Timer < observed[i - 1].Ours.Timer, $"sample {i + 1}: {observed[i].Ours.Timer} is not below {observed[i - 1].Ours.Timer}");
            // It counts down at the pace of the clock (700 ms a sample, give or take jiffies and how
            // long entering the namespace and reading took on a busy machine).
            double step = (observed[i - 1].Ours.Timer - observed[i].Ours.Timer).TotalMilliseconds;
            double wall = (observed[i].Ours.Elapsed - observed[i - 1].Ours.Elapsed).TotalMilliseconds;
            Assert.InRange(step, wall - 150, wall + 150);
        }

        Assert.All(observed, AssertAgreesWithSs);
    }

    [LiveFact]
    public void TimeWaitRestartsWhenThePeerRetransmitsItsFin()
    {
        // node1 closes first; its ACK of master's FIN is lost, so master (LAST-ACK) retransmits the
        // FIN, and each retransmitted FIN restarts node1's TIME-WAIT at 60 s (RFC 1122; the kernel's
        // tcp_timewait_state_process). ss shows the same timer jumping back.
        using var hosts = new TwoHosts();
        var listener = hosts.ListenOnMaster(Port);
        var (client, server) = hosts.Connect(listener);
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, server.Receive(new byte[16]));
        TwoHosts.Iptables(hosts.Node1, "OUTPUT", "-p", "tcp", "--dport", Port.ToString(), "-j", "DROP");
        server.Close();
        client.Close();
        WaitFor(() => TwoHosts.Ss(hosts.Node1, "-Htan", "state", "time-wait").Contains(":" + Port, StringComparison.Ordinal));

        var observed = WatchWithSs(
            WatchQuery(hosts.Node1, "TimeWait", new TimerWatchOptions { Interval = TimeSpan.FromMilliseconds(700), Count = 6 }),
            hosts.Node1, s => s.RemotePort == Port);

        Assert.Equal(6, observed.Count);
        Assert.All(observed, o => Assert.Equal(TimerKind.TimeWait, o.Ours.TimerKind));
        var changes = observed.Skip(1).Select(o => o.Ours.Change).ToList();
        Assert.All(changes, c => Assert.True(c is TimerChange.None or TimerChange.TimerRestarted, c.ToString()));
        Assert.Contains(TimerChange.TimerRestarted, changes);
        for (int i = 1; i < observed.Count; i++)
        {
            // Restarted when, and only when, the timer is above where counting down would have taken it.
            var was = observed[i - 1].Ours;
            var now = observed[i].Ours;
            double above = (now.Timer - (was.Timer - (now.Elapsed - was.Elapsed))).TotalMilliseconds;
            string why = $"sample {now.Sample}: {now.Timer} after {was.Timer}, {above:F0} ms above the countdown, {now.Change}";
            Assert.True(now.Change != TimerChange.TimerRestarted || above > 0, why);
            // The watcher allows for how long its two reads took (it cannot tell a push later from a
            // slow read within that); on a loaded 2-core machine a read takes up to a few hundred ms.
            Assert.True(above < 1000 || now.Change == TimerChange.TimerRestarted, why);
        }

        Assert.All(observed, AssertAgreesWithSs);
    }

    [LiveFact]
    public void SynSentRetransmitsUntilTheClientGivesUp()
    {
        using var hosts = new TwoHosts();
        // The kernel gives up when the time that tcp_syn_retries exponential retries would take (1 + 2 s)
        // has passed; with linear timeouts (Linux 6.5+) the SYNs go 1 s apart: at 1 and 2 s, closed at 3 s.
        Assert.True(TwoHosts.Sysctl(hosts.Node1, "net.ipv4.tcp_syn_retries", "1"));
        bool linear = TwoHosts.Sysctl(hosts.Node1, "net.ipv4.tcp_syn_linear_timeouts", "4");
        TwoHosts.Iptables(hosts.Master, "INPUT", "-p", "tcp", "--dport", Port.ToString(), "-j", "DROP");
        hosts.ListenOnMaster(Port);
        hosts.StartConnectFromNode1(Port);

        // As Get-SocketStat -State SynSent | Watch-TcpTimer -UntilClosed does: exactly that socket, by cookie.
        var synSent = SocketReader.Read(new QueryParameters { State = ["SynSent"], NetworkNamespace = [hosts.Node1] }.ToQuery()).ToList();
        var socket = Assert.Single(synSent);
        var observed = WatchWithSs(
            TimerWatcher.ForSockets(synSent, hosts.Node1,
                new TimerWatchOptions { Interval = TimeSpan.FromMilliseconds(250), UntilClosed = true, Timeout = TimeSpan.FromSeconds(20) }),
            hosts.Node1, _ => true);

        var last = observed[^1].Ours;
        Assert.Equal(TimerChange.Closed, last.Change);
        Assert.Equal(socket.Cookie, last.Cookie);
        var live = observed.Take(observed.Count - 1).ToList();
        Assert.All(live, o => Assert.Equal(SocketState.SynSent, o.Ours.State));
        Assert.All(live, o => Assert.Equal(TimerKind.On, o.Ours.TimerKind));
        var retransmits = live.Select(o => o.Ours.Retransmits).ToList();
        Assert.Equal(retransmits.OrderBy(r => r), retransmits);
        Assert.Equal(linear ? [0, 1, 2] : [0, 1], retransmits.Distinct());
        // Retransmitted marks exactly the samples in which the count went up.
        for (int i = 1; i < live.Count; i++)
        {
            Assert.Equal(retransmits[i] > retransmits[i - 1], live[i].Ours.Change.HasFlag(TimerChange.Retransmitted));
        }
        Assert.All(live, AssertAgreesWithSs);
        Assert.DoesNotContain(SsLine.Parse(TwoHosts.Ss(hosts.Node1, "-tanoe")), l => l.Cookie == socket.Cookie);
    }

    [LiveFact]
    public void SynRecvRetransmitsTheSynAckTheClientDrops()
    {
        using var hosts = new TwoHosts();
        Assert.True(TwoHosts.Sysctl(hosts.Master, "net.ipv4.tcp_synack_retries", "3"));
        TwoHosts.Iptables(hosts.Node1, "INPUT", "-p", "tcp", "--sport", Port.ToString(), "-j", "DROP");
        hosts.ListenOnMaster(Port);
        hosts.StartConnectFromNode1(Port);
        WaitFor(() => TwoHosts.Ss(hosts.Master, "-Htan", "state", "syn-recv").Contains(":" + Port, StringComparison.Ordinal));

        // The client's own SYN retransmissions would make master resend its SYN-ACK too (and count
        // it) without its timer firing; stop them, so that only master's SYN-ACK timer drives the count.
        TwoHosts.Iptables(hosts.Node1, "OUTPUT", "-p", "tcp", "--dport", Port.ToString(), "--syn", "-j", "DROP");

        var observed = WatchWithSs(
            WatchQuery(hosts.Master, "SynReceived", new TimerWatchOptions { Interval = TimeSpan.FromMilliseconds(300), Timeout = TimeSpan.FromSeconds(4) }),
            hosts.Master, s => s.LocalPort == Port);

        Assert.True(observed.Count >= 4, $"{observed.Count} samples");
        var live = observed.Where(o => !o.Ours.Change.HasFlag(TimerChange.Closed)).ToList();
        Assert.All(live, o => Assert.Equal(SocketState.SynReceived, o.Ours.State));
        Assert.All(live, o => Assert.Equal(TimerKind.On, o.Ours.TimerKind));
        Assert.All(live, o => Assert.Equal(TwoHosts.Node1Address.ToString(), o.Ours.RemoteAddress));
        var retransmits = live.Select(o => o.Ours.Retransmits).ToList();
        Assert.Equal(retransmits.OrderBy(r => r), retransmits);
        Assert.True(retransmits[^1] >= 2, "retransmits: " + string.Join(",", retransmits));
        Assert.All(live, AssertAgreesWithSs);
    }

    [LiveFact]
    public void ListenShowsTheBacklogAndEstablishedTheUnackedBytes()
    {
        using var hosts = new TwoHosts();
        var listener = hosts.ListenOnMaster(Port, backlog: 128);
        var listen = WatchWithSs(WatchQuery(hosts.Master, "Listen", new TimerWatchOptions { Count = 1 }), hosts.Master, s => s.LocalPort == Port);
        var l = Assert.Single(listen);
        Assert.Equal(128, l.Ours.SendQ);
        Assert.Equal(TimerKind.Off, l.Ours.TimerKind);
        AssertAgreesWithSs(l);

        var (client, _) = hosts.Connect(listener);
        TwoHosts.Iptables(hosts.Node1, "INPUT", "-p", "tcp", "--sport", Port.ToString(), "-j", "DROP");   // master's ACKs never arrive
        Assert.Equal(1000, client.Send(new byte[1000]));

        var observed = WatchWithSs(
            TimerWatcher.ForQuery(new QueryParameters { State = ["Established"], RemotePort = [Port.ToString()], NetworkNamespace = [hosts.Node1] }.ToQuery(),
                new TimerWatchOptions { Interval = TimeSpan.FromMilliseconds(250), Timeout = TimeSpan.FromSeconds(2.5) }),
            hosts.Node1, _ => true);

        Assert.True(observed.Count >= 4, $"{observed.Count} samples");
        Assert.All(observed, o => Assert.Equal(1000, o.Ours.SendQ));
        Assert.All(observed, o => Assert.Equal(TimerKind.On, o.Ours.TimerKind));
        var retransmits = observed.Select(o => o.Ours.Retransmits).ToList();
        Assert.Equal(retransmits.OrderBy(r => r), retransmits);
        Assert.True(retransmits[^1] >= 2, "retransmits: " + string.Join(",", retransmits));
        Assert.All(observed, AssertAgreesWithSs);
    }
}
