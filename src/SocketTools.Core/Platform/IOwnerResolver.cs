namespace SocketTools.Platform;

/// <summary>Finds the processes that hold sockets (on Linux: one pass over /proc/&lt;pid&gt;/fd).</summary>
internal interface IOwnerResolver
{
    /// <summary>The owners of no socket: what a query that needs no lookup uses.</summary>
    ISocketOwners None { get; }

    /// <summary>
    /// Starts a pass over every process in the background; <see cref="IOwnerScan.Finish"/> waits for
    /// it (the calling thread helps). Disposing an unfinished scan cancels it. OwnerEnrichment
    /// finishes it before it reads the sockets, as ss -p does, so they stream with their owners.
    /// </summary>
    IOwnerScan StartScan(CancellationToken cancellationToken);

    /// <summary>
    /// One pass on the calling thread that records the owners of <paramref name="inodes"/>; with
    /// <paramref name="processIds"/>, only those processes are read.
    /// </summary>
    ISocketOwners Find(IReadOnlySet<ulong> inodes, IReadOnlyCollection<int>? processIds, CancellationToken cancellationToken);

    /// <summary>Fills in what lsof prints of the Unix sockets in <paramref name="rows"/> beyond their owner (their kernel address, lsof's DEVICE).</summary>
    void FillUnixAddresses(IEnumerable<(SocketOwner Owner, SocketInfo Socket)> rows);
}
