using System.Buffers.Binary;
using SocketTools.Linux;

namespace SocketTools.Tests.Parsing;

/// <summary>
/// Netlink reply payloads captured from this kernel, stored as records of [u32 little-endian
/// length][inet_diag_msg and attributes], next to the ss output taken at the same moment.
/// </summary>
public static class Captures
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "TestData");

    /// <summary>Every inet_diag_msg payload of a TCP+UDP, IPv4+IPv6 dump in <paramref name="netns"/>.</summary>
    public static List<(SocketProtocol Protocol, byte[] Payload)> CaptureInet(string netns)
    {
        var result = new List<(SocketProtocol, byte[])>();
        using var socket = NetlinkSocket.Open(netns);
        byte[] request = new byte[256];
        foreach (var (protocol, ipProtocol) in new[] { (SocketProtocol.Tcp, InetDiag.IPPROTO_TCP), (SocketProtocol.Udp, InetDiag.IPPROTO_UDP) })
        {
            foreach (byte af in new byte[] { Native.Libc.AF_INET, Native.Libc.AF_INET6 })
            {
                int length = InetDiag.BuildRequest(request, af, ipProtocol, 0, Query.StateSet.All.KernelMask(protocol), default);
                foreach (var _ in socket.Dump(request, length, payload =>
                {
                    result.Add((protocol, payload.ToArray()));
                    return null;
                }, CancellationToken.None))
                {
                }
            }
        }

        return result;
    }

    public static void Write(string path, IEnumerable<(SocketProtocol Protocol, byte[] Payload)> records)
    {
        using var stream = File.Create(path);
        Span<byte> header = stackalloc byte[8];
        foreach (var (protocol, payload) in records)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payload.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)protocol);
            stream.Write(header);
            stream.Write(payload);
        }
    }

    public static List<(SocketProtocol Protocol, byte[] Payload)> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var records = new List<(SocketProtocol, byte[])>();
        int offset = 0;
        while (offset < bytes.Length)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
            var protocol = (SocketProtocol)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 4));
            records.Add((protocol, bytes.AsSpan(offset + 8, length).ToArray()));
            offset += 8 + length;
        }

        return records;
    }
}
