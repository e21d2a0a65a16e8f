using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace SocketTools.Linux;

/// <summary>
/// One query's way into its network namespace, entered at most once: the first piece of work that
/// needs the namespace starts a thread that calls setns(2) and then stays there, running every later
/// piece of work of the query (opening the netlink socket, the interface-name socket, the /proc/net
/// files) until the scope is disposed. Sockets and files opened there stay bound to the namespace,
/// so they are read from any thread. For the caller's own namespace (no name) the work runs directly.
/// </summary>
internal sealed class NamespaceScope : IDisposable
{
    private Worker? _worker;
    private bool _disposed;

    private NamespaceScope(string? nameOrPath) => Name = nameOrPath;

    /// <summary>The namespace as the user named it; null for the caller's own.</summary>
    public string? Name { get; }

    /// <summary>A scope for <paramref name="nameOrPath"/> (the caller's own namespace when null, empty or its net:[INODE]); nothing is entered yet.</summary>
    public static NamespaceScope For(string? nameOrPath) => new(IsCurrent(nameOrPath) ? null : nameOrPath);

    /// <summary>No namespace, or net:[INODE] of the one the caller stands in: nothing to enter.</summary>
    private static bool IsCurrent(string? nameOrPath) =>
        string.IsNullOrEmpty(nameOrPath)
        || (NamespaceDiscovery.ParseId(nameOrPath) is ulong id && id == NamespaceDiscovery.CurrentId());

    /// <summary>
    /// Runs <paramref name="work"/> in the namespace and returns its result (its exception is
    /// rethrown here). The first call enters the namespace, with NetworkNamespace's typed errors.
    /// </summary>
    public T Run<T>(Func<T> work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Name is null)
        {
            return work();
        }

        _worker ??= new Worker(Name);
        return _worker.Run(work);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        _worker?.Dispose();
        _worker = null;
    }

    /// <summary>The thread inside the namespace and its queue of work.</summary>
    private sealed class Worker : IDisposable
    {
        private readonly BlockingCollection<Action> _queue = [];
        private readonly Thread _thread;
        private ExceptionDispatchInfo? _enterFailure;

        public Worker(string nameOrPath)
        {
            // Opened here, on the caller's thread: a name that is no namespace fails before any thread starts.
            var (handle, path) = NetworkNamespace.OpenHandle(nameOrPath);
            _thread = new Thread(() => Serve(handle, nameOrPath, path))
            {
                IsBackground = true,
                Name = "SocketTools netns",
            };
            _thread.Start();
        }

        private void Serve(Microsoft.Win32.SafeHandles.SafeFileHandle handle, string nameOrPath, string path)
        {
            try
            {
                using (handle)
                {
                    NetworkNamespace.Enter(handle, nameOrPath, path);
                }
            }
            catch (Exception e)
            {
                _enterFailure = ExceptionDispatchInfo.Capture(e);
            }

            foreach (var work in _queue.GetConsumingEnumerable())
            {
                work();
            }
        }

        public T Run<T>(Func<T> work)
        {
            T result = default!;
            ExceptionDispatchInfo? failure = null;
            using var done = new ManualResetEventSlim();
            _queue.Add(() =>
            {
                try
                {
                    _enterFailure?.Throw();
                    result = work();
                }
                catch (Exception e)
                {
                    failure = ExceptionDispatchInfo.Capture(e);
                }
                finally
                {
                    done.Set();
                }
            });
            done.Wait();
            failure?.Throw();
            return result;
        }

        public void Dispose()
        {
            _queue.CompleteAdding();
            _thread.Join();
            _queue.Dispose();
        }
    }
}
