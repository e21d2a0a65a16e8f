using System.Net;
using SocketTools.Watching;

namespace SocketTools.Tests.Watching;

/// <summary>A clock the test moves: waits jump straight to their target.</summary>
internal sealed class ManualClock : WatchClock
{
    private static readonly DateTime Origin = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Local);

    public TimeSpan Now_ { get; set; } = TimeSpan.FromSeconds(100);

    public List<TimeSpan> Waits { get; } = [];

    public override TimeSpan Elapsed => Now_;

    public override DateTime Now => Origin + Now_;

    public override bool WaitUntil(TimeSpan target, CancellationToken cancellationToken)
    {
        Waits.Add(target);
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        if (target > Now_)
        {
            Now_ = target;
        }

        return true;
    }
}

/// <summary>Returns scripted socket lists, one per sample, and records when each read began.</summary>
internal sealed class ScriptedSampler(ManualClock clock, params Func<int, IReadOnlyList<SocketInfo>>[] samples) : ISocketSampler
{
    public List<TimeSpan> ReadAt { get; } = [];

    public TimeSpan ReadTime { get; set; }

    public Func<int, TimeSpan>? ReadTimeOf { get; set; }

    public Action<int>? OnRead { get; set; }

    public bool Disposed { get; private set; }

    public Func<SocketInfo, SocketInfo?>? FindOf { get; set; }

    public SocketInfo? Find(SocketInfo socket) => FindOf?.Invoke(socket);

    public IReadOnlyList<SocketInfo> Sample(CancellationToken cancellationToken)
    {
        int i = ReadAt.Count;
        ReadAt.Add(clock.Elapsed);
        OnRead?.Invoke(i);
        cancellationToken.ThrowIfCancellationRequested();
        clock.Now_ += ReadTimeOf?.Invoke(i) ?? ReadTime;
        return i < samples.Length ? samples[i](i) : samples[^1](i);
    }

    public void Dispose() => Disposed = true;
}

[Trait("Tier", "Offline")]
public sealed class TimerWatcherTests
{
    private static SocketInfo Tcp(ulong cookie, SocketState state, TimerKind kind, double timerMs, int retrans, int localPort = 40000) => new()
    {
        Protocol = SocketProtocol.Tcp,
        Family = SocketFamily.IPv4,
        Type = SocketKind.Stream,
        State = state,
        LocalAddress = "192.0.2.2",
        LocalPort = localPort,
        RemoteAddress = "192.0.2.1",
        RemotePort = 11111,
        TimerKind = kind,
        Timer = TimeSpan.FromMilliseconds(timerMs),
        Retransmits = retrans,
        Cookie = cookie,
    };

    private static IReadOnlyList<SocketInfo> None(int _) => [];

    [Fact]
    public void SamplesAreScheduledFromTheStartSoReadTimeDoesNotDrift()
    {
        var clock = new ManualClock();
        var sampler = new ScriptedSampler(clock, None) { ReadTime = TimeSpan.FromMilliseconds(300) };
        var watcher = new TimerWatcher(sampler, new TimerWatchOptions { Count = 5 }, clock);
        Assert.Empty(watcher.Run().ToList());
        var starts = sampler.ReadAt.Select(t => (t - sampler.ReadAt[0]).TotalMilliseconds).ToList();
        Assert.Equal([0, 1000, 2000, 3000, 4000], starts);
    }

    [Fact]
    public void AReadLongerThanTheIntervalSkipsTheMissedSlots()
    {
        var clock = new ManualClock();
        var sampler = new ScriptedSampler(clock, None)
        {
            ReadTimeOf = i => TimeSpan.FromMilliseconds(i == 1 ? 2500 : 100),
        };
        var warnings = new List<string>();
        var watcher = new TimerWatcher(sampler, new TimerWatchOptions { Count = 4 }, clock);
        watcher.Warning += warnings.Add;
        watcher.Run().ToList();
        var starts = sampler.ReadAt.Select(t => (t - sampler.ReadAt[0]).TotalMilliseconds).ToList();
        // The read at 1 s ended at 3.5 s: slots 2 s and 3 s are gone, the next is 4 s, still on the grid.
        Assert.Equal([0, 1000, 4000, 5000], starts);
        Assert.Single(warnings);
    }

    [Fact]
    public void TimeoutEndsTheWatchAtTheDeadline()
    {
        var clock = new ManualClock();
        var sampler = new ScriptedSampler(clock, None);
        var start = clock.Elapsed;
        var watcher = new TimerWatcher(sampler, new TimerWatchOptions { Timeout = TimeSpan.FromMilliseconds(2500) }, clock);
        watcher.Run().ToList();
        Assert.Equal(3, sampler.ReadAt.Count);
        Assert.Equal(start + TimeSpan.FromMilliseconds(2500), clock.Elapsed);
    }

