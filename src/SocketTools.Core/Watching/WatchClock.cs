using System.Diagnostics;

namespace SocketTools.Watching;

/// <summary>
/// The time source of a watch: a monotonic clock to schedule samples on, the wall clock for
/// timestamps, and a cancellable wait. Tests drive a manual one.
/// </summary>
public abstract class WatchClock
{
    /// <summary>The machine's clocks: Stopwatch for scheduling, DateTime.Now for timestamps.</summary>
    public static WatchClock System { get; } = new SystemWatchClock();

    /// <summary>Monotonic time since an arbitrary origin.</summary>
    public abstract TimeSpan Elapsed { get; }

    /// <summary>The wall-clock time, for timestamps only.</summary>
    public abstract DateTime Now { get; }

    /// <summary>
    /// Waits until <see cref="Elapsed"/> reaches <paramref name="target"/>; returns false at once
    /// when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public abstract bool WaitUntil(TimeSpan target, CancellationToken cancellationToken);

    private sealed class SystemWatchClock : WatchClock
    {
        public override TimeSpan Elapsed => Stopwatch.GetElapsedTime(0);

        public override DateTime Now => DateTime.Now;

        public override bool WaitUntil(TimeSpan target, CancellationToken cancellationToken)
        {
            while (true)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return false;
                }

                var remaining = target - Elapsed;
                if (remaining <= TimeSpan.Zero)
                {
                    return true;
                }

                // Round up so that the wait never ends before the target; the loop re-checks anyway.
                int ms = (int)Math.Min(int.MaxValue - 1, Math.Ceiling(remaining.TotalMilliseconds));
                if (cancellationToken.WaitHandle.WaitOne(ms))
                {
                    return false;
                }
            }
        }
    }
}
