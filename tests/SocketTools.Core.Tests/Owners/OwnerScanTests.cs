using System.Net;
using System.Net.Sockets;
using SocketTools.Linux;
using SocketTools.Query;

namespace SocketTools.Tests.Owners;

/// <summary>The background owner pass: the same owners as the synchronous one, and it stops when told.</summary>
[Trait("Tier", "Offline")]
public sealed class OwnerScanTests
{
    [Fact]
    public void BackgroundPassFindsWhatTheSynchronousOneFinds()
    {
        // Sockets of this process (other tests' sockets come and go meanwhile; these stay).
        using var a = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var b = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        a.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        b.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var mine = SocketReader.Read(new SocketQuery { Protocols = [SocketProtocol.Udp] })
            .Where(s => s.LocalPort == ((IPEndPoint)a.LocalEndPoint!).Port || s.LocalPort == ((IPEndPoint)b.LocalEndPoint!).Port)
            .Select(s => s.Inode).ToHashSet();
        Assert.Equal(2, mine.Count);

        OwnerIndex background;
        using (var scan = OwnerScan.Start(null, null, background: true))
        {
            background = scan.Finish();
        }

        var synchronous = OwnerIndex.Build(mine);
        Assert.Equal(2, synchronous.Count);
        foreach (ulong inode in mine)
        {
            var owner = Assert.Single(synchronous.OwnersOf(inode));
            Assert.Equal(Environment.ProcessId, owner.Id);
            Assert.Equal(
                synchronous.OwnersOf(inode).Select(o => (o.Id, o.Command, o.Fd)),
                background.OwnersOf(inode).Select(o => (o.Id, o.Command, o.Fd)));
        }

        Assert.True(background.Count >= synchronous.Count);
        Assert.Empty(background.OwnersOf(0));
    }

    [Fact]
    public void DisposingAnUnfinishedPassStopsIt()
    {
        var scan = OwnerScan.Start(null, null, background: true);
        scan.Dispose();
        scan.Dispose();
    }

    [Fact]
    public void CancellationEndsThePass()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => OwnerIndex.Build(null, null, cancel.Token));
        using var scan = OwnerScan.Start(null, null, background: true, cancel.Token);
        Assert.ThrowsAny<OperationCanceledException>(() => scan.Finish());
    }

    [Fact]
    public void AMissingProcIsATypedErrorWhenTheIndexIsNeeded()
    {
        var e = Assert.Throws<SocketToolsException>(() => OwnerIndex.Build(null, null, default, "/nonexistent-proc"));
        Assert.Equal("ProcUnavailable", e.ErrorId);
        Assert.Equal(ErrorKind.ResourceUnavailable, e.Kind);

        // Started but never finished (no socket needed owners): no error.
        using var scan = OwnerScan.Start(null, null, background: true, default, "/nonexistent-proc");
    }
}