    [Fact]
    public void ChangesAreTrackedByCookie()
    {
        var clock = new ManualClock();
        var sampler = new ScriptedSampler(clock,
            _ => [Tcp(1, SocketState.SynSent, TimerKind.On, 1000, 0)],
            _ => [Tcp(1, SocketState.SynSent, TimerKind.On, 1000, 1)],                 // fired, sent again
            _ => [Tcp(1, SocketState.SynSent, TimerKind.On, 3000, 1)],                 // next sample: 3 s left (the new, longer RTO)
            _ => [Tcp(1, SocketState.SynSent, TimerKind.On, 3000, 1)],                 // 1 s later still 3 s left: pushed later before it was due
            _ => [Tcp(1, SocketState.Established, TimerKind.Off, 0, 0)],               // answered
            _ => [Tcp(1, SocketState.Established, TimerKind.On, 210, 0)],              // data sent: RTO armed
            _ => [Tcp(2, SocketState.Established, TimerKind.Off, 0, 0)]);              // same 4-tuple, new socket
        var watcher = new TimerWatcher(sampler, new TimerWatchOptions { Count = 7 }, clock);
        var samples = watcher.Run().ToList();
        Assert.Equal(
            [
                (1, 1UL, TimerChange.Appeared),
                (2, 1UL, TimerChange.Retransmitted),
                (3, 1UL, TimerChange.None),             // the 1000 ms timer was due: a later expiry is its successor
                (4, 1UL, TimerChange.TimerRestarted),   // 3000 ms left after 1 s on a 3000 ms timer: restarted
                (5, 1UL, TimerChange.StateChanged),
                (6, 1UL, TimerChange.TimerStarted),     // no timer before, the RTO now
                (7, 2UL, TimerChange.Appeared),
                (7, 1UL, TimerChange.Closed),
            ],
            samples.Select(s => (s.Sample, s.Cookie, s.Change)).ToList());
        Assert.Equal(SocketState.SynSent, samples[4].PreviousState);
        Assert.Null(samples[3].PreviousState);
        var closed = samples[^1];
        Assert.Equal(TimerKind.Off, closed.TimerKind);
        Assert.Equal(SocketState.Established, closed.State);
        Assert.Equal(40000, closed.LocalPort);
    }

    [Fact]
    public void ASocketThatLeavesTheSelectionGetsAFinalSampleNotClosed()
    {
        var clock = new ManualClock();
        var connected = Tcp(1, SocketState.Established, TimerKind.Off, 0, 0);
        var sampler = new ScriptedSampler(clock,
            _ => [Tcp(1, SocketState.SynSent, TimerKind.On, 1000, 1), Tcp(2, SocketState.SynSent, TimerKind.On, 1000, 1, 40001)],
            None,
            None)
        {
            FindOf = s => s.Cookie == 1 ? connected : null,   // 1 connected (out of -State SynSent); 2 gave up
        };
        var samples = new TimerWatcher(sampler, new TimerWatchOptions { Count = 3 }, clock).Run().ToList();
        Assert.Equal(
            [
                (1, 1UL, SocketState.SynSent, TimerChange.Appeared),
                (1, 2UL, SocketState.SynSent, TimerChange.Appeared),
                (2, 1UL, SocketState.Established, TimerChange.StateChanged),
                (2, 2UL, SocketState.SynSent, TimerChange.Closed),
            ],
            samples.Select(s => (s.Sample, s.Cookie, s.State, s.Change)));
        Assert.Equal(SocketState.SynSent, samples[2].PreviousState);
    }

    [Fact]
    public void SocketsWithoutACookieAreTrackedByTheirFourTuple()
    {
        var clock = new ManualClock();
        SocketInfo NoCookie(SocketState state, int port) => new()
        {
            Protocol = SocketProtocol.Tcp, Family = SocketFamily.IPv4, State = state,
            LocalAddress = "192.0.2.2", LocalPort = port, RemoteAddress = "192.0.2.1", RemotePort = 11111,
            TimerKind = TimerKind.On, Timer = TimeSpan.FromMilliseconds(900), Retransmits = 1,
        };
        var sampler = new ScriptedSampler(clock,
            _ => [NoCookie(SocketState.SynSent, 40000), NoCookie(SocketState.SynSent, 40001)],
            _ => [NoCookie(SocketState.SynSent, 40000), NoCookie(SocketState.SynSent, 40001)],
            _ => [NoCookie(SocketState.SynSent, 40001)]);
        var samples = new TimerWatcher(sampler, new TimerWatchOptions { Count = 3 }, clock).Run().ToList();
        Assert.Equal(
            [
                (1, 40000, TimerChange.Appeared), (1, 40001, TimerChange.Appeared),
                (2, 40000, TimerChange.None), (2, 40001, TimerChange.None),
                (3, 40001, TimerChange.None), (3, 40000, TimerChange.Closed),
            ],
            samples.Select(s => (s.Sample, s.LocalPort, s.Change)));
    }

