using System.Runtime.InteropServices;
using SocketTools.Native;

namespace SocketTools.Linux;

/// <summary>Decodes one netlink message payload into a socket, or null to skip it.</summary>
internal delegate SocketInfo? NetlinkDecoder(ReadOnlySpan<byte> payload);

/// <summary>
/// A NETLINK_SOCK_DIAG socket with one reusable, pinned receive buffer. Dumps are streamed:
/// each reply message is decoded straight out of the buffer.
/// </summary>
/// <remarks>
/// Faults and how a dump answers them (tests/SocketTools.Core.Tests/Reliability/NetlinkFaultTests.cs):
/// <list type="bullet">
/// <item>EINTR on send or receive: retried.</item>
/// <item>NLM_F_DUMP_INTR on a message, ENOBUFS from recv, or NLMSG_OVERRUN: the attempt is read to
/// its NLMSG_DONE, then the dump is sent again (at most <see cref="MaxDumpRestarts"/> times); sockets
/// already yielded are not yielded again. When the last attempt is still incomplete, the dump ends
/// with what it has and one warning.</item>
/// <item>No duplicate cookie within one dump: under churn the kernel's bucket walk (a position count
/// per hash chain) can emit a socket twice; every non-zero cookie is yielded once.</item>
/// <item>NLMSG_ERROR or an NLMSG_DONE with a negative errno: a <see cref="NetlinkException"/> whose
/// kind follows the errno (EPERM/EACCES: PermissionDenied; EPROTONOSUPPORT, ENOENT, ENOSYS:
/// ResourceUnavailable; see <see cref="NetlinkException.MeansUnavailable"/>).</item>
/// <item>A malformed frame (nlmsg_len below 16 or past the datagram, a datagram shorter than a
/// header or cut by MSG_TRUNC): NetlinkMalformedReply (InvalidData). A malformed record inside a
/// sound frame (the decoder throws an InvalidData <see cref="SocketToolsException"/>): skipped,
/// counted in <see cref="QueryDiagnostics.SkippedRecords"/>, one warning.</item>
/// <item>No dump can run forever: each receive times out after <see cref="ReceiveTimeout"/> (the
/// cancellation token is checked then), <see cref="MaxIdleReceives"/> timeouts in a row end the
/// dump with NetlinkReceiveTimedOut, replies for other sequence numbers and a dump longer than
/// <see cref="MaxMessagesPerDump"/> messages are typed errors.</item>
/// </list>
/// </remarks>
internal sealed unsafe class NetlinkSocket : IDisposable
{
    internal const int NETLINK_SOCK_DIAG = 4;
    internal const ushort NLMSG_NOOP = 1;
    internal const ushort NLMSG_ERROR = 2;
    internal const ushort NLMSG_DONE = 3;
    internal const ushort NLMSG_OVERRUN = 4;
    internal const ushort NLMSG_MIN_TYPE = 0x10;
    internal const ushort SOCK_DIAG_BY_FAMILY = 20;

    /// <summary>
    /// TCPDIAG_GETSOCK: inet_diag's older request for TCP (struct inet_diag_req). Its dump takes
    /// AF_UNSPEC and returns IPv4 and IPv6 sockets in one walk of the TCP hash.
    /// </summary>
    internal const ushort TCPDIAG_GETSOCK = 18;
    internal const ushort NLM_F_REQUEST = 0x1;
    internal const ushort NLM_F_MULTI = 0x2;
    internal const ushort NLM_F_DUMP_INTR = 0x10;
    internal const ushort NLM_F_DUMP = 0x300;

    /// <summary>sizeof(struct nlmsghdr).</summary>
    internal static int HeaderLength => sizeof(NlMsgHdr);

    /// <summary>The kernel sends at most 32 KiB per dump read; twice that leaves room.</summary>
    internal const int BufferSize = 64 * 1024;

    /// <summary>How often an interrupted (NLM_F_DUMP_INTR, ENOBUFS) dump is restarted before giving up.</summary>
    internal const int MaxDumpRestarts = 3;

