using System.Diagnostics;
using SocketTools.Platform;
using SocketTools.Query;

namespace SocketTools.Watching;

/// <summary>
/// Watches sockets come and go: a Closed event for every TCP and UDP socket the kernel destroys (its
/// destroy multicast, received on a thread of its own), and Opened / StateChanged events found by
/// comparing dumps taken every interval. The dumps also keep a cookie → owner map fresh, so a closed
/// socket is reported with the owner last seen for it.
/// </summary>
public sealed class SocketEventWatcher : IDisposable
{
    private readonly ISocketEvents _subscriber;
    private readonly SocketQuery _dumpQuery;
    private readonly SocketQuery _closedQuery;
    private readonly StateSet _states;
    private readonly SocketEventOptions _options;
    private readonly QueryDiagnostics _diagnostics;
    private readonly HashSet<SocketEventKind> _events;

    // What the dumps know, by cookie.
    private readonly Dictionary<ulong, Known> _known = [];
    private readonly Dictionary<ulong, long> _closed = [];
    private readonly HashSet<ulong> _missing = [];
    private NetworkNamespaceInfo? _where;
    private long _tick;
    private long _lossNoticedAt = -1;
    private bool _lossWarned;

    private SocketEventWatcher(ISocketEvents subscriber, SocketQuery query, SocketEventOptions options, QueryDiagnostics diagnostics)
    {
        _subscriber = subscriber;
        _options = options;
        _diagnostics = diagnostics;
        _states = query.States;
        _dumpQuery = query with { IncludeInfo = false, IncludeMemory = false, ProcessIds = [], ProcessNames = [] };
        _closedQuery = _dumpQuery with { States = StateSet.All };
        _events = options.Events is { Count: > 0 } kinds ? [.. kinds] : [SocketEventKind.Closed, SocketEventKind.Opened, SocketEventKind.StateChanged];
    }

    /// <summary>
    /// Joins the destroy groups of the query's TCP and UDP protocols and IP families, in the query's
    /// network namespace, and starts receiving. Other protocols and families are not watched.
    /// </summary>
    public static SocketEventWatcher Start(SocketQuery query, SocketEventOptions options, QueryDiagnostics? diagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var protocols = query.Protocols.Where(p => p is SocketProtocol.Tcp or SocketProtocol.Udp).Distinct().ToArray();
        var families = query.Families.Where(f => f is SocketFamily.IPv4 or SocketFamily.IPv6).Distinct().ToArray();
        if (protocols.Length == 0 || families.Length == 0)
        {
            throw new SocketToolsException("NoWatchableSockets", ErrorKind.InvalidArgument,
                "Socket events are reported for TCP and UDP over IPv4 and IPv6 only; the selection names none of them.")
            { RecommendedAction = "Use -Protocol Tcp, Udp or both (the default)." };
        }

        var subscriber = SocketPlatform.Current.OpenSocketEvents(query.NetworkNamespace, protocols, families, options.ReceiveBuffer);
        subscriber.Start();
        return new SocketEventWatcher(subscriber, query with { Protocols = protocols, Families = families, Source = SocketSourceKind.Netlink }, options, diagnostics ?? new QueryDiagnostics());
    }

    /// <summary>Destroy messages the kernel could not deliver (its drop count for the socket, or at least one per ENOBUFS).</summary>
    public long Lost => Math.Max(_subscriber.Dropped, _subscriber.Overruns);

    /// <summary>Sockets a dump listed that later dumps no longer listed, without a Closed event for them.</summary>
    public int Vanished { get; private set; }

    /// <summary>The receive buffer the kernel gave the destroy socket, in bytes.</summary>
    public int ReceiveBufferSize => _subscriber.ReceiveBufferSize;

