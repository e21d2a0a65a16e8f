using SocketTools.Platform;

namespace SocketTools.Linux;

/// <summary>Socket owners on Linux: <see cref="OwnerScan"/> and <see cref="OwnerIndex"/> over /proc/&lt;pid&gt;/fd.</summary>
internal sealed class LinuxOwnerResolver : IOwnerResolver
{
    /// <inheritdoc />
    public ISocketOwners None { get; } = new Owners(OwnerIndex.Empty);

    /// <inheritdoc />
    public IOwnerScan StartScan(CancellationToken cancellationToken) =>
        new Scan(OwnerScan.Start(null, null, background: true, cancellationToken));

    /// <inheritdoc />
    public ISocketOwners Find(IReadOnlySet<ulong> inodes, IReadOnlyCollection<int>? processIds, CancellationToken cancellationToken) =>
        new Owners(OwnerIndex.Build(inodes, processIds, cancellationToken));

    /// <inheritdoc />
    public void FillUnixAddresses(IEnumerable<(SocketOwner Owner, SocketInfo Socket)> rows) => UnixAddresses.Fill(rows);

    private sealed class Scan(OwnerScan scan) : IOwnerScan
    {
        public ISocketOwners Finish() => new Owners(scan.Finish());

        public void Dispose() => scan.Dispose();
    }

    private sealed class Owners(OwnerIndex index) : ISocketOwners
    {
        public int Count => index.Count;

        public int ScannedProcesses => index.ScannedProcesses;

        public long ScannedFds => index.ScannedFds;

        public int DeniedProcesses => index.DeniedProcesses;

        public int VanishedProcesses => index.VanishedProcesses;

        public SocketOwner[] OwnersOf(ulong inode) => index.OwnersOf(inode);
    }
}