    /// <summary>How long one recv(2) waits (SO_RCVTIMEO); cancellation is checked at least this often.</summary>
    internal static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Receive timeouts in a row after which the kernel is deemed not to answer.</summary>
    internal const int MaxIdleReceives = 5;

    /// <summary>EINTRs in a row after which a send or receive gives up.</summary>
    internal const int MaxInterrupts = 1000;

    /// <summary>Datagrams in a row without a message of the current request after which a dump gives up.</summary>
    internal const int MaxForeignDatagrams = 1024;

    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(BufferSize, pinned: true);
    private INetlinkTransport? _transport;
    private uint _seq;

    /// <summary>A socket over <paramref name="transport"/> (tests pass a scripted one).</summary>
    internal NetlinkSocket(INetlinkTransport transport) => _transport = transport;

    /// <summary>Opens a sock_diag socket, in <paramref name="netns"/> when given.</summary>
    public static NetlinkSocket Open(string? netns) => NetworkNamespace.Run(netns,
        () => new NetlinkSocket(LibcNetlinkTransport.Open(NETLINK_SOCK_DIAG, ReceiveTimeout)));

    /// <summary>Where skipped records are counted and warnings go (optional).</summary>
    internal QueryDiagnostics? Diagnostics { get; set; }

    /// <summary>The messages one <see cref="Dump"/> call reads at most, over all its attempts (a bound, not a budget).</summary>
    internal long MaxMessagesPerDump { get; set; } = 1L << 27;

    /// <summary>Records skipped by this socket's dumps because they could not be decoded.</summary>
    internal int SkippedRecords { get; private set; }

    /// <summary>How often this socket's dumps were restarted.</summary>
    internal int Restarts { get; private set; }

    /// <summary>
    /// Sends a dump request (its header's length, type and flags already set) and yields every
    /// decoded reply, each non-zero cookie once. An interrupted dump is restarted; sockets already
    /// yielded (by cookie) are not yielded again. As libnetlink's dump loop, the loop only receives;
    /// each datagram and each message kind goes to a named helper.
    /// </summary>
    public IEnumerable<SocketInfo> Dump(byte[] request, int length, NetlinkDecoder decode, CancellationToken cancellationToken)
    {
        var dump = new DumpState();
        for (int attempt = 0; ; attempt++)
        {
            var pass = new DumpPass(Send(request, length));
            while (!pass.Done)
            {
                int received = ReceiveForDump(pass, cancellationToken);
                if (received < 0)
                {
                    continue;
                }

                foreach (var item in ReadDatagram(received, pass, dump, decode))
                {
                    yield return item;
                }

                CountForeign(pass);
            }

            if (!pass.Incomplete || !Restart(attempt))
            {
                yield break;
            }
        }
    }

    /// <summary>What one dump keeps across its attempts: the cookies already yielded and the messages read.</summary>
    private sealed class DumpState
    {
        public readonly HashSet<ulong> Yielded = [];
        public long Messages;
    }

    /// <summary>One attempt of a dump: its sequence number and what its replies said so far.</summary>
    private sealed class DumpPass(uint sequence)
    {
        public readonly uint Sequence = sequence;
        public bool Done;
        public bool Incomplete;
        public bool Ours;
        public int Foreign;
        public int Overruns;
    }

    /// <summary>One datagram's length, or -1 when the receive queue overran (the pass is then incomplete: read it to its end, then go again).</summary>
    private int ReceiveForDump(DumpPass pass, CancellationToken cancellationToken)
    {
        int received = Receive(cancellationToken);
        if (received == -Errno.ENOBUFS)
        {
            pass.Incomplete = true;
            if (++pass.Overruns > MaxInterrupts)
            {
                throw new NetlinkException("Receive", Errno.ENOBUFS);
            }

            return -1;
        }

        pass.Overruns = 0;
        return received;
    }