    // About 90 lines, kept whole: an iterator that interleaves the kernel's destroy events with the
    // dumps on one schedule; its yields cannot move into helpers without a second iterator per step.
    /// <summary>
    /// Yields events on the calling thread as they come. Ends after <see cref="SocketEventOptions.Count"/>
    /// events or <see cref="SocketEventOptions.Timeout"/>, or at once (without an exception) when
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public IEnumerable<SocketEvent> Run(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        int written = 0;
        if (Sample(baseline: true, cancellationToken) is null)
        {
            yield break;
        }

        var nextDump = _options.Interval;
        while (true)
        {
            var now = clock.Elapsed;
            if (_options.Timeout is TimeSpan timeout && now >= timeout)
            {
                Finish();
                yield break;
            }

            var until = _options.Timeout is TimeSpan t && t < nextDump ? t : nextDump;
            var wait = until > now ? until - now : TimeSpan.Zero;
            var taken = Take(wait, cancellationToken, out var destroyed);
            if (taken == Taken.Cancelled)
            {
                yield break;
            }

            if (taken == Taken.Item)
            {
                if (OnClosed(destroyed) is SocketEvent closed)
                {
                    yield return closed;
                    if (++written == _options.Count)
                    {
                        Finish();
                        yield break;
                    }
                }

                continue;
            }

            if (taken == Taken.Ended)
            {
                throw _subscriber.Fault as SocketToolsException
                    ?? new SocketToolsException("SocketEventsEnded", ErrorKind.ReadError,
                        $"Receiving socket destroy events stopped: {_subscriber.Fault?.Message ?? "the socket closed"}.");
            }

            if (clock.Elapsed < nextDump)
            {
                continue;
            }

            // Dump time: everything the thread received so far goes first, so a socket that closed
            // before the dump is not taken for one that vanished.
            while (Take(TimeSpan.Zero, cancellationToken, out destroyed) == Taken.Item)
            {
                if (OnClosed(destroyed) is SocketEvent closed)
                {
                    yield return closed;
                    if (++written == _options.Count)
                    {
                        Finish();
                        yield break;
                    }
                }
            }

            var sampled = Sample(baseline: false, cancellationToken);
            if (sampled is null)
            {
                yield break;
            }

            foreach (var e in sampled)
            {
                yield return e;
                if (++written == _options.Count)
                {
                    Finish();
                    yield break;
                }
            }

            CheckLoss(final: false);
            while (nextDump <= clock.Elapsed)
            {
                nextDump += _options.Interval;
            }
        }
    }

    private enum Taken
    {
        Item,
        TimedOut,
        Cancelled,
        Ended,
    }

    private Taken Take(TimeSpan wait, CancellationToken cancellationToken, out DestroyedSocket item)
    {
        try
        {
            int ms = (int)Math.Min(Math.Ceiling(wait.TotalMilliseconds), int.MaxValue);
            if (_subscriber.Events.TryTake(out item, ms, cancellationToken))
            {
                return Taken.Item;
            }

            return _subscriber.Events.IsCompleted ? Taken.Ended : Taken.TimedOut;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            item = default;
            return Taken.Cancelled;
        }
    }

    /// <summary>The Closed event for a destroy message, or null when the socket is outside the selection.</summary>
    private SocketEvent? OnClosed(DestroyedSocket destroyed)
    {
        var socket = destroyed.Socket;
        _missing.Remove(socket.Cookie);
        _closed[socket.Cookie] = _tick;
        _known.Remove(socket.Cookie, out var known);
        if (!_events.Contains(SocketEventKind.Closed) || !_closedQuery.Matches(socket))
        {
            return null;
        }

        // The message's state is the destroyed socket's (Closed); -State selects by the last state a dump saw.
        if (_states != StateSet.All && (known is null || !_states.Matches(socket.Protocol, known.State)))
        {
            return null;
        }

        if (known is not null && known.Owners.Count > 0)
        {
            OwnerEnrichment.Attach(socket, [.. known.Owners]);
        }

        // The destroy message carries no namespace: the subscription's own (identified once).
        _where ??= SocketPlatform.Current.Namespaces.Identify(_dumpQuery.NetworkNamespace);
        socket.NetworkNamespace = _where?.Name;
        socket.NetworkNamespaceId = _where?.Id ?? 0;
        return new SocketEvent(SocketEventKind.Closed, socket, destroyed.TimeStamp)
        {
            PreviousState = known?.State,
            Lifetime = known is { SeenOpening: true } ? destroyed.TimeStamp - known.FirstSeen : null,
        };
    }

