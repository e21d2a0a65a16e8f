using System.Diagnostics;

namespace SocketTools.Benchmarks;

/// <summary>The result of timing one thing: the median of the warm repetitions, and what it returned.</summary>
internal sealed record Sample(string Name, double MedianMs, double MinMs, int Repetitions, long Items)
{
    public static Sample Skipped(string name) => new(name, double.NaN, double.NaN, 0, 0);

    public bool Ok => Repetitions > 0;
}

/// <summary>
/// Times pieces of work that are compared with each other. They run interleaved (A B C A B C …),
/// so a change in the machine's load (this machine is shared) hits all of them alike: one warm-up
/// call each, then rounds until the repetition count, or the time budget after at least 3 rounds.
/// </summary>
internal sealed class Harness(int repetitions, TimeSpan budget, Action<string> log)
{
    public int Repetitions => repetitions;

    public TimeSpan Budget => budget;

    /// <summary>Times one piece of work (which returns how many items it produced).</summary>
    public Sample Measure(string name, Func<long> work, Action<TimeSpan>? before = null) =>
        Compare([(name, work)], before)[0];

    /// <summary>
    /// Times several pieces of work interleaved. <paramref name="before"/> runs (untimed) before each
    /// call, told how long that call may take (twice its last time): the TIME-WAIT refresh.
    /// </summary>
    public Sample[] Compare((string Name, Func<long> Work)[] works, Action<TimeSpan>? before = null)
    {
        int k = works.Length;
        var times = new List<double>[k];
        var items = new long[k];
        var failed = new string?[k];
        var sw = new Stopwatch();
        var last = new TimeSpan[k];
        for (int i = 0; i < k; i++)
        {
            times[i] = new List<double>(repetitions);
            before?.Invoke(TimeSpan.FromSeconds(5));
            sw.Restart();
            failed[i] = Try(works[i].Work, ref items[i]);
            last[i] = sw.Elapsed;
        }

        var total = Stopwatch.StartNew();
        for (int round = 0; round < repetitions; round++)
        {
            // Each round starts one further along (A B C, B C A, C A B …): no work always follows the same one.
            for (int j = 0; j < k; j++)
            {
                int i = (round + j) % k;
                if (failed[i] is not null)
                {
                    continue;
                }

                before?.Invoke(last[i] + last[i]);
                sw.Restart();
                failed[i] = Try(works[i].Work, ref items[i]);
                last[i] = sw.Elapsed;
                times[i].Add(last[i].TotalMilliseconds);
            }

            if (total.Elapsed > budget && round >= 2)
            {
                break;
            }
        }

        var samples = new Sample[k];
        for (int i = 0; i < k; i++)
        {
            string name = works[i].Name;
            if (failed[i] is not null || times[i].Count == 0)
            {
                log($"    {name,-48} failed: {failed[i]}");
                samples[i] = Sample.Skipped(name);
                continue;
            }

            var t = times[i];
            t.Sort();
            double median = t.Count % 2 == 1 ? t[t.Count / 2] : (t[(t.Count / 2) - 1] + t[t.Count / 2]) / 2;
            samples[i] = new Sample(name, median, t[0], t.Count, items[i]);
            log($"    {name,-48} {median,10:F2} ms  (min {t[0]:F2}, n={t.Count}, items {items[i]})");
        }

        return samples;
    }

    private static string? Try(Func<long> work, ref long items)
    {
        try
        {
            items = work();
            return null;
        }
        catch (Exception e)
        {
            return e.GetType().Name + ": " + e.Message;
        }
    }
}
