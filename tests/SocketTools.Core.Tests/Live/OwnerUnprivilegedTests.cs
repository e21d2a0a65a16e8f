using System.Globalization;

namespace SocketTools.Tests.Live;

/// <summary>
/// The owner lookup as an unprivileged user: tests/SocketTools.Probe --owner-report runs as nobody
/// (setpriv) inside a test namespace where root's processes hold sockets, holds a listener of its
/// own, and prints what it finds.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class OwnerUnprivilegedTests : IDisposable
{
    private readonly ProbeRunner _probe = new();

    public void Dispose() => _probe.Dispose();

    [UnprivilegedFact]
    public void WithoutRootEverySocketIsListedOwnersOnlyForVisibleProcessesOneWarning()
    {
        using var ns = new LiveNamespace();
        var scenario = OwnerScenario.Start(ns);
        var (code, output, error) = _probe.Run(ns, nobody: true, "--owner-report", "7200");
        Assert.True(code == 0, $"probe exited {code}: {error}\n{output}");

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string Value(string key) => lines.Single(l => l.StartsWith(key + " ", StringComparison.Ordinal))[(key.Length + 1)..];
        int self = int.Parse(Value("pid"), CultureInfo.InvariantCulture);
        Assert.Equal("65534", Value("euid"));

        // Every socket is listed: the scenario's 10 (root's) and the probe's listener, as ss sees them.
        var sockets = lines.Where(l => l.StartsWith("socket ", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToList();
        Assert.Equal(11, sockets.Count);
        Assert.Equal(SsLine.Parse(ns.Ss("-tuan")).Count + 1, sockets.Count);  // + the probe's, closed when it exited

        // Owners only for the process the caller may see: itself. Root's processes are denied.
        var own = Assert.Single(sockets, f => f[2] == "7200");
        Assert.Equal(self.ToString(CultureInfo.InvariantCulture), own[4]);
        Assert.All(sockets.Where(f => f[2] != "7200"), f => Assert.Equal("-", f[4]));
        Assert.True(int.Parse(Value("denied"), CultureInfo.InvariantCulture) >= 2, "the two root processes were not counted as denied");

        // One warning per call, not per process, saying owners may be missing and why.
        var warning = Assert.Single(lines, l => l.StartsWith("warning ", StringComparison.Ordinal));
        Assert.Contains("Owners may be missing", warning, StringComparison.Ordinal);
        Assert.Contains("permission denied", warning, StringComparison.Ordinal);

        // Get-SocketProcess's core: rows only for the probe, one warning.
        var rows = lines.Where(l => l.StartsWith("row ", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToList();
        var row = Assert.Single(rows);
        Assert.Equal(self.ToString(CultureInfo.InvariantCulture), row[1]);
        Assert.Equal("nobody", row[3]);
        Assert.Equal("1", Value("rowwarnings"));
        Assert.True(scenario.Parent > 0);
    }
}