    [Fact]
    public void APipedSocketWithoutACookieIsAdoptedWhenItsCookieIsKnown()
    {
        var clock = new ManualClock();
        var fromProc = Tcp(0, SocketState.TimeWait, TimerKind.TimeWait, 30_000, 0);
        var sampler = new ScriptedSampler(clock,
            _ => [Tcp(77, SocketState.TimeWait, TimerKind.TimeWait, 29_000, 0)],
            _ => [Tcp(77, SocketState.TimeWait, TimerKind.TimeWait, 28_000, 0)]);
        var samples = new TimerWatcher(sampler, new TimerWatchOptions { Count = 2 }, clock, seeds: [fromProc]).Run().ToList();
        Assert.Equal([(1, 77UL, TimerChange.Appeared), (2, 77UL, TimerChange.None)], samples.Select(s => (s.Sample, s.Cookie, s.Change)));
    }

    [Fact]
    public void ATimerCountingDownIsNoChange()
    {
        var clock = new ManualClock();
        var sampler = new ScriptedSampler(clock,
            _ => [Tcp(7, SocketState.TimeWait, TimerKind.TimeWait, 59_000, 0)],
            _ => [Tcp(7, SocketState.TimeWait, TimerKind.TimeWait, 58_004, 0)],
            _ => [Tcp(7, SocketState.TimeWait, TimerKind.TimeWait, 57_000, 0)]);
        var samples = new TimerWatcher(sampler, new TimerWatchOptions { Count = 3 }, clock).Run().ToList();
        Assert.Equal([TimerChange.Appeared, TimerChange.None, TimerChange.None], samples.Select(s => s.Change));
        Assert.Equal([0, 1000, 2000], samples.Select(s => s.Elapsed.TotalMilliseconds));
        Assert.Equal([1000, 1000], samples.Zip(samples.Skip(1), (x, y) => (y.Timestamp - x.Timestamp).TotalMilliseconds));
    }

    [Fact]
    public void AnOverdueTimerThatReadsZeroIsNoRestart()
    {
        // The kernel clamps an overdue timer's time left at 0 (ss: timer:(timewait,,0)) until it runs:
        // a TIME-WAIT timer at its end reads 0 for several samples, then the socket is gone.
        var clock = new ManualClock();
        var sampler = new ScriptedSampler(clock,
            _ => [Tcp(7, SocketState.TimeWait, TimerKind.TimeWait, 300, 0)],
            _ => [Tcp(7, SocketState.TimeWait, TimerKind.TimeWait, 0, 0)],
            _ => [Tcp(7, SocketState.TimeWait, TimerKind.TimeWait, 0, 0)],
            None);
        var samples = new TimerWatcher(sampler, new TimerWatchOptions { Count = 4 }, clock).Run().ToList();
        Assert.Equal([TimerChange.Appeared, TimerChange.None, TimerChange.None, TimerChange.Closed], samples.Select(s => s.Change));
    }

    [Fact]
    public void ATimerThatWasDueAndRunsAgainWithoutARetransmissionIsNoRestart()
    {
        // An RTO of 200 ms read a second apart: it fired and was rearmed (a loss probe, an ACK), or
        // ACKs keep rearming it. Neither is the same timer pushed back.
        var clock = new ManualClock();
        var sampler = new ScriptedSampler(clock,
            _ => [Tcp(3, SocketState.Established, TimerKind.On, 200, 0)],
            _ => [Tcp(3, SocketState.Established, TimerKind.On, 204, 0)],
            _ => [Tcp(3, SocketState.Established, TimerKind.On, 210, 0)]);
        var samples = new TimerWatcher(sampler, new TimerWatchOptions { Count = 3 }, clock).Run().ToList();
        Assert.Equal([TimerChange.Appeared, TimerChange.None, TimerChange.None], samples.Select(s => s.Change));
    }

