using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SocketTools.Benchmarks;

/// <summary>
/// The namespace farm of issue 14: many network namespaces (stt-bench-PID-N), each with its own holder
/// process started inside it (as a container has its own processes), holding a few hundred TCP sockets:
/// 12 listeners, ESTABLISHED pairs (a quarter IPv6), 1.5 % CLOSE-WAIT / FIN-WAIT-2 pairs, 2 % UDP and
/// 1 % unix pairs; no TIME-WAIT or half-open sockets, so the farm stays the same while it is held.
/// Disposing it resets the connections, ends the holders, deletes every namespace and waits until
/// the kernel's TCP tables are back near where they were.
/// </summary>
internal sealed partial class Farm : IDisposable
{
    private readonly List<Process> _holders = [];
    private readonly Action<string> _log;
    private readonly long _baselineAlloc;
    private bool _disposed;

    private Farm(int count, int sockets, Action<string> log)
    {
        Sockets = sockets;
        _log = log;
        _baselineAlloc = Population.TcpAllocated();
        string prefix = "stt-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-";
        Names = [.. Enumerable.Range(0, count).Select(n => prefix + n.ToString(CultureInfo.InvariantCulture))];
    }

    /// <summary>The namespaces' names.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>TCP sockets in each namespace.</summary>
    public int Sockets { get; }

    /// <summary>The holder processes' ids, one per namespace.</summary>
    public IEnumerable<int> HolderIds => _holders.Select(p => p.Id);

    /// <summary>Notes about the farm (a slow teardown…).</summary>
    public List<string> Notes { get; } = [];

    /// <summary>The farm being measured (for Ctrl+C).</summary>
    public static Farm? Current { get; private set; }

    /// <summary>Deletes farm namespaces left by an earlier run that was killed (stt-bench-PID-N whose PID is gone).</summary>
    public static void RemoveStale(Action<string> log) => Tools.RemoveStaleNamespaces("stt-bench-*", @"^stt-bench-(\d+)-\d+$", log);

    public static Farm Build(int count, int sockets, Action<string> log)
    {
        var farm = new Farm(count, sockets, log);
        Current = farm;
        try
        {
            farm.Create();
            return farm;
        }
        catch
        {
            farm.Dispose();
            throw;
        }
    }

    private void Create()
    {
        var sw = Stopwatch.StartNew();

        // TCP sockets: the listeners, 2 per pair, 2 per close-wait pair.
        int closeWait = Sockets * 15 / 1000;
        int pairs = Math.Max(0, (Sockets - Layout.ListenersPerHolder - (2 * closeWait)) / 2);
        int v6 = pairs / 4;
        string build = string.Join(' ', "build", pairs - v6, v6, closeWait, 0, 0, Sockets * 2 / 100, Sockets / 100);

        // Holders start in batches of 8 (each batch built before the next starts): 200 runtimes
        // starting at once put a load of 140 on this shared machine.
        const int Batch = 8;
        for (int first = 0; first < Names.Count; first += Batch)
        {
            var batch = new List<Process>();
            for (int n = first; n < Math.Min(first + Batch, Names.Count); n++)
            {
                Tools.Run(null, "ip", "netns", "add", Names[n]);
                Tools.Run(null, "ip", "-n", Names[n], "link", "set", "lo", "up");
                var holder = Population.StartHolder(Names[n], 0, _log);
                _holders.Add(holder);
                batch.Add(holder);
            }

            Population.Broadcast(batch, _ => build);
        }

        _log($"  built {Names.Count} namespaces, one holder each ({build}) in {sw.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>The TCP sockets ss counts in the first and last namespace, and the total.</summary>
    public string Census()
    {
        long Count(string ns) => Tools.Run(ns, "ss", "-tanH").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        return $"{Names.Count} namespaces, one holder process each; TCP sockets (ss -tan): {Count(Names[0])} in {Names[0]}, " +
            $"{Count(Names[^1])} in {Names[^1]}; TCP allocated kernel-wide: {Population.TcpAllocated()}";
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
        Population.Stop(_holders, _log);
        foreach (string name in Names)
        {
            if (File.Exists("/run/netns/" + name))
            {
                Tools.Run(null, "ip", ["netns", "del", name], check: false);
            }
        }

        long slack = 500 + (Names.Count * Sockets / 50);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        long now;
        while ((now = Population.TcpAllocated()) > _baselineAlloc + slack && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(250);
        }

        _log($"  farm torn down in {sw.Elapsed.TotalSeconds:F1} s; TCP sockets allocated kernel-wide: {now} (before: {_baselineAlloc})");
        if (now > _baselineAlloc + slack)
        {
            Notes.Add($"after teardown the kernel still had {now} TCP sockets allocated (before: {_baselineAlloc}); other work on the machine?");
        }
    }


}
