using System.Buffers.Binary;
using SocketTools.Linux;
using SocketTools.Tests.Parsing;

namespace SocketTools.Tests.Reliability;

/// <summary>inet_diag_msg payloads for fault and fuzz tests: the captured ones, and copies with chosen cookies and attributes.</summary>
internal static class InetRecords
{
    private static readonly Lazy<List<(SocketProtocol Protocol, byte[] Payload)>> Captured =
        new(() => Captures.Read(Path.Combine(Captures.Dir, "inet-scenario.bin")));

    /// <summary>The payloads captured from this kernel (TestData/inet-scenario.bin), each with a distinct cookie.</summary>
    public static IReadOnlyList<byte[]> All => Captured.Value.Select(r => r.Payload).ToList();

    /// <summary>The TCP payloads.</summary>
    public static IReadOnlyList<byte[]> Tcp => Captured.Value.Where(r => r.Protocol == SocketProtocol.Tcp).Select(r => r.Payload).ToList();

    public static ulong CookieOf(byte[] payload) =>
        BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(44)) | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(48)) << 32);

    /// <summary>A copy of <paramref name="payload"/> with <paramref name="cookie"/>.</summary>
    public static byte[] WithCookie(byte[] payload, ulong cookie)
    {
        var copy = payload.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(44), (uint)cookie);
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(48), (uint)(cookie >> 32));
        return copy;
    }

    /// <summary>The fixed part of <paramref name="payload"/> followed by the given attributes (type, payload).</summary>
    public static byte[] WithAttributes(byte[] payload, params (ushort Type, byte[] Data)[] attributes)
    {
        var bytes = new List<byte>(payload.AsSpan(0, InetDiag.MessageLength).ToArray());
        foreach (var (type, data) in attributes)
        {
            int len = 4 + data.Length;
            var header = new byte[4];
            BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)len);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), type);
            bytes.AddRange(header);
            bytes.AddRange(data);
            while (bytes.Count % 4 != 0)
            {
                bytes.Add(0);
            }
        }

        return bytes.ToArray();
    }

    /// <summary>
    /// Records carrying every attribute a dump with all extensions asked for may hold (tcp_info of a
    /// realistic size, skmeminfo, congestion, TOS, shutdown, mark, cgroup, v6only, an unknown type),
    /// so that attribute decoders get exercised by the fuzzer too.
    /// </summary>
    public static IReadOnlyList<byte[]> WithEveryAttribute()
    {
        var rng = new Random(7);
        byte[] Bytes(int n)
        {
            var b = new byte[n];
            rng.NextBytes(b);
            return b;
        }

        return Tcp.Select(p => WithAttributes(p,
            (InetDiag.INET_DIAG_MEMINFO, Bytes(16)),
            (InetDiag.INET_DIAG_INFO, Bytes(248)),
            (InetDiag.INET_DIAG_CONG, "cubic\0"u8.ToArray()),
            (InetDiag.INET_DIAG_TOS, [0x10]),
            (InetDiag.INET_DIAG_SKMEMINFO, Bytes(36)),
            (InetDiag.INET_DIAG_SHUTDOWN, [3]),
            (InetDiag.INET_DIAG_SKV6ONLY, [1]),
            (InetDiag.INET_DIAG_MARK, Bytes(4)),
            (InetDiag.INET_DIAG_CGROUP_ID, Bytes(8)),
            (InetDiag.INET_DIAG_BBRINFO, Bytes(20)),
            (200, Bytes(5)))).ToList();
    }
}
