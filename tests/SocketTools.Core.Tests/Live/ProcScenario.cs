namespace SocketTools.Tests.Live;

/// <summary>
/// <see cref="InetScenario"/>'s TCP and UDP sockets plus, held by a python3 process in the same
/// namespace, sockets of the other families /proc/net lists: Unix (an abstract listener with a
/// connected client, a path-bound datagram socket whose path has a space, an unnamed seqpacket
/// pair), packet (ETH_P_ALL raw, and an IPv4 datagram socket bound to lo), raw (ICMP, ICMPv6), and a
/// TCP connection with a keepalive timer (listener on 7200 and both ends).
/// </summary>
public static class ProcScenario
{
    private const string Script = """
import os, socket, sys
d = sys.argv[1]
os.makedirs(d, exist_ok=True)
keep = []
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.bind("\0stt abstract"); s.listen(4); keep.append(s)
c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); c.connect("\0stt abstract"); keep.append(c)
a, _ = s.accept(); keep.append(a)
q = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); q.connect("\0stt abstract"); keep.append(q)
g = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); g.bind(os.path.join(d, "dgram sock")); keep.append(g)
keep.extend(socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET))
p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3)); keep.append(p)
p2 = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x800)); p2.bind(("lo", 0x800)); keep.append(p2)
keep.append(socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP))
keep.append(socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6))
l = socket.socket(); l.bind(("127.0.0.1", 7200)); l.listen(1); keep.append(l)
k = socket.socket(); k.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
k.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 30); k.connect(("127.0.0.1", 7200)); keep.append(k)
keep.append(l.accept()[0])
print("ready", flush=True)
sys.stdin.read()
""";

    /// <summary>Builds the sockets; returns the directory holding the Unix socket file (delete it after).</summary>
    public static string Build(LiveNamespace ns)
    {
        InetScenario.Build(ns);
        string dir = Path.Combine(Path.GetTempPath(), ns.Name);
        var p = ns.Start("python3", "-c", Script, dir);
        string? line = p.StandardOutput.ReadLine();
        Assert.Equal("ready", line);
        Thread.Sleep(100);
        return dir;
    }
}