    [Fact]
    public void ATimerPushedLaterBeforeItWasDueIsRestarted()
    {
        // A TIME-WAIT socket that receives the peer's retransmitted FIN starts its 60 s again (RFC 1122).
        var clock = new ManualClock();
        var sampler = new ScriptedSampler(clock,
            _ => [Tcp(9, SocketState.TimeWait, TimerKind.TimeWait, 50_000, 0)],
            _ => [Tcp(9, SocketState.TimeWait, TimerKind.TimeWait, 59_800, 0)],
            _ => [Tcp(9, SocketState.TimeWait, TimerKind.TimeWait, 58_800, 0)]);
        var samples = new TimerWatcher(sampler, new TimerWatchOptions { Count = 3 }, clock).Run().ToList();
        Assert.Equal([TimerChange.Appeared, TimerChange.TimerRestarted, TimerChange.None], samples.Select(s => s.Change));
    }

    [Fact]
    public void ATimerOfAnotherKindIsStartedNotRestarted()
    {
        var clock = new ManualClock();
        var sampler = new ScriptedSampler(clock,
            _ => [Tcp(4, SocketState.Established, TimerKind.On, 5_000, 0)],
            _ => [Tcp(4, SocketState.Established, TimerKind.Keepalive, 7_000_000, 0)],
            _ => [Tcp(4, SocketState.Established, TimerKind.Off, 0, 0)],
            _ => [Tcp(4, SocketState.Established, TimerKind.Keepalive, 7_000_000, 0)]);
        var samples = new TimerWatcher(sampler, new TimerWatchOptions { Count = 4 }, clock).Run().ToList();
        Assert.Equal([TimerChange.Appeared, TimerChange.TimerStarted, TimerChange.None, TimerChange.TimerStarted],
            samples.Select(s => s.Change));
    }

    [Fact]
    public void UntilClosedEndsWhenEveryWatchedSocketIsGone()
    {
        var clock = new ManualClock();
        var sampler = new ScriptedSampler(clock,
            None,                                                                    // nothing yet: keep waiting
            _ => [Tcp(1, SocketState.SynSent, TimerKind.On, 1000, 0), Tcp(2, SocketState.SynSent, TimerKind.On, 1000, 0, 40001)],
            _ => [Tcp(2, SocketState.SynSent, TimerKind.On, 1000, 1, 40001)],
            None,
            _ => throw new InvalidOperationException("sampled after every socket was gone"));
        var warnings = new List<string>();
        var watcher = new TimerWatcher(sampler, new TimerWatchOptions { UntilClosed = true }, clock);
        watcher.Warning += warnings.Add;
        var samples = watcher.Run().ToList();
        Assert.Equal(4, sampler.ReadAt.Count);
        Assert.Single(warnings);
        Assert.Equal([(3, 1UL), (4, 2UL)], samples.Where(s => s.Change == TimerChange.Closed).Select(s => (s.Sample, s.Cookie)));
    }

    [Fact]
    public void PipelineSocketsThatAreAlreadyGoneCloseAtTheFirstSample()
    {
        var clock = new ManualClock();
        var a = Tcp(1, SocketState.TimeWait, TimerKind.TimeWait, 30_000, 0);
        var b = Tcp(2, SocketState.TimeWait, TimerKind.TimeWait, 1_000, 0, 40001);
        var sampler = new ScriptedSampler(clock, _ => [a], None);
        var watcher = new TimerWatcher(sampler, new TimerWatchOptions { UntilClosed = true }, clock, seeds: [a, b]);
        var samples = watcher.Run().ToList();
        Assert.Equal([(1, 1UL, TimerChange.Appeared), (1, 2UL, TimerChange.Closed), (2, 1UL, TimerChange.Closed)],
            samples.Select(s => (s.Sample, s.Cookie, s.Change)));
    }

    [Fact]
    public void CancellationEndsTheWatchQuietly()
    {
        var clock = new ManualClock();
        using var cts = new CancellationTokenSource();
        var sampler = new ScriptedSampler(clock, _ => [Tcp(1, SocketState.Established, TimerKind.Keepalive, 7_000_000, 0)])
        {
            OnRead = i =>
            {
                if (i == 2)
                {
                    cts.Cancel();
                }
            },
        };
        using var watcher = new TimerWatcher(sampler, new TimerWatchOptions(), clock);
        var samples = watcher.Run(cts.Token).ToList();   // no Count, no Timeout: only the token ends it
        Assert.Equal(2, samples.Count);
        Assert.Equal(3, sampler.ReadAt.Count);
    }

