using System.Diagnostics;

namespace SocketTools.Benchmarks;

/// <summary>The result of timing one thing: the median of the warm repetitions, and what it returned.</summary>
internal sealed record Sample(string Name, double MedianMs, double MinMs, int Repetitions, long Items)
{
    public static Sample Skipped(string name) => new(name, double.NaN, double.NaN, 0, 0);

    public bool Ok => Repetitions > 0;
}

/// <summary>Times a piece of work: one warm-up call, then repetitions until the count or the time budget is reached.</summary>
internal sealed class Harness(int repetitions, TimeSpan budget, Action<string> log)
{
    public int Repetitions => repetitions;

    public TimeSpan Budget => budget;

    /// <summary>
    /// Times <paramref name="work"/> (which returns how many items it produced). <paramref name="before"/>
    /// runs before the timed repetitions, told how long they are expected to take (for TIME-WAIT refresh).
    /// </summary>
    public Sample Measure(string name, Func<long> work, Action<TimeSpan>? before = null)
    {
        try
        {
            var sw = Stopwatch.StartNew();
            long items = work();
            var warm = sw.Elapsed;
            int reps = repetitions;
            var expected = TimeSpan.FromTicks(Math.Min(budget.Ticks, warm.Ticks * reps));
            if (before is not null)
            {
                var pause = Stopwatch.StartNew();
                before(expected);
                if (pause.Elapsed > TimeSpan.FromSeconds(1))
                {
                    work();   // warm again after a pause
                }
            }

            var times = new List<double>(reps);
            var total = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++)
            {
                sw.Restart();
                items = work();
                times.Add(sw.Elapsed.TotalMilliseconds);
                if (total.Elapsed > budget && times.Count >= 3)
                {
                    break;
                }
            }

            times.Sort();
            double median = times.Count % 2 == 1
                ? times[times.Count / 2]
                : (times[(times.Count / 2) - 1] + times[times.Count / 2]) / 2;
            var sample = new Sample(name, median, times[0], times.Count, items);
            log($"    {name,-44} {median,10:F2} ms  (min {times[0]:F2}, n={times.Count}, items {items})");
            return sample;
        }
        catch (Exception e)
        {
            log($"    {name,-44} failed: {e.GetType().Name}: {e.Message}");
            return Sample.Skipped(name);
        }
    }
}
