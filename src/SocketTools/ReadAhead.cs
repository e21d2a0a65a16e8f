using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace SocketTools.Commands;

/// <summary>
/// Runs a sequence on a thread of its own, ahead of its consumer: while the pipeline thread writes
/// one batch of items (WriteObject), the next is being read (netlink receive, decoding, the owner
/// pass). Items and the messages raised while they were read (warnings, notes) arrive in the order
/// they were produced, in batches that start small (the first objects appear at once) and grow to
/// <see cref="MaxBatch"/>; at most <see cref="MaxBatches"/> batches wait, so memory stays bounded
/// when the consumer is slower. Disposing it stops the producer between items and waits for it.
/// </summary>
/// <typeparam name="T">The items.</typeparam>
internal sealed class ReadAhead<T> : IDisposable
{
    /// <summary>The largest batch handed over.</summary>
    internal const int MaxBatch = 512;

    /// <summary>Batches that may wait for the consumer before the producer blocks.</summary>
    internal const int MaxBatches = 16;

    private readonly BlockingCollection<List<Entry>> _batches = new(MaxBatches);
    private readonly CancellationTokenSource _stop;
    private readonly Thread _thread;
    private List<Entry> _batch = new(16);
    private int _batchSize = 16;
    private ExceptionDispatchInfo? _failure;
    private bool _disposed;

    /// <summary>
    /// A read-ahead of <paramref name="produce"/>'s sequence (given a token that is cancelled by
    /// <paramref name="cancellationToken"/> and by Dispose); it starts with <see cref="Start"/>.
    /// </summary>
    public ReadAhead(Func<CancellationToken, IEnumerable<T>> produce, CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _thread = new Thread(() => Produce(produce, _stop.Token))
        {
            IsBackground = true,
            Name = "SocketTools read-ahead",

            // Messages are formatted there: in the caller's culture, as they were on its thread.
            CurrentCulture = Thread.CurrentThread.CurrentCulture,
            CurrentUICulture = Thread.CurrentThread.CurrentUICulture,
        };
    }

    /// <summary>Starts the producer thread.</summary>
    public void Start() => _thread.Start();

    /// <summary>One item, or a message raised between items.</summary>
    internal readonly record struct Entry(T? Item, string? Message, bool IsWarning);

    /// <summary>Whether the calling thread is the producer (messages raised on it are queued in order with the items).</summary>
    public bool OnProducerThread => Environment.CurrentManagedThreadId == _thread.ManagedThreadId;

    /// <summary>Queues a warning or note raised on the producer thread between the items around it.</summary>
    public void Message(string text, bool warning) => _batch.Add(new Entry(default, text, warning));

    /// <summary>
    /// Everything produced, in order, on the calling thread; rethrows the producer's exception
    /// (after the items before it) as it was thrown.
    /// </summary>
    public IEnumerable<Entry> Consume()
    {
        foreach (var batch in _batches.GetConsumingEnumerable())
        {
            foreach (var entry in batch)
            {
                yield return entry;
            }
        }

        _failure?.Throw();
    }

    private void Produce(Func<CancellationToken, IEnumerable<T>> produce, CancellationToken token)
    {
        try
        {
            foreach (var item in produce(token))
            {
                _batch.Add(new Entry(item, null, false));
                if (_batch.Count >= _batchSize)
                {
                    Hand(token);
                }
            }

            Hand(token);
        }
        catch (Exception e)
        {
            // OperationCanceledException included: the consumer rethrows it as the cmdlet would have.
            _failure = ExceptionDispatchInfo.Capture(e);
            try
            {
                // What was read before the failure still goes out first.
                Hand(token);
            }
            catch (OperationCanceledException)
            {
                // Stopped: the consumer is gone.
            }
        }
        finally
        {
            _batches.CompleteAdding();
        }
    }

    private void Hand(CancellationToken token)
    {
        if (_batch.Count == 0)
        {
            return;
        }

        _batches.Add(_batch, token);
        _batchSize = Math.Min(MaxBatch, _batchSize * 2);
        _batch = new List<Entry>(_batchSize);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        if (_thread.IsAlive)
        {
            _thread.Join();
        }

        _stop.Dispose();
        _batches.Dispose();
    }
}