    /// <summary>Dumps the selection and compares it with the previous dump; null when cancelled.</summary>
    private List<SocketEvent>? Sample(bool baseline, CancellationToken cancellationToken)
    {
        List<SocketInfo> sockets;
        try
        {
            sockets = SocketReader.Read(_dumpQuery, _diagnostics, cancellationToken).ToList();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        _tick++;
        var now = DateTime.Now;
        var events = new List<SocketEvent>();
        var present = new HashSet<ulong>();
        foreach (var socket in sockets)
        {
            if (socket.Cookie == 0 || !present.Add(socket.Cookie))
            {
                continue;
            }

            if (_closed.ContainsKey(socket.Cookie))
            {
                // Already closed (a TIME-WAIT remainder keeps the cookie): nothing new to say.
                _closed[socket.Cookie] = _tick;
                continue;
            }

            _missing.Remove(socket.Cookie);
            if (_known.TryGetValue(socket.Cookie, out var known))
            {
                if (known.State != socket.State)
                {
                    if (_events.Contains(SocketEventKind.StateChanged))
                    {
                        events.Add(new SocketEvent(SocketEventKind.StateChanged, socket, now) { PreviousState = known.State });
                    }

                    known.State = socket.State;
                }

                known.Owners = socket.Owners;
            }
            else
            {
                _known[socket.Cookie] = new Known(socket.State, now, !baseline, socket.Owners);
                if (!baseline && _events.Contains(SocketEventKind.Opened))
                {
                    events.Add(new SocketEvent(SocketEventKind.Opened, socket, now));
                }
            }
        }

        // Listed before, not now, no Closed event: missing once may be a message still on its way;
        // missing at two dumps in a row, it vanished without one.
        foreach (var cookie in _known.Keys.Where(c => !present.Contains(c)).ToList())
        {
            var state = _known[cookie].State;
            if (!_missing.Add(cookie))
            {
                _missing.Remove(cookie);
                _known.Remove(cookie);
                if (state is not (SocketState.SynReceived or SocketState.TimeWait))
                {
                    Vanished++;
                }
            }
        }

        foreach (var cookie in _closed.Where(c => c.Value < _tick - 1).Select(c => c.Key).ToList())
        {
            _closed.Remove(cookie);
        }

        return events;
    }

    /// <summary>One warning when the kernel dropped events: once the count of sockets that vanished is known (two dumps later), or at the end.</summary>
    private void CheckLoss(bool final)
    {
        if (_lossWarned)
        {
            return;
        }

        long lost = Lost;
        if (lost <= 0)
        {
            return;
        }

        if (_lossNoticedAt < 0)
        {
            _lossNoticedAt = _tick;
        }

        if (!final && _tick < _lossNoticedAt + 2)
        {
            return;
        }

        _lossWarned = true;
        _diagnostics.Warn($"The kernel dropped {lost} socket destroy event(s) (ENOBUFS: the receive queue of {ReceiveBufferSize} bytes was full); " +
            $"{Vanished} socket(s) seen open vanished without a Closed event. The watch goes on; a narrower selection or a larger " +
            "net.core.rmem_max helps.");
    }

    private void Finish() => CheckLoss(final: true);

    /// <inheritdoc />
    public void Dispose() => _subscriber.Dispose();

    private sealed class Known(SocketState state, DateTime firstSeen, bool seenOpening, SocketOwnerList owners)
    {
        public SocketState State { get; set; } = state;

        public DateTime FirstSeen { get; } = firstSeen;

        public bool SeenOpening { get; } = seenOpening;

        public SocketOwnerList Owners { get; set; } = owners;
    }
}
