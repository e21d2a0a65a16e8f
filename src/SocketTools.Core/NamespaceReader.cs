using System.Collections.Concurrent;
using SocketTools.Query;

namespace SocketTools;

/// <summary>
/// Reads a query in several network namespaces (<see cref="SocketQuery.Namespaces"/>): one dump
/// per namespace, on as many threads as there are cores (at most four; a namespace's dump walks the
/// kernel's global socket hash, so the dumps are CPU-bound in the kernel), yielded in the order of
/// the namespaces, each socket stamped with its own. A namespace that vanishes before it is read is
/// skipped (a -Verbose note says so); those that cannot be entered are named in one warning; the
/// rest are listed.
/// </summary>
internal static class NamespaceReader
{
    /// <summary>How far ahead of the consumer (in namespaces) the threads may read, per thread.</summary>
    private const int LookAheadPerThread = 4;

    /// <summary>Reads one namespace: the query with its NetworkNamespace set, a diagnostics of its own, and the namespace the sockets are stamped with.</summary>
    public delegate IEnumerable<SocketInfo> ReadOne(SocketQuery query, QueryDiagnostics diagnostics,
        CancellationToken cancellationToken, NetworkNamespaceInfo where);

    /// <summary>The sockets of every namespace of <paramref name="query"/>, namespace by namespace.</summary>
    public static IEnumerable<SocketInfo> Read(SocketQuery query, QueryDiagnostics diagnostics,
        CancellationToken cancellationToken, ReadOne read)
    {
        var namespaces = query.Namespaces ?? [];
        using var run = new Run(namespaces.Count, cancellationToken);
        run.Start(Math.Clamp(Environment.ProcessorCount, 1, 4), i =>
        {
            var ns = namespaces[i];
            var one = query with { NetworkNamespace = ns.Path, Namespaces = null, OneTcpWalk = true };
            return read(one, run.Slots[i].Diagnostics, run.Token, ns);
        });

        var denied = new List<string>();
        int skipped = 0, sockets = 0;
        for (int i = 0; i < namespaces.Count; i++)
        {
            // The namespace's sockets as its thread reads them (the threads ahead keep theirs until their turn).
            var slot = run.Begin(i);
            var ns = namespaces[i];
            foreach (var socket in slot.Sockets.GetConsumingEnumerable(run.Token))
            {
                sockets++;
                yield return socket;
            }

            run.Release(i);
            diagnostics.Absorb(slot.Diagnostics, $"[{ns.Name}] ");
            switch (slot.Failure)
            {
                case null:
                    break;
                case OperationCanceledException when cancellationToken.IsCancellationRequested:
                    throw slot.Failure;
                case SocketToolsException { Kind: ErrorKind.ObjectNotFound or ErrorKind.InvalidArgument } e:
                    // Deleted, or its last process exited, since it was found (or its file now holds something else).
                    skipped++;
                    diagnostics.Note($"Network namespace {ns.Name} skipped: {e.Message}");
                    continue;
                case SocketToolsException { Kind: ErrorKind.PermissionDenied }:
                    denied.Add(ns.Name);
                    continue;
                case SocketToolsException e:
                    diagnostics.Warn($"Network namespace {ns.Name} could not be read: {e.Message}");
                    continue;
                default:
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(slot.Failure);
                    break;
            }
        }

        diagnostics.Note($"{namespaces.Count} network namespace(s): {sockets} socket(s) listed; {skipped} skipped (gone before they were read); {denied.Count} could not be entered.");
        if (denied.Count > 0)
        {
            diagnostics.Warn(DeniedWarning(denied));
        }
    }

    /// <summary>The one warning that names the namespaces that could not be entered (the first ten).</summary>
    public static string DeniedWarning(IReadOnlyList<string> denied) =>
        $"{denied.Count} network namespace(s) could not be entered (permission denied; entering another namespace needs root, CAP_SYS_ADMIN): "
        + $"{string.Join(", ", denied.Take(10))}{(denied.Count > 10 ? ", …" : string.Empty)}. The others are listed.";

    /// <summary>One namespace's read: its sockets as they are read (completed when it ends), its failure, its diagnostics.</summary>
    private sealed class Slot
    {
        public QueryDiagnostics Diagnostics { get; } = new();

        public BlockingCollection<SocketInfo> Sockets { get; } = [];

        /// <summary>What ended the read early; set before <see cref="Sockets"/> is completed.</summary>
        public Exception? Failure { get; set; }
    }

    /// <summary>The threads reading the namespaces into their slots, at most a few namespaces ahead of the one being written.</summary>
    private sealed class Run : IDisposable
    {
        private readonly object _gate = new();
        private readonly CancellationTokenSource _stop;
        private readonly List<Thread> _threads = [];
        private readonly CancellationTokenRegistration _wake;
        private int _next;
        private int _taken;
        private int _lookAhead;

        public Run(int count, CancellationToken cancellationToken)
        {
            Slots = new Slot[count];
            for (int i = 0; i < count; i++)
            {
                Slots[i] = new Slot();
            }

            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _wake = _stop.Token.Register(() =>
            {
                lock (_gate)
                {
                    Monitor.PulseAll(_gate);
                }
            });
        }

        public Slot[] Slots { get; }

        public CancellationToken Token => _stop.Token;

        public void Start(int threads, Func<int, IEnumerable<SocketInfo>> read)
        {
            _lookAhead = threads * LookAheadPerThread;
            for (int t = 0; t < Math.Min(threads, Slots.Length); t++)
            {
                var thread = new Thread(() => Work(read)) { IsBackground = true, Name = "SocketTools namespaces" };
                thread.Start();
                _threads.Add(thread);
            }
        }

        private void Work(Func<int, IEnumerable<SocketInfo>> read)
        {
            while (true)
            {
                int i;
                lock (_gate)
                {
                    while (_next < Slots.Length && _next - _taken >= _lookAhead && !_stop.IsCancellationRequested)
                    {
                        Monitor.Wait(_gate);
                    }

                    if (_next >= Slots.Length || _stop.IsCancellationRequested)
                    {
                        return;
                    }

                    i = _next++;
                }

                var slot = Slots[i];
                try
                {
                    foreach (var socket in read(i))
                    {
                        slot.Sockets.Add(socket);
                    }
                }
                catch (Exception e)
                {
                    slot.Failure = e;
                }
                finally
                {
                    slot.Sockets.CompleteAdding();
                }
            }
        }

        /// <summary>The consumer starts on slot <paramref name="i"/>: the threads may read further ahead.</summary>
        public Slot Begin(int i)
        {
            lock (_gate)
            {
                _taken = i + 1;
                Monitor.PulseAll(_gate);
                return Slots[i];
            }
        }

        /// <summary>The consumer is done with slot <paramref name="i"/>'s sockets.</summary>
        public void Release(int i) => Slots[i].Sockets.Dispose();

        public void Dispose()
        {
            _stop.Cancel();
            _wake.Dispose();

            foreach (var thread in _threads)
            {
                thread.Join();
            }

            foreach (var slot in Slots)
            {
                slot.Sockets.Dispose();
            }

            _stop.Dispose();
        }
    }
}