    /// <summary>The sockets of one datagram: its messages of this pass, each handed to <see cref="OnMessage"/>; new cookies only.</summary>
    private IEnumerable<SocketInfo> ReadDatagram(int received, DumpPass pass, DumpState dump, NetlinkDecoder decode)
    {
        pass.Ours = false;
        int offset = 0;
        while (!pass.Done && offset + HeaderLength <= received)
        {
            var header = ReadHeader(_buffer, offset, received);
            var item = header.Sequence == pass.Sequence ? OnMessage(header, offset, pass, dump, decode) : null;
            offset += Align4(header.Length);
            if (item is not null && (item.Cookie == 0 || dump.Yielded.Add(item.Cookie)))
            {
                yield return item;
            }
        }
    }

    /// <summary>One message of this pass: DONE ends it, ERROR throws its errno, control messages mark it, data decodes.</summary>
    private SocketInfo? OnMessage((int Length, ushort Type, ushort Flags, uint Sequence) header, int offset, DumpPass pass, DumpState dump, NetlinkDecoder decode)
    {
        pass.Ours = true;
        if (++dump.Messages > MaxMessagesPerDump)
        {
            throw new NetlinkException("Dump", "NetlinkDumpDidNotEnd", ErrorKind.InvalidData,
                $"the netlink dump did not end after {MaxMessagesPerDump} messages.");
        }

        if ((header.Flags & NLM_F_DUMP_INTR) != 0)
        {
            pass.Incomplete = true;
        }

        switch (header.Type)
        {
            case NLMSG_DONE:
                CheckDone(_buffer, offset, header.Length);
                pass.Done = true;
                return null;
            case NLMSG_ERROR:
                int errno = ErrorOf(_buffer, offset, header.Length);
                return errno == 0 ? null : throw new NetlinkException("Dump", errno);
            case < NLMSG_MIN_TYPE:
                // NLMSG_NOOP, NLMSG_OVERRUN (data was lost) and reserved control types carry no socket.
                pass.Incomplete |= header.Type == NLMSG_OVERRUN;
                return null;
            default:
                return DecodeOrSkip(decode, offset, header.Length);
        }
    }

    /// <summary>The decoded socket, or null (counted and warned once) for a record that cannot be decoded.</summary>
    private SocketInfo? DecodeOrSkip(NetlinkDecoder decode, int offset, int length)
    {
        try
        {
            return decode(Payload(_buffer, offset, length));
        }
        catch (SocketToolsException e) when (e.Kind == ErrorKind.InvalidData)
        {
            Skip(e);
            return null;
        }
    }

    /// <summary>Counts datagrams in a row that answered other requests; too many means no reply will come.</summary>
    private static void CountForeign(DumpPass pass)
    {
        pass.Foreign = pass.Ours ? 0 : pass.Foreign + 1;
        if (pass.Foreign > MaxForeignDatagrams)
        {
            throw new NetlinkException("Dump", "NetlinkDumpNoReply", ErrorKind.InvalidData,
                $"{pass.Foreign} netlink replies in a row answered other requests than dump {pass.Sequence}.");
        }
    }

    /// <summary>
    /// After an interrupted attempt (the kernel's tables changed under the dump, or replies were
    /// dropped): true to go again, skipping what was already given; false, with one warning, after
    /// <see cref="MaxDumpRestarts"/> restarts.
    /// </summary>
    private bool Restart(int attempt)
    {
        if (attempt >= MaxDumpRestarts)
        {
            Diagnostics?.Warn($"The kernel's socket table kept changing during the netlink dump ({attempt + 1} attempts); " +
                "the list may miss sockets that were opened or closed meanwhile.");
            return false;
        }

        Restarts++;
        if (Diagnostics is { } restarted)
        {
            restarted.DumpRestarts++;
            restarted.Note($"The netlink dump was interrupted (the socket table changed, or replies were dropped); restarting it, attempt {attempt + 2} of {MaxDumpRestarts + 1}.");
        }

        return true;
    }

