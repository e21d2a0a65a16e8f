using SocketTools.Linux;
using SocketTools.Query;

namespace SocketTools.Benchmarks;

/// <summary>
/// The <c>profile</c> case: where the time of a full enumeration goes, layer by layer, each layer
/// timed alone (median of warm runs) with the bytes it allocates per socket.
/// </summary>
internal static class Profile
{
    public static List<string> Run(string ns, Harness h)
    {
        var lines = new List<string>();
        uint all = StateSet.All.KernelMask(SocketProtocol.Tcp);
        var query = new SocketQuery { Protocols = [SocketProtocol.Tcp], NetworkNamespace = ns };

        var captured = Capture(ns, all);
        var layers = new (string Name, Func<long> Work)[]
        {
            ("profile: floor (own receive loop, no decoding)", () => NetlinkFloor.Count(ns, all)),
            ("profile: open NetlinkSocket + InterfaceNames", () =>
            {
                using var socket = NetlinkSocket.Open(ns);
                using var names = InterfaceNames.Open(ns);
                return 0;
            }),
            ("profile: NetlinkSocket.Dump, decoder returns null", () => DumpCount(ns, all, decode: false)),
            ("profile: NetlinkSocket.Dump + InetDiag.Parse", () => DumpCount(ns, all, decode: true)),
            ("profile: NetlinkSource.Enumerate", () => new NetlinkSource().Enumerate(query, new QueryDiagnostics(), default).LongCount()),
            ("profile: SocketReader.Read", () => SocketReader.Read(query).LongCount()),
            ("profile: InetDiag.Parse alone, captured replies", () => ParseCaptured(captured, null)),
            ("profile: InetDiag.Parse + SocketQuery.Matches, captured", () => ParseCaptured(captured, query)),
            ("profile: owner pass alone (OwnerIndex.Build, every socket on the host)", () => OwnerIndex.Build(null).Count),
            ("profile: SocketReader.Read -IncludeProcess", () => SocketReader.Read(query with { IncludeProcess = true }).LongCount()),
        };
        var samples = h.Compare(layers);
        for (int i = 0; i < layers.Length; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            long items = layers[i].Work();
            long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            lines.Add($"{layers[i].Name}: median {samples[i].MedianMs:F2} ms, min {samples[i].MinMs:F2} ms, "
                + $"{(items == 0 ? 0 : bytes / (double)items):F0} B/socket allocated");
        }

        return lines;
    }

    /// <summary>Every reply payload of one dump, copied out, to time decoding without the kernel.</summary>
    private static List<byte[]> Capture(string ns, uint states)
    {
        using var socket = NetlinkSocket.Open(ns);
        byte[] request = new byte[NetlinkSocket.HeaderLength + InetDiag.RequestLength];
        var list = new List<byte[]>();
        foreach (byte af in new byte[] { 2, 10 })
        {
            int length = InetDiag.BuildRequest(request, af, InetDiag.IPPROTO_TCP, 0, states, default);
            foreach (var _ in socket.Dump(request, length, msg =>
            {
                list.Add(msg.ToArray());
                return null;
            }, default))
            {
            }
        }

        return list;
    }

    private static long ParseCaptured(List<byte[]> captured, SocketQuery? query)
    {
        long n = 0;
        foreach (byte[] msg in captured)
        {
            var s = InetDiag.Parse(msg, SocketProtocol.Tcp, null);
            if (query is null || query.Matches(s))
            {
                n++;
            }
        }

        return n;
    }

    private static long DumpCount(string ns, uint states, bool decode)
    {
        using var socket = NetlinkSocket.Open(ns);
        using var names = InterfaceNames.Open(ns);
        byte[] request = new byte[NetlinkSocket.HeaderLength + InetDiag.RequestLength];
        long n = 0;
        foreach (byte af in new byte[] { 2, 10 })
        {
            int length = InetDiag.BuildRequest(request, af, InetDiag.IPPROTO_TCP, 0, states, default);
            foreach (var _ in socket.Dump(request, length, msg =>
            {
                n++;
                return decode ? InetDiag.Parse(msg, SocketProtocol.Tcp, names) : null;
            }, default))
            {
            }
        }

        return n;
    }
}
