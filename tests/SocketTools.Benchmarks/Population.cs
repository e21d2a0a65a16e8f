using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SocketTools.Benchmarks;

/// <summary>How many sockets of each kind a population of <see cref="Target"/> TCP sockets has.</summary>
internal sealed record Composition(int Target, int Holders, int Established4Pairs, int Established6Pairs, int CloseWaitPairs,
    int SynSent, int SynRecv, int TimeWait, int Udp, int UnixPairs)
{
    public int Listeners => Holders * Layout.ListenersPerHolder;

    public int Descriptors => (2 * (Established4Pairs + Established6Pairs + CloseWaitPairs + UnixPairs)) + SynSent + SynRecv + Listeners + Udp + Holders;

    /// <summary>
    /// Mostly ESTABLISHED pairs (a quarter IPv6); 5 % TIME-WAIT, 1 % SYN-SENT, 1 % SYN-RECV,
    /// 1.5 % CLOSE-WAIT with as many FIN-WAIT-2, 12 listeners per holder; plus 2 % UDP and 1 % unix pairs.
    /// </summary>
    public static Composition For(int target, bool halfOpen)
    {
        int tw = target * 5 / 100;
        int synSent = halfOpen ? target / 100 : 0;
        int synRecv = halfOpen ? target / 100 : 0;
        int closeWait = target * 15 / 1000;
        int udp = target * 2 / 100;
        int unix = target / 100;
        for (int holders = 1; ; holders++)
        {
            int listeners = holders * Layout.ListenersPerHolder;
            int rest = target - tw - synSent - (2 * synRecv) - (2 * closeWait) - listeners;
            int pairs = Math.Max(0, rest / 2);
            int v6 = pairs / 4;
            var c = new Composition(target, holders, pairs - v6, v6, closeWait, synSent, synRecv, tw, udp, unix);
            if (c.Descriptors <= holders * (Layout.MaxFdsPerHolder - 1000) || holders == Layout.MaxHolders)
            {
                return c;
            }
        }
    }

    /// <summary>Splits <paramref name="total"/> evenly over the holders.</summary>
    public int Share(int total, int holder) => (total / Holders) + (holder < total % Holders ? 1 : 0);
}

/// <summary>
/// A network namespace with a socket population held by child processes. Everything it makes
/// (namespace, sysctls, firewall rules, processes, sockets) is inside the namespace; disposing it
/// resets the connections, ends the holders, deletes the namespace and waits until the kernel's
/// global TCP tables are back near where they were.
/// </summary>
internal sealed class Population : IDisposable
{
    private readonly List<Process> _holders = [];
    private readonly Action<string> _log;
    private readonly long _baselineAlloc;
    private DateTime _timeWaitDone;
    private bool _disposed;

    private Population(string name, Composition composition, Action<string> log)
    {
        Name = name;
        Composition = composition;
        _log = log;
        _baselineAlloc = TcpAllocated();
    }

    public string Name { get; }

    public Composition Composition { get; }

    /// <summary>Notes about what could not be built as asked (missing iptables, a sysctl that is not per namespace…).</summary>
    public List<string> Notes { get; } = [];

    /// <summary>When the current TIME-WAIT sockets were made (they last 60 s).</summary>
    public TimeSpan TimeWaitAge => DateTime.UtcNow - _timeWaitDone;

    /// <summary>The holder processes' ids.</summary>
    public IEnumerable<int> HolderIds => _holders.Select(p => p.Id);

    /// <summary>The population being measured (for Ctrl+C).</summary>
    public static Population? Current { get; private set; }

    /// <summary>Deletes namespaces left by an earlier run that was killed (stbench-PID-… whose PID is gone).</summary>
    public static void RemoveStale(Action<string> log) => Tools.RemoveStaleNamespaces("stbench-*", @"^stbench-(\d+)-\d+$", log);

    public static Population Build(int target, Action<string> log)
    {
        string name = "stbench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + target.ToString(CultureInfo.InvariantCulture);
        bool firewall = Tools.Exists("iptables");
        var composition = Composition.For(target, firewall);
        var population = new Population(name, composition, log);
        try
        {
            if (!firewall)
            {
                population.Notes.Add("iptables is not installed: no SYN-SENT / SYN-RECV sockets (apt-get install -y iptables).");
            }

            Current = population;
            population.Create(firewall);
            return population;
        }
        catch
        {
            population.Dispose();
            throw;
        }
    }

