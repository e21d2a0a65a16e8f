using SocketTools.Platform;
using SocketTools.Query;

namespace SocketTools.Tests.Owners;

/// <summary>The owner pass is not started for a query whose states cannot have owners (TIME-WAIT, SYN-RECV).</summary>
[Trait("Tier", "Offline")]
public sealed class OwnerSkipTests
{
    private sealed class CountingResolver : IOwnerResolver
    {
        public int Scans { get; private set; }

        public ISocketOwners None { get; } = new NoOwners();

        public IOwnerScan StartScan(CancellationToken cancellationToken)
        {
            Scans++;
            return new Finished(None);
        }

        public ISocketOwners Find(IReadOnlySet<ulong> inodes, IReadOnlyCollection<int>? processIds, CancellationToken cancellationToken) => None;

        public void FillUnixAddresses(IEnumerable<(SocketOwner Owner, SocketInfo Socket)> rows)
        {
        }
    }

    private sealed class Finished(ISocketOwners owners) : IOwnerScan
    {
        public ISocketOwners Finish() => owners;

        public void Dispose()
        {
        }
    }

    private sealed class NoOwners : ISocketOwners
    {
        public int Count => 0;

        public int ScannedProcesses => 0;

        public long ScannedFds => 0;

        public int DeniedProcesses => 0;

        public int VanishedProcesses => 0;

        public SocketOwner[] OwnersOf(ulong inode) => [];
    }

    private static SocketInfo Tcp(SocketState state, ulong inode) => new()
    {
        Protocol = SocketProtocol.Tcp, Family = SocketFamily.IPv4, State = state, LocalAddress = "127.0.0.1", LocalPort = 80,
        RemoteAddress = "127.0.0.1", RemotePort = 40000, Inode = inode,
    };

    [Theory]
    [InlineData("TimeWait")]
    [InlineData("SynReceived")]
    [InlineData("Bucket")]
    public void MinisocketStatesStartNoPass(string state)
    {
        var query = new QueryParameters { State = [state], IncludeProcess = true }.ToQuery();
        Assert.False(query.CanHaveOwners);
        var resolver = new CountingResolver();
        var diagnostics = new QueryDiagnostics();
        var sockets = OwnerEnrichment.Apply([Tcp(SocketState.TimeWait, 0)], query, diagnostics, resolver).ToList();
        Assert.Equal(0, resolver.Scans);
        Assert.Empty(Assert.Single(sockets).Owners);
        Assert.Null(sockets[0].OwningProcess);
        Assert.Contains(diagnostics.Notes, n => n.StartsWith("Owner scan: not needed (1 socket(s); SYN-RECV and TIME-WAIT", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Established")]
    [InlineData("TimeWait", "Listen")]
    public void OtherStatesStartOnePass(params string[] states)
    {
        var query = new QueryParameters { State = states, IncludeProcess = true }.ToQuery();
        Assert.True(query.CanHaveOwners);
        var resolver = new CountingResolver();
        _ = OwnerEnrichment.Apply([Tcp(SocketState.Established, 7)], query, new QueryDiagnostics(), resolver).ToList();
        Assert.Equal(1, resolver.Scans);
    }

    [Fact]
    public void UnixSocketsInTheSameStatesStillGetAPass()
    {
        var query = new QueryParameters { State = ["TimeWait"], Protocol = [SocketProtocol.Unix], IncludeProcess = true }.ToQuery();
        Assert.True(query.CanHaveOwners);
    }
}
