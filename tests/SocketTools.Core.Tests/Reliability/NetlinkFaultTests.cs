using SocketTools.Linux;
using SocketTools.Native;

namespace SocketTools.Tests.Reliability;

/// <summary>
/// NetlinkSocket.Dump against scripted kernel answers: signals, overruns, interrupted dumps,
/// errors a seccomp filter or an old kernel gives, malformed frames, and dumps that never end.
/// </summary>
[Trait("Tier", "Offline")]
public sealed class NetlinkFaultTests
{
    private static readonly byte[] Request = new byte[NetlinkSocket.HeaderLength + InetDiag.RequestLength];

    private static (List<SocketInfo> Items, NetlinkSocket Socket, QueryDiagnostics Diagnostics) Run(
        ScriptedTransport transport, Action<NetlinkSocket>? configure = null, CancellationToken cancellationToken = default)
    {
        var socket = new NetlinkSocket(transport);
        var diagnostics = new QueryDiagnostics();
        socket.Diagnostics = diagnostics;
        configure?.Invoke(socket);
        int length = InetDiag.BuildRequest(Request, Libc.AF_INET, InetDiag.IPPROTO_TCP, 0, uint.MaxValue, default);
        var items = socket.Dump(Request, length, p => InetDiag.Parse(p, SocketProtocol.Tcp, null), cancellationToken).ToList();
        return (items, socket, diagnostics);
    }

    private static void AssertEveryRecordOnce(IReadOnlyList<SocketInfo> items, IReadOnlyList<byte[]> records)
    {
        var expected = records.Select(InetRecords.CookieOf).Order().ToList();
        Assert.Equal(expected, items.Select(s => s.Cookie).Order().ToList());
    }

    [Fact]
    public void CleanDumpYieldsEveryRecordOnce()
    {
        var records = InetRecords.All;
        var transport = new ScriptedTransport().Data(Nl.DumpReply(1, records, perDatagram: 5));
        var (items, socket, diagnostics) = Run(transport);
        AssertEveryRecordOnce(items, records);
        Assert.Single(transport.Sent);
        Assert.Equal(0, socket.Restarts);
        Assert.Empty(diagnostics.Warnings);
    }

    [Fact]
    public void EintrOnSendAndReceiveIsRetried()
    {
        var records = InetRecords.All;
        var reply = Nl.DumpReply(1, records, perDatagram: 6);
        var transport = new ScriptedTransport().Fail(Errno.EINTR).Data(reply[0]).Fail(Errno.EINTR).Fail(Errno.EINTR).Data(reply[1..]);
        transport.SendErrors.Enqueue(Errno.EINTR);
        transport.SendErrors.Enqueue(Errno.EINTR);
        var (items, socket, _) = Run(transport);
        AssertEveryRecordOnce(items, records);
        Assert.Single(transport.Sent);
        Assert.Equal(0, socket.Restarts);
    }

    [Fact]
    public void InterruptedDumpIsRestartedWithoutDuplicates()
    {
        var records = InetRecords.All;
        // Attempt 1 (seq 1): the first 10 records, the kernel marks the 3rd NLM_F_DUMP_INTR. Attempt 2 (seq 2): all.
        var first = Nl.DumpReply(1, records.Take(10).ToList(), perDatagram: 4, flagsOf: i => i == 2 ? NetlinkSocket.NLM_F_DUMP_INTR : (ushort)0);
        var transport = new ScriptedTransport().Data(first).Data(Nl.DumpReply(2, records, perDatagram: 7));
        var (items, socket, diagnostics) = Run(transport);
        AssertEveryRecordOnce(items, records);
        Assert.Equal(2, transport.Sent.Count);
        Assert.Equal(1, socket.Restarts);
        Assert.Empty(diagnostics.Warnings);
        // -Verbose says so: the restart is counted and noted.
        Assert.Equal(1, diagnostics.DumpRestarts);
        Assert.Contains(diagnostics.Notes, n => n.Contains("restarting it, attempt 2", StringComparison.Ordinal));
    }

    [Fact]
    public void EnobufsMidDumpRestartsWithoutDuplicates()
    {
        var records = InetRecords.All;
        var first = Nl.DumpReply(1, records.Take(12).ToList(), perDatagram: 4);
        var transport = new ScriptedTransport().Data(first[0]).Fail(Errno.ENOBUFS).Data(first[1..]).Data(Nl.DumpReply(2, records, perDatagram: 5));
        var (items, socket, _) = Run(transport);
        AssertEveryRecordOnce(items, records);
        Assert.Equal(1, socket.Restarts);
    }