    [Fact]
    public void CancellingTheSystemClockWaitReturnsAtOnce()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var clock = WatchClock.System;
        var started = clock.Elapsed;
        Assert.False(clock.WaitUntil(started + TimeSpan.FromMinutes(10), cts.Token));
        Assert.True(clock.Elapsed - started < TimeSpan.FromMinutes(1));
        Assert.True(clock.WaitUntil(clock.Elapsed + TimeSpan.FromMilliseconds(20), CancellationToken.None));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1000)]
    public void AnIntervalOfZeroOrLessIsRejected(int ms)
    {
        var clock = new ManualClock();
        var e = Assert.Throws<SocketToolsException>(() =>
            new TimerWatcher(new ScriptedSampler(clock, None), new TimerWatchOptions { Interval = TimeSpan.FromMilliseconds(ms) }, clock));
        Assert.Equal("InvalidWatchInterval", e.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
    }

    [Fact]
    public void ACountBelowOneAndANonPositiveTimeoutAreRejected()
    {
        Assert.Equal("InvalidWatchCount", Assert.Throws<SocketToolsException>(() => new TimerWatchOptions { Count = 0 }.Validate()).ErrorId);
        Assert.Equal("InvalidWatchTimeout", Assert.Throws<SocketToolsException>(() => new TimerWatchOptions { Timeout = TimeSpan.Zero }.Validate()).ErrorId);
    }

    [Fact]
    public void OnlyTcpSocketsCanBeWatched()
    {
        var udp = new SocketInfo { Protocol = SocketProtocol.Udp, Family = SocketFamily.IPv4, Type = SocketKind.Datagram, Cookie = 1 };
        var e = Assert.Throws<SocketToolsException>(() => TimerWatcher.ForSockets([udp], null, new TimerWatchOptions()));
        Assert.Equal("NotATcpSocket", e.ErrorId);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2000)]
    [InlineData("1.5sec", 1500)]
    [InlineData("1min", 60_000)]
    [InlineData("1m", 60_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("250us", 0.25)]
    [InlineData(" 2 s ", 2000)]
    [InlineData(".5s", 500)]
    [InlineData("-1s", -1000)]
    [InlineData("0.25", 250)]
    [InlineData("00:00:03", 3000)]
    public void DurationsParse(string text, double ms)
    {
        Assert.True(Duration.TryParse(text, out var t));
        Assert.Equal(ms, t.TotalMilliseconds);
    }

    /// <summary>
    /// Every numeric type PowerShell can type is seconds: 2s unquoted is a [short], 2y an [sbyte],
    /// 2uy a [byte], 2us a [ushort], 2u a [uint], 2L a [long], 2ul a [ulong], 2n a BigInteger, 2d a [decimal].
    /// </summary>
    public static TheoryData<object> TwoSecondsAsEveryNumber() =>
    [
        (sbyte)2, (byte)2, (short)2, (ushort)2, 2, 2u, 2L, 2UL, 2f, 2.0, 2m, new System.Numerics.BigInteger(2),
    ];

    [Theory]
    [MemberData(nameof(TwoSecondsAsEveryNumber))]
    public void EveryNumberIsSecondsNotTicks(object number)
    {
        Assert.Equal(TimeSpan.FromSeconds(2), Duration.Convert(number));
    }

    [Fact]
    public void NumbersConvertToSecondsNotTicks()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), Duration.Convert(2));
        Assert.Equal(TimeSpan.FromMilliseconds(500), Duration.Convert(0.5));
        Assert.Equal(TimeSpan.FromMilliseconds(500), Duration.Convert(0.5m));
        Assert.Equal(TimeSpan.FromSeconds(3), Duration.Convert(TimeSpan.FromSeconds(3)));
        Assert.Equal(TimeSpan.FromSeconds(-1), Duration.Convert((short)-1));   // validation rejects it, with the value in seconds
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("2 parsecs")]
    [InlineData("")]
    [InlineData("1e300s")]
    public void TextThatIsNotADurationIsAnInvalidArgument(string text)
    {
        var e = Assert.Throws<SocketToolsException>(() => Duration.Convert(text));
        Assert.Equal("InvalidDuration", e.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("500ms", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(1e300)]
    public void NumbersNoTimeSpanCanHoldAreAnInvalidArgument(double seconds)
    {
        Assert.Equal("InvalidDuration", Assert.Throws<SocketToolsException>(() => Duration.Convert(seconds)).ErrorId);
    }

    [Fact]
    public void ValuesOfOtherTypesAreLeftForPowerShell()
    {
        Assert.Null(Duration.Convert(null));
        Assert.Equal(true, Duration.Convert(true));
    }
}
