using SocketTools.Platform;
using SocketTools.Query;

namespace SocketTools.Watching;

/// <summary>Reads the sockets of one sample.</summary>
public interface ISocketSampler : IDisposable
{
    /// <summary>The watched TCP sockets as they are now.</summary>
    IReadOnlyList<SocketInfo> Sample(CancellationToken cancellationToken);

    /// <summary>
    /// Looks for a socket that a sample no longer lists: it may be gone, or may only have left the
    /// selection (a SYN-SENT socket that connected). Null when it is gone.
    /// </summary>
    SocketInfo? Find(SocketInfo socket) => null;
}

/// <summary>
/// Samples TCP timers at a fixed interval and writes one <see cref="TimerSample"/> per socket
/// per sample, tracking sockets by cookie. Samples are scheduled from the start of the watch
/// (start + n × interval), so time spent reading never accumulates as drift; a sample that
/// overruns its slot makes the watch skip the slots it missed rather than hurry.
/// </summary>
public sealed class TimerWatcher : IDisposable
{
    /// <summary>Slack for jiffies rounding when deciding whether a timer was pushed later.</summary>
    private static readonly TimeSpan RestartSlack = TimeSpan.FromMilliseconds(20);

    private readonly ISocketSampler _sampler;
    private readonly TimerWatchOptions _options;
    private readonly WatchClock _clock;
    private readonly IReadOnlyList<SocketInfo> _seeds;

