using System.Collections.Concurrent;

namespace SocketTools.Platform;

/// <summary>
/// A subscription to the kernel's socket destroy events (on Linux: the sock_diag destroy multicast
/// groups), drained on a thread of its own into <see cref="Events"/> once started.
/// </summary>
internal interface ISocketEvents : IDisposable
{
    /// <summary>The destroyed sockets, in arrival order; completed when receiving ends.</summary>
    BlockingCollection<DestroyedSocket> Events { get; }

    /// <summary>What ended receiving early, if anything.</summary>
    Exception? Fault { get; }

    /// <summary>How often the kernel said events were lost (ENOBUFS).</summary>
    int Overruns { get; }

    /// <summary>How many events the kernel dropped for this subscription (its drop counter), -1 when unknown.</summary>
    long Dropped { get; }

    /// <summary>The receive buffer the kernel granted, in bytes.</summary>
    int ReceiveBufferSize { get; }

    /// <summary>Starts receiving.</summary>
    void Start();
}
