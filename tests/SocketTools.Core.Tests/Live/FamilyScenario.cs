namespace SocketTools.Tests.Live;

/// <summary>
/// Unix, raw, packet and netlink sockets in a namespace, held by a python3 process started there
/// (so unix_diag, raw_diag, packet_diag and netlink_diag all see them in that namespace): Unix
/// stream sockets (a listener on a path, a connected pair through it with unread data, a
/// socketpair with one side shut down for writing), an abstract datagram socket, an autobound
/// seqpacket socket; raw ICMP and ICMPv6 sockets and a raw SCTP one bound to ::1; a packet socket for every protocol and one
/// for IPv4 bound to lo; a bound netlink route socket and a connected one.
/// </summary>
public static class FamilyScenario
{
    private const string Script = """
import socket, sys, os, time
d = sys.argv[1]
keep = []
lst = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); lst.bind(d + "/listener.sock"); lst.listen(4); keep.append(lst)
cli = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); cli.connect(d + "/listener.sock"); keep.append(cli)
acc, _ = lst.accept(); keep.append(acc); cli.send(b"hello")
pend = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); pend.connect(d + "/listener.sock"); keep.append(pend)
dg = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); dg.bind("\0stt-abstract\0name"); keep.append(dg)
sq = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); sq.bind(""); keep.append(sq)
a, b = socket.socketpair(); a.shutdown(socket.SHUT_WR); keep += [a, b]
named = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); named.bind(d + "/dgram.sock"); keep.append(named)
r4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP); keep.append(r4)
r6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6); keep.append(r6)
r6b = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 132); r6b.bind(("::1", 0)); keep.append(r6b)
pa = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3)); keep.append(pa)
pi = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800)); pi.bind(("lo", 0x0800)); keep.append(pi)
nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0); nl.bind((0, 0)); keep.append(nl)
nc = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 15); nc.connect((0, 0)); keep.append(nc)
print("ready", flush=True)
sys.stdin.read()
""";

    /// <summary>Starts the holder in <paramref name="ns"/>; it lives until the namespace is disposed.</summary>
    public static void Build(LiveNamespace ns, string directory)
    {
        var p = ns.Start("python3", "-c", Script, directory);
        string? line = p.StandardOutput.ReadLine();
        if (line != "ready")
        {
            throw new InvalidOperationException("the socket holder did not start: " + line);
        }
    }
}