    /// <summary>
    /// Sends one non-dump request (an exact lookup) and decodes its single reply. Returns 0 with the
    /// decoded item, or the errno the kernel answered with (ENOENT: no such socket; ESTALE: the
    /// 4-tuple now belongs to a socket with another cookie).
    /// </summary>
    public int Request(byte[] request, int length, NetlinkDecoder decode, out SocketInfo? item)
    {
        uint seq = Send(request, length);
        while (true)
        {
            int received = Receive();
            int offset = 0;
            while (offset + HeaderLength <= received)
            {
                var header = ReadHeader(_buffer, offset, received);
                int next = offset + Align4(header.Length);
                if (header.Sequence != seq)
                {
                    offset = next;
                    continue;   // a late reply to an earlier request
                }

                if (header.Type == NLMSG_ERROR)
                {
                    item = null;
                    return -(ErrorField(Payload(_buffer, offset, header.Length)) ?? 0);
                }

                if (header.Type == NLMSG_DONE)
                {
                    item = null;
                    return Errno.ENOENT;
                }

                item = decode(Payload(_buffer, offset, header.Length));
                return 0;
            }
        }
    }

    /// <summary>The fixed netlink header fields of the message at <paramref name="offset"/>.</summary>
    internal static (int Length, ushort Type, ushort Flags, uint Sequence) ReadHeader(byte[] buffer, int offset, int received)
    {
        var span = buffer.AsSpan(offset, received - offset);
        if (!MemoryMarshal.TryRead(span, out NlMsgHdr header))
        {
            throw new NetlinkException($"netlink message at offset {offset} is cut: {span.Length} bytes remain of its {HeaderLength}-byte header.");
        }

        if (header.nlmsg_len < HeaderLength || header.nlmsg_len > (uint)span.Length)
        {
            throw new NetlinkException($"netlink message at offset {offset} claims {header.nlmsg_len} bytes; {span.Length} remain.");
        }

        return ((int)header.nlmsg_len, header.nlmsg_type, header.nlmsg_flags, header.nlmsg_seq);
    }

    /// <summary>The payload of the message at <paramref name="offset"/>: what follows its header.</summary>
    private static Span<byte> Payload(byte[] buffer, int offset, int length) =>
        buffer.AsSpan(offset + HeaderLength, length - HeaderLength);

    /// <summary>
    /// nlmsgerr.error of an NLMSG_ERROR payload, or null when the message is too short to hold it
    /// (the kernel always sends it; the request echoed after it may be cut).
    /// </summary>
    private static int? ErrorField(ReadOnlySpan<byte> payload)
    {
        var error = KernelStruct.ReadPrefix<NlMsgErr>(payload);
        return KernelStruct.IfSent(payload.Length, ref error, ref error.error);
    }

    /// <summary>The errno an NLMSG_ERROR message carries: 0 for an acknowledgement.</summary>
    private static int ErrorOf(byte[] buffer, int offset, int length)
    {
        if (ErrorField(Payload(buffer, offset, length)) is not int error)
        {
            throw new NetlinkException($"NLMSG_ERROR at offset {offset} is {length} bytes; at least {HeaderLength + sizeof(int)} expected.");
        }

        if (error > 0 || error == int.MinValue)
        {
            throw new NetlinkException($"NLMSG_ERROR at offset {offset} carries {error}; a negative errno or 0 expected.");
        }

        return -error;
    }

    private static void CheckDone(byte[] buffer, int offset, int length)
    {
        // Since Linux 4.x NLMSG_DONE carries an int: a negative errno when the dump failed.
        if (MemoryMarshal.TryRead(Payload(buffer, offset, length), out int error))
        {
            if (error < 0)
            {
                if (error == int.MinValue)
                {
                    throw new NetlinkException($"NLMSG_DONE at offset {offset} carries {error}; a negative errno or 0 expected.");
                }

                throw new NetlinkException("Dump", -error);
            }
        }
    }

    internal static int Align4(int length) => (length + 3) & ~3;

