using System.Globalization;
using System.Text;

namespace SocketTools.Benchmarks;

/// <summary>One comparison: ours against theirs, with the issue's target when there is one.</summary>
internal sealed record Row(string Case, Sample Ours, Sample Theirs, string? Target, Func<double, bool>? Meets)
{
    public double Ratio => Ours.MedianMs / Theirs.MedianMs;
}

/// <summary>Everything measured at one population size.</summary>
internal sealed class SizeResult(int size)
{
    public int Size => size;

    public string LoadBefore { get; set; } = "";

    public string LoadAfter { get; set; } = "";

    public string Census { get; set; } = "";

    public List<Row> Rows { get; } = [];

    public Sample? Enumeration { get; set; }

    public MemoryResult? Memory { get; set; }

    public string? OwnersCheck { get; set; }

    public List<string> Notes { get; } = [];

    public void Add(string name, Sample ours, Sample theirs, string? target, Func<double, bool>? meets) =>
        Rows.Add(new Row(name, ours, theirs, target, meets));
}

/// <summary>Renders the results as one Markdown document.</summary>
internal sealed class Report(Options options)
{
    public List<SizeResult> Sizes { get; } = [];

    /// <summary>The farm's census and notes (it is measured from pwsh only).</summary>
    public List<string> FarmNotes { get; } = [];

    public string Render()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("# SocketTools benchmarks");
        sb.AppendLine();
        sb.AppendLine(inv, $"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; kernel {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}; {Environment.ProcessorCount} CPUs; .NET {Environment.Version}");
        sb.AppendLine(inv, $"- {Version("ss", "-V")}; medians of up to {options.Repetitions} warm runs (budget {options.Budget.TotalSeconds:F0} s each)");
        sb.AppendLine("- ours: SocketReader.Read in process (TCP, the benchmark namespace); theirs: the whole process, forked inside the namespace, output read and discarded");
        sb.AppendLine("- ratio = ours / theirs (below 1: we are faster); targets apply at 100k sockets");
        sb.AppendLine();
        sb.AppendLine("| sockets | case | ours ms | against | theirs ms | ours/theirs | target | met |");
        sb.AppendLine("|--:|---|--:|---|--:|--:|---|---|");
        foreach (var s in Sizes)
        {
            foreach (var r in s.Rows)
            {
                bool ok = r.Ours.Ok && r.Theirs.Ok;
                string met = r.Meets is null || !ok ? "" : r.Meets(r.Ratio) ? "yes" : "NO";
                string target = r.Target ?? "";
                if (r.Case == "owners" && r.Target is not null && ok)
                {
                    target += string.Create(inv, $" (now {1 / r.Ratio:F1}×)");
                }

                if (r.Case == "owners" && s.OwnersCheck?.StartsWith("0 of", StringComparison.Ordinal) == true)
                {
                    met = "n/a";
                    target += " — the core returned no owners";
                }

                sb.AppendLine(inv, $"| {Size(s.Size)} | {r.Case} | {Ms(r.Ours)} | {r.Theirs.Name} | {Ms(r.Theirs)} | {(ok ? r.Ratio.ToString("F2", inv) : "–")} | {target} | {met} |");
            }
        }

        sb.AppendLine();
        sb.AppendLine("## Growth (time per socket, core enumeration)");
        sb.AppendLine();
        var enumerations = Sizes.Where(s => s.Enumeration is { Ok: true } && s.Enumeration.Items > 0).ToList();
        foreach (var s in enumerations)
        {
            sb.AppendLine(inv, $"- {Size(s.Size)}: {s.Enumeration!.Items} sockets, {s.Enumeration.MedianMs * 1000 / s.Enumeration.Items:F2} µs/socket");
        }

        var small = enumerations.FirstOrDefault(s => s.Size == 10_000);
        var large = enumerations.FirstOrDefault(s => s.Size == 100_000);
        if (small is not null && large is not null)
        {
            double growth = (large.Enumeration!.MedianMs / large.Enumeration.Items) / (small.Enumeration!.MedianMs / small.Enumeration.Items);
            sb.AppendLine(inv, $"- 10k → 100k: per-socket time × {growth:F2} (linear: ≤ 1.2) — {(growth <= 1.2 ? "met" : "NOT met")}");
        }

        sb.AppendLine();
        sb.AppendLine("## Memory while streaming");
        sb.AppendLine();
        foreach (var s in Sizes.Where(s => s.Memory is not null))
        {
            string verdict = s.Size >= 100_000 ? (s.Memory!.PeakAboveBaselineMb <= 64 ? " — target ≤ 64 MB met" : " — target ≤ 64 MB NOT met") : "";
            sb.AppendLine(inv, $"- {Size(s.Size)}: {s.Memory}{verdict}");
        }

        sb.AppendLine();
        sb.AppendLine("## Populations and machine load");
        sb.AppendLine();
        foreach (var s in Sizes)
        {
            sb.AppendLine(inv, $"- {Size(s.Size)}: {s.Census}");
            sb.AppendLine(inv, $"  - load before: {s.LoadBefore}; after: {s.LoadAfter}");
            if (s.OwnersCheck is not null)
            {
                sb.AppendLine(inv, $"  - -IncludeProcess: {s.OwnersCheck}");
            }

            foreach (string note in s.Notes)
            {
                sb.AppendLine(inv, $"  - note: {note}");
            }
        }

        foreach (string note in FarmNotes)
        {
            sb.AppendLine(inv, $"- farm: {note}");
        }

        return sb.ToString();
    }

    private static string Size(int n) => n % 1000 == 0 ? (n / 1000).ToString(CultureInfo.InvariantCulture) + "k" : n.ToString(CultureInfo.InvariantCulture);

    private static string Ms(Sample s) => s.Ok ? s.MedianMs.ToString("F2", CultureInfo.InvariantCulture) : "–";

    private static string Version(string file, string arg)
    {
        try
        {
            return Tools.Run(null, file, arg).Trim().Split('\n')[0];
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return file + " (version unknown)";
        }
    }
}
