using System.Net.Sockets;
using SocketTools.Linux;
using SocketTools.Native;
using SocketTools.Tests.Live;
using SocketTools.Tests.Parsing;

namespace SocketTools.Tests.Reliability;

/// <summary>
/// unix_diag, packet_diag and netlink_diag reply payloads captured from this kernel
/// (TestData/families-scenario.bin, the format of <see cref="Captures"/>), as fuzz seeds.
/// </summary>
public static class FamilyRecords
{
    public const string File = "families-scenario.bin";

    private static readonly Lazy<List<(SocketProtocol Protocol, byte[] Payload)>> Captured =
        new(() => Captures.Read(Path.Combine(Captures.Dir, File)));

    public static IReadOnlyList<byte[]> Of(SocketProtocol protocol) =>
        Captured.Value.Where(r => r.Protocol == protocol).Select(r => r.Payload).ToList();

    /// <summary>Unix (listener, connected pair, datagram), packet and netlink sockets in <paramref name="ns"/>; dumped with memory info.</summary>
    public static List<(SocketProtocol Protocol, byte[] Payload)> Capture(LiveNamespace ns)
    {
        var listener = ns.NewSocket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint("\0stt-fuzz-" + ns.Name));
        listener.Listen(4);
        var client = ns.NewSocket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        client.Connect(listener.LocalEndPoint!);
        using var accepted = listener.Accept();
        client.Send(new byte[10]);
        var dgram = ns.NewSocket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        dgram.Bind(new UnixDomainSocketEndPoint("\0stt-fuzz-dgram-" + ns.Name));
        int packet = NetworkNamespace.Run(ns.Name, () => Libc.Socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0x0300));
        int route = NetworkNamespace.Run(ns.Name, () => Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0));
        try
        {
            var result = new List<(SocketProtocol, byte[])>();
            using var socket = NetlinkSocket.Open(ns.Name);
            byte[] request = new byte[256];
            void Dump(SocketProtocol protocol, int length)
            {
                foreach (var _ in socket.Dump(request, length, payload =>
                {
                    result.Add((protocol, payload.ToArray()));
                    return null;
                }, CancellationToken.None))
                {
                }
            }

            Dump(SocketProtocol.Unix, UnixDiag.BuildRequest(request, uint.MaxValue, memory: true));
            Dump(SocketProtocol.Packet, PacketDiag.BuildRequest(request));
            Dump(SocketProtocol.Netlink, NetlinkDiag.BuildRequest(request));
            return result;
        }
        finally
        {
            Libc.Close(packet);
            Libc.Close(route);
        }
    }
}

/// <summary>The capture behind the family fuzz seeds decodes; STT_UPDATE_TESTDATA=&lt;dir&gt; refreshes it.</summary>
public sealed class FamilyRecordsTests
{
    [LiveFact]
    public void LiveFamilyRecordsDecode()
    {
        using var ns = new LiveNamespace();
        var records = FamilyRecords.Capture(ns);
        Assert.Contains(records, r => r.Protocol == SocketProtocol.Unix);
        Assert.Contains(records, r => r.Protocol == SocketProtocol.Packet);
        Assert.Contains(records, r => r.Protocol == SocketProtocol.Netlink);
        foreach (var (protocol, payload) in records)
        {
            Assert.NotNull(FuzzTargets.ParseFamily(protocol, payload));
        }

        string? update = Environment.GetEnvironmentVariable("STT_UPDATE_TESTDATA");
        if (!string.IsNullOrEmpty(update))
        {
            Captures.Write(Path.Combine(update, FamilyRecords.File), records);
        }
    }
}
