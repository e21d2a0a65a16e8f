using System.Buffers.Binary;
using SocketTools.Linux;
using SocketTools.Native;

namespace SocketTools.Tests.Reliability;

/// <summary>
/// A whole netlink conversation as one byte string, so the byte-level fuzzer can mutate framing,
/// datagram boundaries and transport faults together: a sequence of [u16 tag][datagram], where a
/// tag below 0xfff0 is the datagram's length (cut to what remains) and 0xfff0/1/2 stand for a
/// receive failing with EINTR / ENOBUFS / EAGAIN.
/// </summary>
internal static class DumpFuzz
{
    private const ushort Eintr = 0xfff0, Enobufs = 0xfff1, Eagain = 0xfff2;

    public static byte[] Encode(IEnumerable<object> steps)
    {
        var bytes = new List<byte>();
        foreach (var step in steps)
        {
            var tag = new byte[2];
            switch (step)
            {
                case byte[] datagram:
                    BinaryPrimitives.WriteUInt16LittleEndian(tag, (ushort)datagram.Length);
                    bytes.AddRange(tag);
                    bytes.AddRange(datagram);
                    break;
                case int errno:
                    BinaryPrimitives.WriteUInt16LittleEndian(tag, errno switch { Errno.EINTR => Eintr, Errno.ENOBUFS => Enobufs, _ => Eagain });
                    bytes.AddRange(tag);
                    break;
            }
        }

        return bytes.ToArray();
    }

    public static ScriptedTransport Decode(byte[] input)
    {
        var transport = new ScriptedTransport();
        int offset = 0;
        while (offset + 2 <= input.Length)
        {
            ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(input.AsSpan(offset));
            offset += 2;
            switch (tag)
            {
                case Eintr: transport.Fail(Errno.EINTR); break;
                case Enobufs: transport.Fail(Errno.ENOBUFS); break;
                case Eagain: transport.Fail(Errno.EAGAIN); break;
                default:
                    int n = Math.Min(tag, input.Length - offset);
                    transport.Data(input.AsSpan(offset, n).ToArray());
                    offset += n;
                    break;
            }
        }

        return transport;
    }

    /// <summary>Well-formed conversations: plain dumps, an interrupted and restarted one, signals and an overrun, an error.</summary>
    public static IReadOnlyList<byte[]> Seeds()
    {
        var records = InetRecords.All;
        var rich = InetRecords.WithEveryAttribute();
        return
        [
            Encode(Nl.DumpReply(1, records, perDatagram: 5)),
            Encode(Nl.DumpReply(1, records, perDatagram: 1)),
            Encode(Nl.DumpReply(1, rich, perDatagram: 3)),
            Encode([.. Nl.DumpReply(1, records.Take(6).ToList(), 2, i => i == 3 ? NetlinkSocket.NLM_F_DUMP_INTR : (ushort)0), .. Nl.DumpReply(2, records, 4)]),
            Encode([Errno.EINTR, .. Nl.DumpReply(1, records.Take(9).ToList(), 3), Errno.EAGAIN]),
            Encode([Nl.DumpReply(1, records, 6)[0], Errno.ENOBUFS, .. Nl.DumpReply(1, records, 6)[1..], .. Nl.DumpReply(2, records, 6)]),
        ];
    }

    /// <summary>Runs one conversation through NetlinkSocket.Dump; returns how many sockets it yielded.</summary>
    public static object? Run(byte[] input)
    {
        using var socket = new NetlinkSocket(Decode(input)) { MaxMessagesPerDump = 10_000, Diagnostics = new QueryDiagnostics() };
        byte[] request = new byte[NetlinkSocket.HeaderLength + InetDiag.RequestLength];
        int length = InetDiag.BuildRequest(request, Libc.AF_INET, InetDiag.IPPROTO_TCP, 0, uint.MaxValue, default);
        var seen = new HashSet<ulong>();
        int count = 0;
        foreach (var s in socket.Dump(request, length, p => InetDiag.Parse(p, SocketProtocol.Tcp, null), CancellationToken.None))
        {
            // The de-duplication holds whatever the input.
            Assert.True(s.Cookie == 0 || seen.Add(s.Cookie), $"cookie {s.Cookie:x} yielded twice");
            count++;
        }

        return count;
    }
}
