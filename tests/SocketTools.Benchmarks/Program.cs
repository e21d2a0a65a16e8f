using System.Globalization;
using System.Text;
using SocketTools.Query;

namespace SocketTools.Benchmarks;

/// <summary>Command-line options.</summary>
internal sealed class Options
{
    public List<int> Sizes { get; } = [];

    public int Repetitions { get; set; } = 10;

    public TimeSpan Budget { get; set; } = TimeSpan.FromSeconds(15);

    public string Output { get; set; } = Path.Combine("output", "bench", "benchmarks.md");

    public HashSet<string> Cases { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static readonly string[] AllCases = ["enum", "filter", "owners", "info", "memory"];

    public const string Usage = """
        SocketTools.Benchmarks: times the core against ss, netstat and lsof on a socket population it
        builds in its own network namespace (root required; nothing outside the namespace is touched).

          --sizes LIST     TCP socket counts, e.g. 1k,10k,100k (default)
          --reps N         warm repetitions per measurement; the median is reported (default 10)
          --budget SEC     stop repeating a measurement after SEC seconds (at least 3 runs; default 15)
          --cases LIST     enum,filter,owners,info,memory (default: all)
          --out PATH       where the Markdown table is written (default output/bench/benchmarks.md)
          --quick          smoke run: --sizes 1k --reps 3 --budget 5
          --help           this text
        """;

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--sizes":
                    o.Sizes.Clear();
                    o.Sizes.AddRange(Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseSize));
                    break;
                case "--reps":
                    o.Repetitions = Math.Max(1, int.Parse(Next(), CultureInfo.InvariantCulture));
                    break;
                case "--budget":
                    o.Budget = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture));
                    break;
                case "--cases":
                    foreach (string c in Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        o.Cases.Add(AllCases.Contains(c, StringComparer.OrdinalIgnoreCase) ? c : throw new ArgumentException($"unknown case '{c}'"));
                    }

                    break;
                case "--out":
                    o.Output = Next();
                    break;
                case "--quick":
                    o.Sizes.Clear();
                    o.Sizes.Add(1000);
                    o.Repetitions = 3;
                    o.Budget = TimeSpan.FromSeconds(5);
                    break;
                default:
                    throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }

        if (o.Sizes.Count == 0)
        {
            o.Sizes.AddRange([1_000, 10_000, 100_000]);
        }

        if (o.Cases.Count == 0)
        {
            o.Cases.UnionWith(AllCases);
        }

        return o;
    }

    public static int ParseSize(string text)
    {
        text = text.Trim().ToLowerInvariant();
        int factor = text.EndsWith('k') ? 1000 : 1;
        int n = int.Parse(factor == 1 ? text : text[..^1], CultureInfo.InvariantCulture) * factor;
        return n is >= 100 and <= 200_000 ? n : throw new ArgumentException($"size {text} is outside 100..200k");
    }
}

internal static class Program
{
    private static readonly object LogLock = new();