    private void Create(bool firewall)
    {
        var sw = Stopwatch.StartNew();
        Tools.Run(null, "ip", "netns", "add", Name);
        Tools.Run(null, "ip", "-n", Name, "link", "set", "lo", "up");

        // Only per-namespace sysctls, written inside the namespace.
        foreach (var (key, value) in new[]
        {
            ("net.core.somaxconn", "65535"),
            ("net.ipv4.tcp_max_syn_backlog", "65535"),
            ("net.ipv4.ip_local_port_range", Layout.EphemeralRange),
            ("net.ipv4.tcp_max_tw_buckets", "1000000"),
            ("net.ipv4.tcp_syn_retries", "127"),
            ("net.ipv4.tcp_synack_retries", "255"),
            ("net.ipv4.tcp_syncookies", "0"),
        })
        {
            var (code, _, error) = Tools.Run(Name, "sysctl", ["-q", "-w", $"{key}={value}"], check: false);
            if (code != 0)
            {
                Notes.Add($"sysctl {key}={value} failed in the namespace: {error.Trim()}");
            }
        }

        if (firewall)
        {
            // SYNs to the SYN-SENT port vanish; bare ACKs to the SYN-RECV listeners vanish.
            Tools.Run(Name, "iptables", "-w", "-A", "INPUT", "-p", "tcp", "--dport", Layout.SynSentPort.ToString(CultureInfo.InvariantCulture),
                "--syn", "-j", "DROP");
            Tools.Run(Name, "iptables", "-w", "-A", "INPUT", "-p", "tcp",
                "--dport", $"{Layout.SynRecvPortBase}:{Layout.SynRecvPortBase + Layout.MaxHolders}",
                "--tcp-flags", "SYN,ACK,FIN,RST", "ACK", "-j", "DROP");
        }

        var c = Composition;
        for (int h = 0; h < c.Holders; h++)
        {
            _holders.Add(StartHolder(h));
        }

        Broadcast(h => string.Join(' ', "build",
            c.Share(c.Established4Pairs, h), c.Share(c.Established6Pairs, h), c.Share(c.CloseWaitPairs, h),
            c.Share(c.SynSent, h), c.Share(c.SynRecv, h), c.Share(c.Udp, h), c.Share(c.UnixPairs, h)));
        _log($"  built {c.Holders} holder(s), {c.Descriptors} descriptors in {sw.Elapsed.TotalSeconds:F1} s");
        MakeTimeWait();
    }

    /// <summary>Makes the TIME-WAIT share (last, as they only live 60 s).</summary>
    public void MakeTimeWait()
    {
        var c = Composition;
        Broadcast(h => "tw " + c.Share(c.TimeWait, h).ToString(CultureInfo.InvariantCulture));
        _timeWaitDone = DateTime.UtcNow;
    }

    /// <summary>
    /// Makes sure the TIME-WAIT sockets outlive the next <paramref name="duration"/>. If not, the
    /// current ones are destroyed inside the namespace (ss -K state time-wait: SOCK_DESTROY) and a
    /// fresh set is made; if the kernel cannot destroy them, this waits until they have expired, so
    /// the population never holds two sets at once.
    /// </summary>
    public void EnsureTimeWait(TimeSpan duration)
    {
        if (TimeWaitAge + duration < TimeSpan.FromSeconds(57))
        {
            return;
        }

        var sw = Stopwatch.StartNew();
        if (!_cannotDestroy)
        {
            Tools.Run(Name, "ss", ["-K", "-t", "state", "time-wait"], check: false);
            if (TimeWaitCount() == 0)
            {
                MakeTimeWait();
                _log($"  refreshed TIME-WAIT (destroyed and remade) in {sw.Elapsed.TotalSeconds:F1} s");
                return;
            }

            _cannotDestroy = true;
            Notes.Add("ss -K cannot destroy TIME-WAIT sockets here: refreshing them waits for their 60 s to run out.");
        }

        var wait = TimeSpan.FromSeconds(61) - TimeWaitAge;
        if (wait > TimeSpan.Zero)
        {
            _log($"  refreshing TIME-WAIT: waiting {wait.TotalSeconds:F0} s for the old ones to expire");
            Thread.Sleep(wait);
        }

        MakeTimeWait();
    }

