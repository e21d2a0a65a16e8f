using System.Net;
using System.Net.Sockets;
using SocketTools.Tests.Live;
using SocketTools.Tests.Static;

namespace SocketTools.Tests.Reliability;

/// <summary>
/// The core run as nobody (setpriv --reuid=nobody --regid=nogroup --clear-groups) inside a test
/// namespace, through the SocketTools.Probe console program (see <see cref="ProbeRunner"/>). Compared with ss run as the same user in the same namespace.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class UnprivilegedTests : IDisposable
{
    private const int SO_MARK = 36;
    private readonly ProbeRunner _probe = new();

    public void Dispose() => _probe.Dispose();

    /// <summary>Runs the probe in <paramref name="ns"/>, as nobody or as root; returns exit code, lines, stderr.</summary>
    private (int ExitCode, List<string[]> Lines, string Error) Probe(LiveNamespace ns, bool nobody, params string[] args)
    {
        var (code, output, error) = _probe.Run(ns, nobody, args);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
        return (code, lines, error);
    }

    private static string Ss(LiveNamespace ns, bool nobody) => ProbeRunner.Ss(ns, nobody);

    [UnprivilegedFact]
    public void NobodyListsItsOwnNamespaceAndNamesTheOnesItCannotEnterInOneWarning()
    {
        using var ns = new LiveNamespace();
        using var other = new LiveNamespace();
        ns.Listen(new IPEndPoint(IPAddress.Loopback, 7091));
        other.Listen(new IPEndPoint(IPAddress.Loopback, 7092));

        var (code, ours, error) = Probe(ns, nobody: true, "--all-netns", "--protocol", "Tcp");
        Assert.True(code == 0, $"the probe failed as nobody ({code}): {error}");
        // Its own namespace (which it stands in, by name) is listed; the others cannot be entered without CAP_SYS_ADMIN.
        var line = Assert.Single(ours, f => f[5] == "127.0.0.1:7091");
        Assert.Equal(ns.Name, line[^1]);
        Assert.DoesNotContain(ours, f => f[5] == "127.0.0.1:7092");
        var warning = Assert.Single(error.Split('\n'), l => l.StartsWith("WARNING: ", StringComparison.Ordinal) && l.Contains("could not be entered", StringComparison.Ordinal));
        Assert.Contains(other.Name, warning, StringComparison.Ordinal);
        Assert.Contains("permission denied", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("ERROR:", error, StringComparison.Ordinal);
    }

    [UnprivilegedFact]
    public void NobodySeesEverySocketThatSsShowsNobody()
    {
        using var ns = new LiveNamespace();
        InetScenario.Build(ns);
        var marked = ns.NewSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        marked.SetRawSocketOption(1 /* SOL_SOCKET */, SO_MARK, BitConverter.GetBytes(0x42));
        marked.Bind(new IPEndPoint(IPAddress.Loopback, 7090));
        marked.Listen(1);

        var (code, ours, error) = Probe(ns, nobody: true);
        var theirs = SsLine.Parse(Ss(ns, nobody: true));
        Assert.True(code == 0, $"the probe failed as nobody ({code}): {error}");
        Assert.Equal(19, theirs.Count);   // the scenario's 18 sockets and the marked listener
        Assert.Equal(theirs.Select(l => l.Cookie!.Value).Order(), ours.Select(f => Convert.ToUInt64(f[0], 16)).Order());
        foreach (var line in theirs)
        {
            var f = ours.Single(x => Convert.ToUInt64(x[0], 16) == line.Cookie);
            string where = $"sk:{line.Cookie:x} {line.Local} {line.Peer}";
            Assert.True(line.Netid == f[1], $"{where}: netid {f[1]} vs ss {line.Netid}");
            Assert.True(line.State == f[2], $"{where}: state {f[2]} vs ss {line.State}");
            Assert.True(line.Local == f[5], $"{where}: local {f[5]} vs ss {line.Local}");
            Assert.True(line.Peer == f[6], $"{where}: peer {f[6]} vs ss {line.Peer}");
            Assert.True(line.Uid.ToString() == f[7], $"{where}: uid {f[7]} vs ss {line.Uid}");
            Assert.True(line.Inode.ToString() == f[8], $"{where}: inode {f[8]} vs ss {line.Inode}");
        }

        // Without CAP_NET_ADMIN the kernel leaves out socket marks; with it, they are there.
        Assert.All(ours, f => Assert.Equal("-", f[9]));
        var (rootCode, asRoot, rootError) = Probe(ns, nobody: false);
        Assert.True(rootCode == 0, rootError);
        Assert.Equal("66", asRoot.Single(f => f[5] == "127.0.0.1:7090")[9]);
        Assert.Equal(ours.Select(f => f[0]).Order(), asRoot.Select(f => f[0]).Order());

        // Listing as nobody warns about nothing (owners, when asked for, are the owners branch's: one warning).
        Assert.DoesNotContain("WARNING", error);
    }

    [UnprivilegedFact]
    public void NobodyCannotEnterAnotherNamespace()
    {
        using var ns = new LiveNamespace();
        var (code, lines, error) = Probe(ns, nobody: true, "--netns", ns.Name);
        Assert.Equal(2, code);
        Assert.Empty(lines);
        Assert.Matches(@"ERROR: NetworkNamespace\w+ PermissionDenied", error);
    }
}