    [Fact]
    public void OverrunMessageRestartsTheDump()
    {
        var records = InetRecords.All;
        var transport = new ScriptedTransport()
            .Data(Nl.Datagram(Nl.Diag(1, records[0]), Nl.Message(NetlinkSocket.NLMSG_OVERRUN, 0, 1, []), Nl.Message(NetlinkSocket.NLMSG_NOOP, 0, 1, [])), Nl.Done(1))
            .Data(Nl.DumpReply(2, records));
        var (items, socket, _) = Run(transport);
        AssertEveryRecordOnce(items, records);
        Assert.Equal(1, socket.Restarts);
    }

    [Fact]
    public void DumpThatKeepsBeingInterruptedEndsWithWhatItHasAndOneWarning()
    {
        var records = InetRecords.All;
        var transport = new ScriptedTransport();
        for (uint seq = 1; seq <= NetlinkSocket.MaxDumpRestarts + 1; seq++)
        {
            // Each attempt sees a different part of the table, and is interrupted.
            var part = records.Skip((int)(seq - 1) * 3).Take(8).ToList();
            transport.Data(Nl.DumpReply(seq, part, perDatagram: 3, flagsOf: i => NetlinkSocket.NLM_F_DUMP_INTR));
        }

        var (items, socket, diagnostics) = Run(transport);
        Assert.Equal(NetlinkSocket.MaxDumpRestarts, socket.Restarts);
        Assert.Equal(NetlinkSocket.MaxDumpRestarts + 1, transport.Sent.Count);
        AssertEveryRecordOnce(items, records.Take(3 * NetlinkSocket.MaxDumpRestarts + 8).ToList());
        Assert.Single(diagnostics.Warnings);
        Assert.Contains("kept changing", diagnostics.Warnings[0]);
    }

    [Fact]
    public void SocketEmittedTwiceInOneDumpIsYieldedOnce()
    {
        // Under churn the kernel resumes a hash chain by position: an insertion ahead of the resume
        // point makes it emit the last socket of the previous read again.
        var records = InetRecords.All;
        var transport = new ScriptedTransport().Data(
            Nl.Datagram(records.Take(5).Select(r => Nl.Diag(1, r)).ToArray()),
            Nl.Datagram(records.Skip(4).Select(r => Nl.Diag(1, r)).ToArray()),
            Nl.Datagram(Nl.Diag(1, records[0]), Nl.Done(1)));
        var (items, _, _) = Run(transport);
        AssertEveryRecordOnce(items, records);
    }

    [Fact]
    public void RecordsWithoutCookieAreNotMerged()
    {
        var zero = InetRecords.WithCookie(InetRecords.All[0], 0);
        var transport = new ScriptedTransport().Data(Nl.Datagram(Nl.Diag(1, zero), Nl.Diag(1, zero), Nl.Done(1)));
        var (items, _, _) = Run(transport);
        Assert.Equal(2, items.Count);
    }

    [Theory]
    [InlineData(Errno.EPERM, ErrorKind.PermissionDenied, true)]
    [InlineData(Errno.EACCES, ErrorKind.PermissionDenied, true)]
    [InlineData(Errno.EPROTONOSUPPORT, ErrorKind.ResourceUnavailable, true)]
    [InlineData(Errno.ENOENT, ErrorKind.ResourceUnavailable, true)]
    [InlineData(Errno.EINVAL, ErrorKind.InvalidArgument, false)]
    [InlineData(Errno.EBUSY, ErrorKind.ReadError, false)]
    public void KernelErrorReplyIsATypedError(int errno, ErrorKind kind, bool unavailable)
    {
        var transport = new ScriptedTransport().Data(Nl.Error(1, errno));
        var e = Assert.Throws<NetlinkException>(() => Run(transport));
        Assert.Equal(kind, e.Kind);
        Assert.Equal(errno, e.Errno);
        Assert.Equal("NetlinkDumpFailed", e.ErrorId);
        Assert.Equal(unavailable, e.MeansUnavailable);
    }

    [Fact]
    public void ErrorAfterSomeRecordsStopsTheDumpWithATypedError()
    {
        var records = InetRecords.All;
        var transport = new ScriptedTransport().Data(Nl.Datagram(Nl.Diag(1, records[0]), Nl.Diag(1, records[1])), Nl.Done(1, -Errno.ENOMEM));
        var e = Assert.Throws<NetlinkException>(() => Run(transport));
        Assert.Equal(Errno.ENOMEM, e.Errno);
    }

    [Fact]
    public void AcknowledgementIsNotAnError()
    {
        var records = InetRecords.All;
        var transport = new ScriptedTransport().Data(Nl.Datagram(Nl.Error(1, 0), Nl.Diag(1, records[0]), Nl.Done(1)));
        var (items, _, _) = Run(transport);
        Assert.Single(items);
    }