    private bool _cannotDestroy;

    private long TimeWaitCount() => NetlinkFloor.Count(Name, 1u << (int)SocketState.TimeWait);

    /// <summary>The TCP state counts as ss sees them in the namespace, and the UDP and unix counts.</summary>
    public string Census()
    {
        var states = Tools.Run(Name, "ss", "-tanH").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .GroupBy(l => l.Split(' ', 2)[0]).OrderByDescending(g => g.Count())
            .Select(g => $"{g.Key} {g.Count()}");
        int udp = Tools.Run(Name, "ss", "-uanH").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        int unix = Tools.Run(Name, "ss", "-xanH").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        return $"TCP: {string.Join(", ", states)}; UDP {udp}; unix {unix}";
    }

    private Process StartHolder(int index) => StartHolder(Name, index, _log);

    private void Broadcast(Func<int, string> command) => Broadcast(_holders, command);

    /// <summary>Starts a holder (<c>--hold INDEX</c>) inside <paramref name="netns"/>; its stderr goes to the log.</summary>
    public static Process StartHolder(string netns, int index, Action<string> log)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var args = new List<string>();
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            args.Add(typeof(Population).Assembly.Location);
        }

        args.AddRange(["--hold", index.ToString(CultureInfo.InvariantCulture)]);
        var p = Tools.Start(netns, self, args, redirectInput: true);
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                log($"  holder {index} in {netns}: {e.Data}");
            }
        };
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>Sends each holder its command, all at once, then waits for every answer.</summary>
    public static void Broadcast(IReadOnlyList<Process> holders, Func<int, string> command)
    {
        for (int h = 0; h < holders.Count; h++)
        {
            holders[h].StandardInput.WriteLine(command(h));
            holders[h].StandardInput.Flush();
        }

        for (int h = 0; h < holders.Count; h++)
        {
            string? answer = holders[h].StandardOutput.ReadLine();
            if (answer is null || !answer.StartsWith("ok", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"holder {h}: {answer ?? "exited"}");
            }
        }
    }

    /// <summary>Asks the holders to reset their sockets and exit; kills those that do not within a minute.</summary>
    public static void Stop(IReadOnlyList<Process> holders, Action<string> log)
    {
        foreach (var p in holders)
        {
            try
            {
                p.StandardInput.WriteLine("quit");
                p.StandardInput.Close();
            }
            catch (IOException)
            {
            }
        }

        foreach (var p in holders)
        {
            if (!p.WaitForExit(60_000))
            {
                log($"  holder {p.Id} did not exit; killing it");
                p.Kill();
                p.WaitForExit();
            }

            p.Dispose();
        }
    }

    /// <summary>The kernel-wide count of allocated TCP sockets (the 'alloc' of /proc/net/sockstat, which ss -s prints as TCP: N).</summary>
    public static long TcpAllocated()
    {
        var m = Regex.Match(File.ReadAllText("/proc/net/sockstat"), @"TCP: .*alloc (\d+)");
        return m.Success ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Current = null;
        var sw = Stopwatch.StartNew();
        Stop(_holders, _log);
        Tools.Run(null, "ip", ["netns", "del", Name], check: false);

        // The namespace's TIME-WAIT and remaining sockets go when the kernel cleans it up, asynchronously.
        long slack = 500 + (Composition.Target / 50);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        long now;
        while ((now = TcpAllocated()) > _baselineAlloc + slack && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(250);
        }

        _log($"  torn down in {sw.Elapsed.TotalSeconds:F1} s; TCP sockets allocated kernel-wide: {now} (before: {_baselineAlloc})");
        if (now > _baselineAlloc + slack)
        {
            Notes.Add($"after teardown the kernel still had {now} TCP sockets allocated (before: {_baselineAlloc}); other work on the machine?");
        }
    }
}