    /// <summary>Creates a watch over <paramref name="sampler"/>; <paramref name="seeds"/> are sockets watched from the start (pipeline input).</summary>
    public TimerWatcher(ISocketSampler sampler, TimerWatchOptions options, WatchClock? clock = null,
        IReadOnlyList<SocketInfo>? seeds = null)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _sampler = sampler;
        _options = options;
        _clock = clock ?? WatchClock.System;
        _seeds = seeds ?? [];
    }

    /// <summary>Watches every TCP socket that matches <paramref name="query"/> (TCP only, whatever its protocols say).</summary>
    public static TimerWatcher ForQuery(SocketQuery query, TimerWatchOptions options, QueryDiagnostics? diagnostics = null) =>
        new(new QuerySampler(query with { Protocols = [SocketProtocol.Tcp] }, diagnostics ?? new QueryDiagnostics()), options);

    /// <summary>
    /// Watches exactly <paramref name="sockets"/> (TCP sockets from Get-SocketStat), looked up by the
    /// kernel one by one with their 4-tuple and cookie, in <paramref name="networkNamespace"/>.
    /// </summary>
    public static TimerWatcher ForSockets(IReadOnlyList<SocketInfo> sockets, string? networkNamespace, TimerWatchOptions options)
    {
        foreach (var s in sockets)
        {
            if (s.Protocol != SocketProtocol.Tcp || s.Family is not (SocketFamily.IPv4 or SocketFamily.IPv6))
            {
                throw new SocketToolsException("NotATcpSocket", ErrorKind.InvalidArgument,
                    $"Watch-TcpTimer watches TCP sockets; {Text.SsText.Netid(s.Protocol, s.Type)} socket {s} has no TCP timer.")
                { RecommendedAction = "Select TCP sockets, for example Get-SocketStat -Protocol Tcp." };
            }
        }

        SocketPlatform.Current.Namespaces.Check(networkNamespace);
        var distinct = sockets.GroupBy(SocketKey.Of).Select(g => g.First()).ToList();
        var sampler = new CookieSampler(distinct, networkNamespace);
        try
        {
            sampler.Open();   // every namespace the sockets live in, now: one that is gone is an error before the watch
        }
        catch
        {
            sampler.Dispose();
            throw;
        }

        return new TimerWatcher(sampler, options, seeds: distinct);
    }

    /// <summary>Raised (on the enumerating thread) with a warning for the user.</summary>
    public event Action<string>? Warning;

    /// <summary>
    /// Runs the watch, yielding samples as they are read, on the enumerating thread. Ends when the
    /// count or timeout is reached, when every watched socket is gone (UntilClosed), or at once and
    /// without an exception when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public IEnumerable<TimerSample> Run(CancellationToken cancellationToken = default)
    {
        var watch = new Watch { Start = _clock.Elapsed, WatchedAny = _seeds.Count > 0 };
        foreach (var seed in _seeds)
        {
            watch.Tracked[SocketKey.Of(seed)] = new Tracked(seed, TimeSpan.Zero, TimeSpan.Zero, Seen: false);
        }

        while (WaitForSlot(watch, cancellationToken))
        {
            watch.SampleNumber++;
            var samples = TakeSample(watch, cancellationToken);
            if (samples is null)
            {
                yield break;   // cancelled while reading
            }

            foreach (var sample in samples)
            {
                yield return sample;
            }

            if (IsDone(watch))
            {
                yield break;
            }

            watch.Slot = NextSlot(watch);
        }
    }

    /// <summary>Waits until the current slot is due; false when the watch ends first (its timeout, or cancellation).</summary>
    private bool WaitForSlot(Watch watch, CancellationToken cancellationToken)
    {
        var due = watch.Start + (_options.Interval * watch.Slot);
        if (_options.Timeout is TimeSpan timeout && due - watch.Start > timeout)
        {
            _clock.WaitUntil(watch.Start + timeout, cancellationToken);
            return false;
        }

        return _clock.WaitUntil(due, cancellationToken);
    }

    /// <summary>Reads one sample and compares it with the last; null when cancelled while reading.</summary>
    private List<TimerSample>? TakeSample(Watch watch, CancellationToken cancellationToken)
    {
        var readStart = _clock.Elapsed;
        var now = _clock.Now;
        IReadOnlyList<SocketInfo> sockets;
        try
        {
            sockets = _sampler.Sample(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        var at = new SampleTime(watch.SampleNumber, now, readStart - watch.Start, readStart, _clock.Elapsed - readStart);
        watch.WatchedAny |= sockets.Count > 0;
        var output = new List<TimerSample>(sockets.Count + 4);
        var present = AddListed(watch, sockets, at, output);
        AddUnlisted(watch, present, at, output);
        return output;
    }

    /// <summary>Samples the sockets the sample lists, and tracks them; returns their keys.</summary>
    private static HashSet<SocketKey> AddListed(Watch watch, IReadOnlyList<SocketInfo> sockets, SampleTime at, List<TimerSample> output)
    {
        var present = new HashSet<SocketKey>();
        foreach (var socket in sockets)
        {
            var key = SocketKey.Of(socket);
            if (!present.Add(key))
            {
                continue;
            }

            if (!watch.Tracked.TryGetValue(key, out var before) && socket.Cookie != 0
                && watch.Tracked.Remove(SocketKey.OfTuple(socket), out var adopted))
            {
                // A socket first known without a cookie (piped from a /proc/net read) now has one.
                before = adopted;
            }

            var change = Diff(before, socket, at.ReadAt, at.ReadTime);
            output.Add(TimerSample.From(socket, at.Number, at.Now, at.Elapsed, change,
                (change & TimerChange.StateChanged) != 0 ? before!.Socket.State : null));
            watch.Tracked[key] = new Tracked(socket, at.ReadAt, at.ReadTime, Seen: true);
        }

        return present;
    }

    /// <summary>
    /// Samples the tracked sockets the sample no longer lists: closed, or still there but out of the
    /// selection (a final sample shows where it went); either way they are no longer watched.
    /// </summary>
    private void AddUnlisted(Watch watch, HashSet<SocketKey> present, SampleTime at, List<TimerSample> output)
    {
        foreach (var (goneKey, gone) in watch.Tracked.Where(t => !present.Contains(t.Key)).ToList())
        {
            var still = _sampler.Find(gone.Socket);
            if (still is not null && (still.Cookie == gone.Socket.Cookie || gone.Socket.Cookie == 0) && gone.Seen)
            {
                var change = Diff(gone, still, at.ReadAt, at.ReadTime);
                output.Add(TimerSample.From(still, at.Number, at.Now, at.Elapsed, change,
                    (change & TimerChange.StateChanged) != 0 ? gone.Socket.State : null));
            }
            else
            {
                output.Add(Closed(gone.Socket, at.Number, at.Now, at.Elapsed));
            }

            watch.Tracked.Remove(goneKey);
        }
    }

    /// <summary>Whether the watch ends after this sample: every watched socket gone (UntilClosed), or the count reached.</summary>
    private bool IsDone(Watch watch)
    {
        if (_options.UntilClosed && watch.Tracked.Count == 0)
        {
            if (watch.WatchedAny)
            {
                return true;
            }

            if (!watch.WarnedEmpty)
            {
                watch.WarnedEmpty = true;
                Warning?.Invoke("No TCP socket matches yet; waiting for one to appear (-Timeout bounds the wait).");
            }
        }

        return _options.Count is int count && watch.SampleNumber >= count;
    }

    /// <summary>The next slot after now: a slow read skips the slots it overran instead of bunching samples.</summary>
    private long NextSlot(Watch watch)
    {
        long next = watch.Slot + 1;
        var after = _clock.Elapsed - watch.Start;
        long earliest = (long)Math.Floor(after / _options.Interval) + 1;
        if (earliest <= next)
        {
            return next;
        }

        if (!watch.WarnedSlow)
        {
            watch.WarnedSlow = true;
            Warning?.Invoke($"Reading the sockets took {after - (_options.Interval * watch.Slot):g}, longer than the interval {_options.Interval:g}; samples are skipped to keep the schedule.");
        }

        return earliest;
    }

    /// <summary>One watch's state between samples.</summary>
    private sealed class Watch
    {
        public Dictionary<SocketKey, Tracked> Tracked { get; } = [];

        public TimeSpan Start { get; init; }

        public long Slot { get; set; }

        public int SampleNumber { get; set; }

        public bool WatchedAny { get; set; }

        public bool WarnedEmpty { get; set; }

        public bool WarnedSlow { get; set; }
    }

    /// <summary>When a sample was taken: its number, the wall clock, the time since the start, when its read began and how long it took.</summary>
    private readonly record struct SampleTime(int Number, DateTime Now, TimeSpan Elapsed, TimeSpan ReadAt, TimeSpan ReadTime);

    /// <summary>
    /// What changed between the previous sample of a socket and now. The kernel reports a timer's
    /// time left, clamped at 0 (jiffies_delta_to_msecs): an overdue timer that has not run yet reads
    /// 0 (ss: timer:(timewait,,0)). So a timer counts as pushed later only when the previous one
    /// was not yet due; one that was due fired (or is firing), and a later expiry is its successor.
    /// </summary>
    internal static TimerChange Diff(Tracked? before, SocketInfo now, TimeSpan readAt, TimeSpan readTime)
    {
        if (before is null || !before.Seen)
        {
            return TimerChange.Appeared;
        }

        var was = before.Socket;
        var change = was.State != now.State ? TimerChange.StateChanged : TimerChange.None;
        if (now.TimerKind == TimerKind.Off)
        {
            return change;
        }

        if (now.Retransmits > was.Retransmits)
        {
            return change | TimerChange.Retransmitted;
        }

        if (was.TimerKind != now.TimerKind)
        {
            return change | TimerChange.TimerStarted;
        }

        // Where the old timer would be now if it had only counted down, give or take the time the
        // two reads took and jiffies rounding.
        var expected = was.Timer - (readAt - before.ReadAt);
        var slack = RestartSlack + readTime + before.ReadTime;
        bool wasDue = expected <= slack;
        return !wasDue && now.Timer > expected + slack ? change | TimerChange.TimerRestarted : change;
    }

    private static TimerSample Closed(SocketInfo last, int sample, DateTime now, TimeSpan elapsed) => new()
    {
        Timestamp = now,
        Elapsed = elapsed,
        Sample = sample,
        Cookie = last.Cookie,
        NetworkNamespace = last.NetworkNamespace,
        NetworkNamespaceId = last.NetworkNamespaceId,
        Family = last.Family,
        State = last.State,
        LocalAddress = last.LocalAddress,
        LocalPort = last.LocalPort,
        RemoteAddress = last.RemoteAddress,
        RemotePort = last.RemotePort,
        Interface = last.Interface,
        V6Only = last.V6Only,
        RecvQ = 0,
        SendQ = 0,
        TimerKind = TimerKind.Off,
        Timer = TimeSpan.Zero,
        Retransmits = last.Retransmits,
        Change = TimerChange.Closed,
    };

    /// <inheritdoc />
    public void Dispose() => _sampler.Dispose();

    /// <summary>
    /// What a socket is tracked by: its cookie; for a socket without one (read from /proc/net, which
    /// has no cookies), its family and 4-tuple, so a new connection on the same 4-tuple cannot be told apart.
    /// </summary>
    internal readonly record struct SocketKey(ulong Cookie, SocketFamily Family, string? Local, int LocalPort,
        string? Remote, int RemotePort)
    {
        public static SocketKey Of(SocketInfo s) => s.Cookie != 0 ? new(s.Cookie, default, null, 0, null, 0) : OfTuple(s);

        public static SocketKey OfTuple(SocketInfo s) => new(0, s.Family, s.LocalAddress, s.LocalPort, s.RemoteAddress, s.RemotePort);
    }

    /// <summary>The last sample of a socket, when it was read, and whether the watch has seen it yet.</summary>
    internal sealed record Tracked(SocketInfo Socket, TimeSpan ReadAt, TimeSpan ReadTime, bool Seen);

    /// <summary>
    /// Each sample is one query through <see cref="SocketReader"/> (the kernel filters the states); a
    /// socket that drops out of it is looked for once by 4-tuple and cookie.
    /// </summary>
    private sealed class QuerySampler(SocketQuery query, QueryDiagnostics diagnostics) : ISocketSampler
    {
        private ISocketLookup? _lookup;

        public IReadOnlyList<SocketInfo> Sample(CancellationToken cancellationToken) =>
            SocketReader.Read(query, diagnostics, cancellationToken).ToList();

        public SocketInfo? Find(SocketInfo socket)
        {
            if (socket.Protocol != SocketProtocol.Tcp || socket.Family is not (SocketFamily.IPv4 or SocketFamily.IPv6))
            {
                return null;
            }

            try
            {
                _lookup ??= SocketPlatform.Current.OpenTcpLookup(query.NetworkNamespace);
                var found = _lookup.Find(socket);
                if (found is not null)
                {
                    found.NetworkNamespace = socket.NetworkNamespace;
                    found.NetworkNamespaceId = socket.NetworkNamespaceId;
                }

                return found;
            }
            catch (SocketToolsException)
            {
                return null;   // cannot tell: report it closed, as the sample suggests
            }
        }

        public void Dispose() => _lookup?.Dispose();
    }

    /// <summary>
    /// Each sample is one exact kernel lookup per watched socket (4-tuple and cookie), in the namespace
    /// the socket lives in (its NetworkNamespace), or in the one the user named instead.
    /// </summary>
    private sealed class CookieSampler(IReadOnlyList<SocketInfo> sockets, string? networkNamespace) : ISocketSampler
    {
        private readonly List<SocketInfo> _live = [.. sockets];
        private readonly Dictionary<string, (ISocketLookup Lookup, NetworkNamespaceInfo? Where)> _lookups = new(StringComparer.Ordinal);

        /// <summary>The namespace a socket is looked up in: the one named, else its own ("" for the caller's).</summary>
        private string KeyOf(SocketInfo socket) => networkNamespace ?? socket.NetworkNamespace ?? string.Empty;

        public void Open()
        {
            foreach (var socket in _live)
            {
                LookupOf(socket);
            }
        }

        private (ISocketLookup Lookup, NetworkNamespaceInfo? Where) LookupOf(SocketInfo socket)
        {
            string key = KeyOf(socket);
            if (!_lookups.TryGetValue(key, out var entry))
            {
                string? ns = key.Length == 0 ? null : key;
                entry = (SocketPlatform.Current.OpenTcpLookup(ns), SocketPlatform.Current.Namespaces.Identify(ns));
                _lookups[key] = entry;
            }

            return entry;
        }

        public IReadOnlyList<SocketInfo> Sample(CancellationToken cancellationToken)
        {
            var found = new List<SocketInfo>(_live.Count);
            for (int i = _live.Count - 1; i >= 0; i--)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (lookup, where) = LookupOf(_live[i]);
                var now = lookup.Find(_live[i]);
                if (now is null)
                {
                    _live.RemoveAt(i);   // gone for good: a cookie is never reused
                }
                else
                {
                    now.NetworkNamespace = where?.Name ?? _live[i].NetworkNamespace;
                    now.NetworkNamespaceId = where?.Id ?? _live[i].NetworkNamespaceId;
                    _live[i] = now;      // a socket listed without a cookie (/proc/net) is now known by its own
                    found.Add(now);
                }
            }

            found.Reverse();
            return found;
        }

        public void Dispose()
        {
            foreach (var (lookup, _) in _lookups.Values)
            {
                lookup.Dispose();
            }

            _lookups.Clear();
        }
    }
}