    [Theory]
    [InlineData(Errno.EPERM, ErrorKind.PermissionDenied)]
    [InlineData(Errno.EACCES, ErrorKind.PermissionDenied)]
    [InlineData(111 /* ECONNREFUSED */, ErrorKind.ReadError)]
    public void SendFailureIsATypedError(int errno, ErrorKind kind)
    {
        var transport = new ScriptedTransport();
        transport.SendErrors.Enqueue(errno);
        var e = Assert.Throws<NetlinkException>(() => Run(transport));
        Assert.Equal("NetlinkSendFailed", e.ErrorId);
        Assert.Equal(kind, e.Kind);
    }

    [Theory]
    [InlineData(Errno.EPERM, ErrorKind.PermissionDenied, true)]
    [InlineData(Errno.EACCES, ErrorKind.PermissionDenied, true)]
    [InlineData(Errno.EPROTONOSUPPORT, ErrorKind.ResourceUnavailable, true)]
    [InlineData(Errno.EAFNOSUPPORT, ErrorKind.ResourceUnavailable, true)]
    [InlineData(Errno.ENOSYS, ErrorKind.ResourceUnavailable, true)]
    [InlineData(24 /* EMFILE */, ErrorKind.ReadError, false)]
    public void SocketCreationFailureMeansWhatItSays(int errno, ErrorKind kind, bool unavailable)
    {
        // What socket(AF_NETLINK) fails with under a seccomp filter, an LSM, or on a kernel without sock_diag.
        var e = new NetlinkException("Socket", errno);
        Assert.Equal(kind, e.Kind);
        Assert.Equal(unavailable, e.MeansUnavailable);
        Assert.Equal("NetlinkSocketFailed", e.ErrorId);
    }