    /// <summary>
    /// Clears <c>destination[..total]</c>, writes a dump request header of that length and
    /// <paramref name="type"/> (SOCK_DIAG_BY_FAMILY unless said) into it, and returns the request body that follows the header.
    /// </summary>
    internal static Span<byte> StartDumpRequest(Span<byte> destination, int total, ushort type = SOCK_DIAG_BY_FAMILY)
    {
        var span = destination[..total];
        span.Clear();
        var header = new NlMsgHdr
        {
            nlmsg_len = (uint)total,
            nlmsg_type = type,
            nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
        };
        MemoryMarshal.Write(span, in header);
        return span[HeaderLength..];
    }

    private void Skip(SocketToolsException e)
    {
        SkippedRecords++;
        if (Diagnostics is { } diagnostics)
        {
            if (diagnostics.SkippedRecords++ == 0)
            {
                diagnostics.Warn($"A socket record from the kernel could not be decoded and was skipped ({e.Message}); " +
                    "QueryDiagnostics.SkippedRecords counts such records.");
            }
        }
    }

    private uint Send(byte[] request, int length)
    {
        var span = request.AsSpan(0, length);
        if (length < HeaderLength || MemoryMarshal.AsRef<NlMsgHdr>(span).nlmsg_type is not (SOCK_DIAG_BY_FAMILY or TCPDIAG_GETSOCK))
        {
            // The module only reads: SOCK_DESTROY (what ss -K sends) or any other request never leaves here.
            throw new InvalidOperationException("SocketTools sends only SOCK_DIAG_BY_FAMILY and TCPDIAG_GETSOCK requests.");
        }

        uint seq = ++_seq;
        ref var header = ref MemoryMarshal.AsRef<NlMsgHdr>(span);
        header.nlmsg_len = (uint)length;
        header.nlmsg_seq = seq;
        for (int interrupts = 0; ; interrupts++)
        {
            int errno = Transport.Send(span);
            if (errno == 0)
            {
                return seq;
            }

            if (errno != Errno.EINTR || interrupts >= MaxInterrupts)
            {
                throw new NetlinkException("Send", errno);
            }
        }
    }

    /// <summary>Receives one datagram; ENOBUFS is an error here (a dump handles it by restarting).</summary>
    private int Receive()
    {
        int received = Receive(CancellationToken.None);
        return received >= 0 ? received : throw new NetlinkException("Receive", -received);
    }

    /// <summary>
    /// Receives one datagram of at least a header's length and returns its length, or -ENOBUFS when
    /// the receive queue overran. Retries EINTR; gives up after <see cref="MaxIdleReceives"/> timeouts.
    /// </summary>
    private int Receive(CancellationToken cancellationToken)
    {
        int interrupts = 0;
        int idle = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int received = Transport.Receive(_buffer);
            if (received > _buffer.Length)
            {
                throw new NetlinkException("Receive", "NetlinkReplyTruncated", ErrorKind.InvalidData,
                    $"a netlink reply of {received} bytes did not fit the {_buffer.Length}-byte buffer.");
            }

            if (received >= HeaderLength)
            {
                return received;
            }

            if (received >= 0)
            {
                throw received == 0
                    ? new NetlinkException("the kernel closed the netlink socket in the middle of a dump.")
                    : new NetlinkException($"a netlink reply of {received} bytes is shorter than a message header.");
            }

            int errno = -received;
            if (errno == Errno.ENOBUFS)
            {
                return received;
            }

            if (errno == Errno.EINTR && ++interrupts < MaxInterrupts)
            {
                continue;
            }

            if (errno == Errno.EAGAIN)
            {
                if (++idle < MaxIdleReceives)
                {
                    continue;
                }

                throw new NetlinkException("Receive", "NetlinkReceiveTimedOut", ErrorKind.OperationTimeout,
                    $"the kernel did not answer the netlink request within {(ReceiveTimeout * idle).TotalSeconds:0} s.", errno);
            }

            throw new NetlinkException("Receive", errno);
        }
    }

    private INetlinkTransport Transport => _transport ?? throw new ObjectDisposedException(nameof(NetlinkSocket));

    public void Dispose() => Interlocked.Exchange(ref _transport, null)?.Dispose();
}