    public static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "--hold")
        {
            return Holder.Run(int.Parse(args[1], CultureInfo.InvariantCulture));
        }

        Options options;
        try
        {
            if (args.Contains("--help") || args.Contains("-h"))
            {
                Console.WriteLine(Options.Usage);
                return 0;
            }

            options = Options.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Options.Usage);
            return 2;
        }

        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            Console.Error.WriteLine("The benchmarks need Linux and root: they create and delete a network namespace.");
            return 2;
        }

        var report = new Report(options);
        Console.CancelKeyPress += (_, e) => e.Cancel = false;
        foreach (int size in options.Sizes)
        {
            RunSize(size, options, report);
        }

        string text = report.Render();
        Console.WriteLine();
        Console.WriteLine(text);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(options.Output));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        File.WriteAllText(options.Output, text);
        Console.WriteLine($"Written to {Path.GetFullPath(options.Output)}");
        return 0;
    }

    public static void Log(string line)
    {
        lock (LogLock)
        {
            Console.WriteLine(line);
        }
    }

    private static void RunSize(int size, Options options, Report report)
    {
        Log($"== {size} TCP sockets; load {Load()}");
        var result = new SizeResult(size) { LoadBefore = Load() };
        report.Sizes.Add(result);
        using (var population = Population.Build(size, Log))
        {
            string ns = population.Name;
            result.Census = population.Census();
            Log("  " + result.Census);
            var h = new Harness(options.Repetitions, options.Budget, Log);
            var tcp = new QueryParameters { Protocol = [SocketProtocol.Tcp], NetworkNamespace = ns };
            Action<TimeSpan> tw = population.EnsureTimeWait;

            if (options.Cases.Contains("enum"))
            {
                var q = tcp.ToQuery();
                uint all = q.States.KernelMask(SocketProtocol.Tcp);
                var ours = h.Measure("core enumeration (SocketReader.Read)", () => Count(q), tw);
                var floor = h.Measure("netlink dump, no decoding (floor)", () => NetlinkFloor.Count(ns, all), tw);
                var ss = h.Measure("ss -tan", () => Tools.TimedRun(ns, "ss", ["-tan"]) - 1, tw);
                result.Add("enumeration", ours, floor, "≤ 1.2× floor", r => r <= 1.2);
                result.Add("enumeration", ours, ss, null, null);
                result.Enumeration = ours;
            }

            if (options.Cases.Contains("filter"))
            {
                var q = new QueryParameters { Protocol = [SocketProtocol.Tcp], NetworkNamespace = ns, State = ["TimeWait"] }.ToQuery();
                var ours = h.Measure("-State TimeWait", () => Count(q), tw);
                var ss = h.Measure("ss -tan state time-wait", () => Tools.TimedRun(ns, "ss", ["-tan", "state", "time-wait"]) - 1, tw);
                result.Add("-State TimeWait", ours, ss, "≤ 1.2× ss", r => r <= 1.2);

                string port = Layout.Port(0, 0).ToString(CultureInfo.InvariantCulture);
                var pq = new QueryParameters { Protocol = [SocketProtocol.Tcp], NetworkNamespace = ns, LocalPort = [port] }.ToQuery();
                var oursPort = h.Measure($"-LocalPort {port}", () => Count(pq), tw);
                var ssPort = h.Measure($"ss -tan 'sport = :{port}'", () => Tools.TimedRun(ns, "ss", ["-tan", $"sport = :{port}"]) - 1, tw);
                result.Add($"-LocalPort {port}", oursPort, ssPort, "≤ 1.2× ss", r => r <= 1.2);
            }

            if (options.Cases.Contains("owners"))
            {
                var q = new QueryParameters { Protocol = [SocketProtocol.Tcp], NetworkNamespace = ns, IncludeProcess = true }.ToQuery();
                var ours = h.Measure("-IncludeProcess", () => Count(q), tw);
                var ss = h.Measure("ss -tanp", () => Tools.TimedRun(ns, "ss", ["-tanp"]) - 1, tw);
                result.Add("owners", ours, ss, "≥ 15× faster", r => r <= 1.0 / 15);
                result.OwnersCheck = OwnersFound(q);
                if (Tools.Exists("netstat"))
                {
                    result.Add("owners", ours, h.Measure("netstat -tanp", () => Tools.TimedRun(ns, "netstat", ["-tanp"]) - 2, tw), null, null);
                }

                if (Tools.Exists("lsof"))
                {
                    result.Add("owners", ours, h.Measure("lsof -nP -i", () => Tools.TimedRun(ns, "lsof", ["-nP", "-i"]) - 1, tw), null, null);
                }
            }

            if (options.Cases.Contains("info"))
            {
                var q = new QueryParameters { Protocol = [SocketProtocol.Tcp], NetworkNamespace = ns, Info = true }.ToQuery();
                var ours = h.Measure("-Info", () => Count(q), tw);
                var ss = h.Measure("ss -tani", () => Tools.TimedRun(ns, "ss", ["-tani"]) - 1, tw);
                result.Add("-Info", ours, ss, null, null);
            }

            if (options.Cases.Contains("memory"))
            {
                result.Memory = Memory.Stream(tcp.ToQuery());
                Log($"    streaming memory: {result.Memory}");
            }

            result.LoadAfter = Load();
            population.EnsureTimeWait(TimeSpan.Zero);
            result.Notes.AddRange(population.Notes);
        }

        Log($"  load {Load()}");
    }

    private static long Count(SocketQuery query)
    {
        long n = 0;
        foreach (var _ in SocketReader.Read(query))
        {
            n++;
        }

        return n;
    }

    /// <summary>How many sockets came back with owners (0 until the owner index lands).</summary>
    private static string OwnersFound(SocketQuery query)
    {
        long all = 0, owned = 0;
        foreach (var s in SocketReader.Read(query))
        {
            all++;
            if (s.Owners.Length > 0)
            {
                owned++;
            }
        }

        return $"{owned} of {all} sockets have owners";
    }

    public static string Load() => File.ReadAllText("/proc/loadavg").Trim();
}

/// <summary>Peak memory while streaming: VmHWM above the resident size before, and bytes allocated per socket.</summary>
internal sealed record MemoryResult(long Sockets, double PeakAboveBaselineMb, double AllocatedMb, double HeapAfterMb)
{
    public double BytesPerSocket => Sockets == 0 ? 0 : AllocatedMb * 1024 * 1024 / Sockets;

    public override string ToString() =>
        $"{Sockets} sockets: peak RSS +{PeakAboveBaselineMb:F1} MB over baseline, {AllocatedMb:F1} MB allocated ({BytesPerSocket:F0} B/socket), heap after {HeapAfterMb:F1} MB";
}

internal static class Memory
{
    public static MemoryResult Stream(SocketQuery query)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        File.WriteAllText("/proc/self/clear_refs", "5");   // resets VmHWM to the current RSS
        long baseline = StatusKb("VmRSS");
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        long n = 0;
        foreach (var _ in SocketReader.Read(query))
        {
            n++;
        }

        long peak = StatusKb("VmHWM");
        double alloc = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0;
        return new MemoryResult(n, (peak - baseline) / 1024.0, alloc, GC.GetTotalMemory(false) / 1048576.0);
    }

    private static long StatusKb(string key)
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
