using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using SocketTools.Query;

namespace SocketTools.Benchmarks;

/// <summary>Command-line options.</summary>
internal sealed class Options
{
    public List<int> Sizes { get; } = [];

    public int Repetitions { get; set; } = 10;

    public TimeSpan Budget { get; set; } = TimeSpan.FromSeconds(15);

    public string Output { get; set; } = Path.Combine(RepositoryRoot(), "output", "bench", "benchmarks.md");

    /// <summary>The folder holding SocketTools.sln above the app, or the current directory.</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SocketTools.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    public HashSet<string> Cases { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>When set: after the cases of each size, the population stays up while this file exists.</summary>
    public string? HoldOpen { get; set; }

    /// <summary>The namespace farm (issue 14): how many namespaces, and TCP sockets in each; 0 namespaces: none.</summary>
    public (int Namespaces, int Sockets) Farm { get; set; } = (200, 500);

    public static readonly string[] AllCases = ["enum", "filter", "owners", "info", "memory", "profile"];

    /// <summary>The cases run when --cases is not given (profile is on demand).</summary>
    public static readonly string[] DefaultCases = ["enum", "filter", "owners", "info", "memory"];

    public const string Usage = """
        SocketTools.Benchmarks: times the core against ss, netstat and lsof on a socket population it
        builds in its own network namespace (root required; nothing outside the namespace is touched).

          --sizes LIST     TCP socket counts, e.g. 1k,10k,100k (default: 10k,100k,300k; at most 300k)
          --reps N         warm repetitions per measurement; the median is reported (default 10)
          --budget SEC     stop repeating a measurement after SEC seconds (at least 3 runs; default 15)
          --cases LIST     enum,filter,owners,info,memory (default: all of these), and profile:
                           the enumeration layer by layer (floor, receive loop, decoding, source, reader);
                           none: no in-process case (the populations are only built, e.g. for --hold-open)
          --out PATH       where the Markdown table is written (default: output/bench/benchmarks.md in the repository)
          --hold-open FILE after the cases of each size, keep its population up while FILE exists
                           (the file is created; delete it to tear down): for profiling by hand, and
                           for the pwsh measurements (Measure-Pwsh.ps1). Its first line lists the
                           namespaces, the second says what they hold ("population N" or "farm N M"),
                           the third the holder pids. While it exists, writing SEC into FILE.tw makes
                           sure the TIME-WAIT sockets outlive the next SEC seconds (FILE.tw is deleted
                           when they do).
          --farm NxM       with --hold-open, after the sizes: N namespaces with M TCP sockets each,
                           one holder process in each (default 200x500; 0: no farm)
          --quick          smoke run: --sizes 1k --reps 3 --budget 5 --farm 10x500
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
                    o.CasesGiven = true;
                    foreach (string c in Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (c.Equals("none", StringComparison.OrdinalIgnoreCase))
                        {
                            continue;
                        }

                        o.Cases.Add(AllCases.Contains(c, StringComparer.OrdinalIgnoreCase) ? c : throw new ArgumentException($"unknown case '{c}'"));
                    }

                    break;
                case "--out":
                    o.Output = Next();
                    break;
                case "--hold-open":
                    o.HoldOpen = Next();
                    break;
                case "--farm":
                    o.Farm = ParseFarm(Next());
                    break;
                case "--quick":
                    o.Sizes.Clear();
                    o.Sizes.Add(1000);
                    o.Repetitions = 3;
                    o.Budget = TimeSpan.FromSeconds(5);
                    o.Farm = (10, 500);
                    break;
                default:
                    throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }

        if (o.Sizes.Count == 0)
        {
            o.Sizes.AddRange([10_000, 100_000, 300_000]);
        }

        if (o.Cases.Count == 0 && !o.CasesGiven)
        {
            o.Cases.UnionWith(DefaultCases);
        }

        return o;
    }

    public static int ParseSize(string text)
    {
        text = text.Trim().ToLowerInvariant();
        int factor = text.EndsWith('k') ? 1000 : 1;
        int n = int.Parse(factor == 1 ? text : text[..^1], CultureInfo.InvariantCulture) * factor;
        return n is >= 100 and <= 300_000 ? n : throw new ArgumentException($"size {text} is outside 100..300k");
    }

    /// <summary>NxM (200x500), or 0 / none for no farm.</summary>
    public static (int Namespaces, int Sockets) ParseFarm(string text)
    {
        if (text is "0" or "none")
        {
            return (0, 0);
        }

        string[] w = text.ToLowerInvariant().Split('x');
        if (w.Length != 2)
        {
            throw new ArgumentException($"--farm {text}: expected NxM, e.g. 200x500");
        }

        int n = int.Parse(w[0], CultureInfo.InvariantCulture), m = ParseSize(w[1]);
        return n is >= 1 and <= 1000 ? (n, m) : throw new ArgumentException($"--farm {text}: 1..1000 namespaces");
    }

    /// <summary>Whether --cases was given (--cases none leaves no case).</summary>
    public bool CasesGiven { get; private set; }
}

internal static class Program
{
    private static readonly object LogLock = new();
    private static readonly object TeardownLock = new();

    public static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "--hold")
        {
            return Holder.Run(int.Parse(args[1], CultureInfo.InvariantCulture));
        }

        if (args.Length == 2 && args[0] == "--memory")
        {
            Console.WriteLine(Memory.Measure(args[1]).ToLine());
            return 0;
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
        Population.RemoveStale(Log);
        Farm.RemoveStale(Log);

        // Ctrl+C, or SIGTERM from the pwsh driver when it fails: reset the population or farm and
        // delete the namespaces before leaving.
        void Interrupted(PosixSignalContext context)
        {
            context.Cancel = true;
            lock (TeardownLock)
            {
                // A second signal waits here until the first teardown is done.
                Log($"{context.Signal}: tearing the population down");
                Population.Current?.Dispose();
                Farm.Current?.Dispose();
                Environment.Exit(130);
            }
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupted);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupted);
        foreach (int size in options.Sizes)
        {
            RunSize(size, options, report);
        }

        if (options.HoldOpen is { } holdFile && options.Farm.Namespaces > 0)
        {
            RunFarm(options, holdFile, report);
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
            var tcp = new QueryParameters { Protocol = [SocketProtocol.Tcp], NetworkNamespace = [ns] };
            Action<TimeSpan> tw = population.EnsureTimeWait;

            if (options.Cases.Contains("enum"))
            {
                var q = tcp.ToQuery();
                uint all = q.States.KernelMask(SocketProtocol.Tcp);
                var r = h.Compare(
                [
                    ("core enumeration (SocketReader.Read)", () => Count(q)),
                    ("netlink dump, no decoding (floor)", () => NetlinkFloor.Count(ns, all)),
                    ("ss -tan", () => Tools.TimedRun(ns, "ss", ["-tan"]) - 1),
                ], tw);
                var (ours, floor, ss) = (r[0], r[1], r[2]);
                result.Add("enumeration", ours, floor, "≤ 1.2× floor", x => x <= 1.2);
                result.Add("enumeration", ours, ss, null, null);
                result.Enumeration = ours;
            }

            if (options.Cases.Contains("filter"))
            {
                uint all = StateSet.All.KernelMask(SocketProtocol.Tcp);
                var q = new QueryParameters { Protocol = [SocketProtocol.Tcp], NetworkNamespace = [ns], State = ["TimeWait"] }.ToQuery();
                var r = h.Compare(
                [
                    ("-State TimeWait", () => Count(q)),
                    ("ss -tan state time-wait", () => Tools.TimedRun(ns, "ss", ["-tan", "state", "time-wait"]) - 1),
                    ("netlink dump, state time-wait, no decoding", () => NetlinkFloor.Count(ns, q.States.KernelMask(SocketProtocol.Tcp))),
                ], tw);
                result.Add("-State TimeWait", r[0], r[1], "≤ 1.2× ss", x => x <= 1.2);
                result.Add("-State TimeWait", r[0], r[2], null, null);

                string port = Layout.Port(0, 0).ToString(CultureInfo.InvariantCulture);
                var pq = new QueryParameters { Protocol = [SocketProtocol.Tcp], NetworkNamespace = [ns], LocalPort = [port] }.ToQuery();
                var rp = h.Compare(
                [
                    ($"-LocalPort {port}", () => Count(pq)),
                    ($"ss -tan 'sport = :{port}'", () => Tools.TimedRun(ns, "ss", ["-tan", $"sport = :{port}"]) - 1),
                    ("netlink dump, port bytecode, no decoding", () => NetlinkFloor.Count(ns, all, 6, Layout.Port(0, 0))),
                ], tw);
                result.Add($"-LocalPort {port}", rp[0], rp[1], "≤ 1.2× ss", x => x <= 1.2);
                result.Add($"-LocalPort {port}", rp[0], rp[2], null, null);
            }

            if (options.Cases.Contains("owners"))
            {
                var q = new QueryParameters { Protocol = [SocketProtocol.Tcp], NetworkNamespace = [ns], IncludeProcess = true }.ToQuery();
                var works = new List<(string, Func<long>)>
                {
                    ("-IncludeProcess", () => Count(q)),
                    ("ss -tanp", () => Tools.TimedRun(ns, "ss", ["-tanp"]) - 1),
                };
                if (Tools.Exists("netstat"))
                {
                    works.Add(("netstat -tanp", () => Tools.TimedRun(ns, "netstat", ["-tanp"]) - 2));
                }

                if (Tools.Exists("lsof"))
                {
                    works.Add(("lsof -nP -i", () => Tools.TimedRun(ns, "lsof", ["-nP", "-i"]) - 1));
                }

                var r = h.Compare([.. works], tw);
                result.Add("owners", r[0], r[1], "≥ 15× faster", x => x <= 1.0 / 15);
                foreach (var other in r.Skip(2))
                {
                    result.Add("owners", r[0], other, null, null);
                }

                result.OwnersCheck = OwnersFound(q);
            }

            if (options.Cases.Contains("info"))
            {
                var q = new QueryParameters { Protocol = [SocketProtocol.Tcp], NetworkNamespace = [ns], Info = true }.ToQuery();
                var r = h.Compare(
                [
                    ("-Info", () => Count(q)),
                    ("ss -tani", () => Tools.TimedRun(ns, "ss", ["-tani"]) - 1),
                ], tw);
                var (ours, ss) = (r[0], r[1]);
                result.Add("-Info", ours, ss, null, null);
            }

            if (options.Cases.Contains("memory"))
            {
                result.Memory = Memory.InFreshProcess(ns);
                Log($"    streaming memory: {result.Memory}");
            }

            if (options.Cases.Contains("profile"))
            {
                result.Notes.AddRange(Profile.Run(ns, h));
            }

            result.LoadAfter = Load();
            if (options.HoldOpen is { } file)
            {
                Hold(file, [ns], $"population {size}", population.HolderIds, population.EnsureTimeWait);
            }

            population.EnsureTimeWait(TimeSpan.Zero);
            result.Notes.AddRange(population.Notes);
        }

        Log($"  load {Load()}");
    }

    /// <summary>
    /// Keeps what <paramref name="names"/> hold up while <paramref name="file"/> exists (see --hold-open);
    /// answers the FILE.tw requests with <paramref name="ensureTimeWait"/>.
    /// </summary>
    private static void Hold(string file, IReadOnlyList<string> names, string kind, IEnumerable<int> holders, Action<TimeSpan>? ensureTimeWait)
    {
        string request = file + ".tw";
        File.Delete(request);
        File.WriteAllText(file, string.Join(' ', names) + "\n" + kind + "\n" + string.Join(' ', holders) + "\n");
        Log($"  holding {kind} in {(names.Count == 1 ? "namespace " + names[0] : names.Count + " namespaces")} while {file} exists");
        while (File.Exists(file))
        {
            if (File.Exists(request))
            {
                string text = File.ReadAllText(request).Trim();
                if (text.Length > 0 && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
                {
                    ensureTimeWait?.Invoke(TimeSpan.FromSeconds(seconds));
                    File.Delete(request);
                }
            }

            Thread.Sleep(20);
        }

        File.Delete(request);
    }

    /// <summary>The namespace farm of issue 14, held for the pwsh measurements (it has no in-process case).</summary>
    private static void RunFarm(Options options, string file, Report report)
    {
        var (count, sockets) = options.Farm;
        Log($"== farm: {count} namespaces × {sockets} TCP sockets; load {Load()}");
        using var farm = Farm.Build(count, sockets, Log);
        Log("  " + farm.Census());
        Hold(file, farm.Names, $"farm {count} {sockets}", farm.HolderIds, null);
        report.FarmNotes.Add(farm.Census());
        farm.Dispose();
        report.FarmNotes.AddRange(farm.Notes);
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
            if (s.Owners.Count > 0)
            {
                owned++;
            }
        }

        return $"{owned} of {all} sockets have owners";
    }

    public static string Load() => File.ReadAllText("/proc/loadavg").Trim();
}

/// <summary>Peak memory while streaming: VmHWM above the resident size before, and bytes allocated per socket.</summary>
internal sealed record MemoryResult(long Sockets, double BaselineMb, double PeakAboveBaselineMb, double AllocatedMb)
{
    public double BytesPerSocket => Sockets == 0 ? 0 : AllocatedMb * 1024 * 1024 / Sockets;

    public string ToLine() => string.Join(' ', new object[] { Sockets, BaselineMb, PeakAboveBaselineMb, AllocatedMb }
        .Select(o => Convert.ToString(o, CultureInfo.InvariantCulture)));

    public static MemoryResult FromLine(string line)
    {
        string[] w = line.Trim().Split(' ');
        return new MemoryResult(long.Parse(w[0], CultureInfo.InvariantCulture), double.Parse(w[1], CultureInfo.InvariantCulture),
            double.Parse(w[2], CultureInfo.InvariantCulture), double.Parse(w[3], CultureInfo.InvariantCulture));
    }

    public override string ToString() =>
        $"{Sockets} sockets streamed: peak RSS {PeakAboveBaselineMb:F1} MB above the baseline of {BaselineMb:F1} MB; {AllocatedMb:F1} MB allocated in all ({BytesPerSocket:F0} B/socket)";
}

/// <summary>
/// Peak memory of the core while it streams every TCP socket of the namespace, measured in a fresh
/// process (<c>--memory NS</c>) so nothing else this benchmark did is in its heap: the code paths are
/// warmed with a LISTEN-only query, then VmHWM is reset (clear_refs 5) and compared after the stream.
/// </summary>
internal static class Memory
{
    public static MemoryResult InFreshProcess(string ns)
    {
        string self = Environment.ProcessPath!;
        var args = new List<string>();
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            args.Add(typeof(Memory).Assembly.Location);
        }

        args.AddRange(["--memory", ns]);
        return MemoryResult.FromLine(Tools.Run(null, self, [.. args]));
    }

    public static MemoryResult Measure(string ns)
    {
        var warm = new SocketQuery { Protocols = [SocketProtocol.Tcp], NetworkNamespace = ns, States = StateSet.Listening };
        for (int i = 0; i < 3; i++)
        {
            SocketReader.Read(warm).LongCount();
        }

        var query = warm with { States = StateSet.All };
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
        return new MemoryResult(n, baseline / 1024.0, (peak - baseline) / 1024.0, alloc);
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