    public static TheoryData<string, byte[]> MalformedFrames()
    {
        var record = InetRecords.All[0];
        var good = Nl.Diag(1, record);
        byte[] WithLength(uint length)
        {
            var copy = good.ToArray();
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(copy, length);
            return copy;
        }

        return new TheoryData<string, byte[]>
        {
            { "nlmsg_len 0", WithLength(0) },
            { "nlmsg_len 15", WithLength(15) },
            { "nlmsg_len past the datagram", WithLength((uint)good.Length + 4) },
            { "nlmsg_len 0xffffffff", WithLength(uint.MaxValue) },
            { "datagram shorter than a header", good[..8] },
            { "message cut after its header", good[..20] },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedFrames))]
    public void MalformedFrameIsInvalidData(string what, byte[] datagram)
    {
        var transport = new ScriptedTransport().Data(datagram, Nl.Done(1));
        var e = Assert.ThrowsAny<SocketToolsException>(() => Run(transport));
        Assert.True(e.Kind == ErrorKind.InvalidData, $"{what}: {e.Kind} {e.Message}");
    }

    [Fact]
    public void EmptyReceiveIsATypedError()
    {
        var transport = new ScriptedTransport().Data(Array.Empty<byte>());
        var e = Assert.Throws<NetlinkException>(() => Run(transport));
        Assert.Equal(ErrorKind.InvalidData, e.Kind);
    }

    [Fact]
    public void ReplyLargerThanTheBufferIsATypedError()
    {
        var transport = new ScriptedTransport().Truncated(Nl.Diag(1, InetRecords.All[0]), NetlinkSocket.BufferSize + 100);
        var e = Assert.Throws<NetlinkException>(() => Run(transport));
        Assert.Equal("NetlinkReplyTruncated", e.ErrorId);
    }

    [Fact]
    public void MalformedRecordInASoundFrameIsSkippedAndCounted()
    {
        var records = InetRecords.All;
        var badFamily = records[1].ToArray();
        badFamily[0] = 99;
        var shortRecord = records[2][..40];
        var transport = new ScriptedTransport().Data(Nl.Datagram(
            Nl.Diag(1, records[0]), Nl.Diag(1, badFamily), Nl.Diag(1, shortRecord), Nl.Diag(1, records[3]), Nl.Done(1)));
        var (items, socket, diagnostics) = Run(transport);
        Assert.Equal([InetRecords.CookieOf(records[0]), InetRecords.CookieOf(records[3])], items.Select(s => s.Cookie));
        Assert.Equal(2, diagnostics.SkippedRecords);
        Assert.Equal(2, socket.SkippedRecords);
        Assert.Single(diagnostics.Warnings);
    }

    [Fact]
    public void AttributesTheKernelDoesNotSendLeaveFieldsEmpty()
    {
        var bare = InetRecords.WithAttributes(InetRecords.Tcp[0]);
        var unknown = InetRecords.WithAttributes(InetRecords.WithCookie(InetRecords.Tcp[0], 77), (200, [1, 2, 3]), (0x3fff, []));
        var transport = new ScriptedTransport().Data(Nl.Datagram(Nl.Diag(1, bare), Nl.Diag(1, unknown), Nl.Done(1)));
        var (items, _, diagnostics) = Run(transport);
        Assert.Equal(2, items.Count);
        Assert.All(items, s =>
        {
            Assert.Null(s.Mark);
            Assert.Null(s.CgroupId);
            Assert.Null(s.Shutdown);
            Assert.Null(s.Tcp);
            Assert.Null(s.Memory);
        });
        Assert.Equal(0, diagnostics.SkippedRecords);
    }

    [Fact]
    public void KernelThatNeverAnswersTimesOut()
    {
        var transport = new ScriptedTransport();
        var e = Assert.Throws<NetlinkException>(() => Run(transport));
        Assert.Equal("NetlinkReceiveTimedOut", e.ErrorId);
        Assert.Equal(ErrorKind.OperationTimeout, e.Kind);
        Assert.Equal(NetlinkSocket.MaxIdleReceives, transport.Receives);
    }

    [Fact]
    public void DumpWithoutDoneTimesOutAfterItsRecords()
    {
        var records = InetRecords.All;
        var transport = new ScriptedTransport().Data(Nl.DumpReply(1, records)[..^1]);
        var e = Assert.Throws<NetlinkException>(() => Run(transport));
        Assert.Equal(ErrorKind.OperationTimeout, e.Kind);
    }

    [Fact]
    public void RepliesToOtherRequestsForeverEndTheDump()
    {
        var transport = new ScriptedTransport { WhenEmpty = seq => new ScriptedTransport.Step(Bytes: Nl.Diag(seq + 1000, InetRecords.All[0])) };
        var e = Assert.Throws<NetlinkException>(() => Run(transport));
        Assert.Equal("NetlinkDumpNoReply", e.ErrorId);
    }

    [Fact]
    public void EndlessOverrunsEndTheDump()
    {
        var transport = new ScriptedTransport { WhenEmpty = _ => new ScriptedTransport.Step(Errno: Errno.ENOBUFS) };
        var e = Assert.Throws<NetlinkException>(() => Run(transport));
        Assert.Equal(Errno.ENOBUFS, e.Errno);
    }

    [Fact]
    public void EndlessSignalsEndTheDump()
    {
        var transport = new ScriptedTransport { WhenEmpty = _ => new ScriptedTransport.Step(Errno: Errno.EINTR) };
        var e = Assert.Throws<NetlinkException>(() => Run(transport));
        Assert.Equal(Errno.EINTR, e.Errno);
    }

    private static ScriptedTransport Endless()
    {
        ulong cookie = 1;
        var template = InetRecords.All[0];
        return new ScriptedTransport
        {
            WhenEmpty = seq => new ScriptedTransport.Step(Bytes: Nl.Datagram(
                Enumerable.Range(0, 8).Select(_ => Nl.Diag(seq, InetRecords.WithCookie(template, cookie++))).ToArray())),
        };
    }

    [Fact]
    public void DumpThatNeverEndsIsBounded()
    {
        var e = Assert.Throws<NetlinkException>(() => Run(Endless(), s => s.MaxMessagesPerDump = 5000));
        Assert.Equal("NetlinkDumpDidNotEnd", e.ErrorId);
    }

    [Fact]
    public void CancellationStopsADumpThatNeverEnds()
    {
        using var cancellation = new CancellationTokenSource();
        var socket = new NetlinkSocket(Endless());
        int length = InetDiag.BuildRequest(Request, Libc.AF_INET, InetDiag.IPPROTO_TCP, 0, uint.MaxValue, default);
        int seen = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var _ in socket.Dump(Request, length, p => InetDiag.Parse(p, SocketProtocol.Tcp, null), cancellation.Token))
            {
                if (++seen == 100)
                {
                    cancellation.Cancel();
                }
            }
        });
        Assert.InRange(seen, 100, 100 + 8);
    }

    [Fact]
    public void CancellationIsSeenWhileTheKernelIsSilent()
    {
        using var cancellation = new CancellationTokenSource();
        var transport = new ScriptedTransport { WhenEmpty = _ => { cancellation.Cancel(); return null; } };
        Assert.ThrowsAny<OperationCanceledException>(() => Run(transport, cancellationToken: cancellation.Token));
        Assert.Equal(1, transport.Receives);
    }

    [Fact]
    public void DisposeClosesTheTransportOnce()
    {
        var transport = new ScriptedTransport();
        var socket = new NetlinkSocket(transport);
        socket.Dispose();
        socket.Dispose();
        Assert.True(transport.Disposed);
        Assert.Throws<ObjectDisposedException>(() => socket.Dump(Request, 72, _ => null, default).ToList());
    }
}
