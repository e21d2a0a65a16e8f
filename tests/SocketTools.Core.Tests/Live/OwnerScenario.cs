using System.Globalization;

namespace SocketTools.Tests.Live;

/// <summary>
/// Child processes in a namespace holding known sockets: a parent with several (TCP listeners on
/// IPv4, IPv6 v6only and dual-stack, an established pair, unconnected and connected UDP), all of
/// them shared with a forked child (one socket file, two owners), and the child's own listener
/// and UDP socket.
/// </summary>
public sealed class OwnerScenario
{
    public const string Script = """
import os, socket, sys, time
def listen(family, addr, port, backlog, v6only=None):
    s = socket.socket(family, socket.SOCK_STREAM)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if v6only else 0)
    s.bind((addr, port)); s.listen(backlog); return s
keep = []
l4 = listen(socket.AF_INET, "0.0.0.0", 7001, 5); keep.append(l4)
keep.append(listen(socket.AF_INET6, "::", 7002, 3, v6only=True))
keep.append(listen(socket.AF_INET6, "::", 7003, 4, v6only=False))
keep.append(listen(socket.AF_INET6, "::1", 7004, 2))
c = socket.socket(); c.connect(("127.0.0.1", 7001)); a, _ = l4.accept(); keep += [c, a]
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", 5353)); keep.append(u)
uc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); uc.connect(("127.0.0.1", 5353)); keep.append(uc)
child = os.fork()
if child == 0:
    mine = listen(socket.AF_INET, "127.0.0.1", 7010, 9)
    u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u6.bind(("::1", 5360))
    time.sleep(3600); sys.exit(0)
time.sleep(0.3)
print(os.getpid(), child, flush=True)
time.sleep(3600)
""";

    private OwnerScenario(int parent, int child)
    {
        Parent = parent;
        Child = child;
    }

    /// <summary>The parent's pid (it holds 8 sockets, all shared with the child).</summary>
    public int Parent { get; }

    /// <summary>The forked child's pid (the 8 shared sockets and 2 of its own).</summary>
    public int Child { get; }

    public static OwnerScenario Start(LiveNamespace ns)
    {
        var p = ns.Start("python3", "-c", Script);
        var line = p.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(20)) || line.Result is null)
        {
            throw new InvalidOperationException("the owner scenario did not start");
        }

        var f = line.Result.Split(' ');
        return new OwnerScenario(int.Parse(f[0], CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture));
    }
}
