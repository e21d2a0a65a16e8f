using System.Net;
using System.Net.Sockets;
using SocketTools.Query;

namespace SocketTools.Tests.Live;

/// <summary>
/// What a query says besides its sockets, live in a namespace of its own: a device the namespace
/// does not have is an error as in ss, the /proc source says what it cannot give, and the notes
/// behind -Verbose tell which source answered, what the kernel filtered, and the owner scan's counts.
/// </summary>
public sealed class DiagnosticsLiveTests
{
    [LiveTheory]
    [InlineData("Interface")]
    [InlineData("Filter")]
    public void ADeviceTheNamespaceLacksIsAnInvalidArgumentAsInSs(string how)
    {
        using var ns = new LiveNamespace();
        ns.Listen(new IPEndPoint(IPAddress.Loopback, 7600));
        var parameters = how == "Interface"
            ? new QueryParameters { Interface = "nosuchdev", NetworkNamespace = [ns.Name] }
            : new QueryParameters { Filter = "sport = :7600 or dev nosuchdev", NetworkNamespace = [ns.Name] };

        var e = Assert.Throws<SocketToolsException>(() => SocketReader.Read(parameters.ToQuery()).ToList());
        Assert.Equal("UnknownInterface", e.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("nosuchdev", e.Target);
        Assert.Contains("lo", e.Message, StringComparison.Ordinal);   // names the devices there are

        // ss refuses the same filter in the same namespace.
        var ss = Tool.Run("ip", ["netns", "exec", ns.Name, "ss", "-tan", "dev", "nosuchdev"], check: false);
        Assert.NotEqual(0, ss.ExitCode);
        Assert.Contains("Cannot parse device", ss.Error, StringComparison.Ordinal);

        // Under the proc source too, and a device the namespace has is no error.
        Assert.Throws<SocketToolsException>(() => SocketReader.Read(parameters.ToQuery() with { Source = SocketSourceKind.Proc }).ToList());
        Assert.Empty(SocketReader.Read(new QueryParameters { Interface = "lo", NetworkNamespace = [ns.Name] }.ToQuery()));
    }

    [LiveFact]
    public void TheProcSourceWarnsOnceThatItHasNoTcpInfoOrMemory()
    {
        using var ns = new LiveNamespace();
        var listener = ns.Listen(new IPEndPoint(IPAddress.Loopback, 7601));
        ns.Connect(listener);
        ns.Connect(listener);
        var diagnostics = new QueryDiagnostics();
        var query = new QueryParameters { Info = true, Memory = true, Source = SocketSourceKind.Proc, NetworkNamespace = [ns.Name] }.ToQuery();
        var sockets = SocketReader.Read(query, diagnostics).ToList();

        Assert.Equal(5, sockets.Count);
        Assert.All(sockets, s => Assert.Null(s.Tcp));
        Assert.Single(diagnostics.Warnings, w => w.Contains("tcp_info", StringComparison.Ordinal));
        Assert.Single(diagnostics.Warnings, w => w.Contains("skmeminfo", StringComparison.Ordinal));

        // netlink gives both, and says nothing about them.
        var netlink = new QueryDiagnostics();
        var full = SocketReader.Read(query with { Source = SocketSourceKind.Netlink }, netlink).ToList();
        Assert.All(full.Where(s => s.Protocol == SocketProtocol.Tcp), s => Assert.NotNull(s.Tcp));
        Assert.Empty(netlink.Warnings);
    }

    [LiveFact]
    public void NotesSayWhichSourceAnsweredWhatTheKernelFilteredAndWhatTheOwnerScanFound()
    {
        using var ns = new LiveNamespace();
        var listener = ns.Listen(new IPEndPoint(IPAddress.Loopback, 7602));
        ns.Connect(listener);
        var holder = ns.Start("python3", "-c",
            "import socket, time; s = socket.socket(); s.bind(('127.0.0.1', 7603)); s.listen(); print('ready', flush=True); time.sleep(60)");
        holder.StandardOutput.ReadLine();

        var diagnostics = new QueryDiagnostics();
        var seen = new List<string>();
        diagnostics.Noted += seen.Add;
        var sockets = SocketReader.Read(new QueryParameters
        {
            LocalPort = ["7602", "7603"], IncludeProcess = true, NetworkNamespace = [ns.Name],
        }.ToQuery(), diagnostics).ToList();

        Assert.Equal(diagnostics.Notes, seen);   // raised as they are recorded
        Assert.Contains(diagnostics.Notes, n => n.StartsWith($"Source: netlink sock_diag in network namespace '{ns.Name}'", StringComparison.Ordinal));
        Assert.Contains(diagnostics.Notes, n => n.StartsWith("Kernel filter: the states and ", StringComparison.Ordinal) && n.Contains("bytecode", StringComparison.Ordinal));
        // The kernel filtered: of the four TCP sockets it returned the two listeners and the accepted
        // side of 7602, not the client (its local port is another).
        Assert.Contains(diagnostics.Notes, n => n == "netlink TCP IPv4: 3 socket(s) from the kernel.");
        Assert.Contains(diagnostics.Notes, n => n == "3 socket(s) read (netlink), 3 matched the query in process.");
        var scan = Assert.Single(diagnostics.Notes, n => n.StartsWith("Owner scan of /proc: ", StringComparison.Ordinal));
        Assert.Matches(@"^Owner scan of /proc: [1-9]\d* process\(es\) read, [1-9]\d* fd\(s\) listed, \d+ denied, \d+ vanished; 3 of 3 socket\(s\) have an owner\.$", scan);
        Assert.Equal(3, sockets.Count);
        Assert.Contains(sockets, s => s.LocalPort == 7603 && s.OwningProcess is int pid && pid != Environment.ProcessId);

        // Without bytecode the same conditions are checked in process, and the note says so.
        var inProcess = new QueryDiagnostics();
        var same = SocketReader.Read(new QueryParameters { LocalPort = ["7602", "7603"], NetworkNamespace = [ns.Name] }.ToQuery() with { KernelBytecode = false }, inProcess).ToList();
        Assert.Equal(3, same.Count);
        Assert.Contains(inProcess.Notes, n => n.Contains("is checked in process (bytecode is turned off)", StringComparison.Ordinal));
        Assert.Contains(inProcess.Notes, n => n == "netlink TCP IPv4: 4 socket(s) from the kernel.");

        // The /proc source names itself and its tables.
        var proc = new QueryDiagnostics();
        SocketReader.Read(new QueryParameters { Source = SocketSourceKind.Proc, NetworkNamespace = [ns.Name] }.ToQuery(), proc).ToList();
        Assert.Contains(proc.Notes, n => n.StartsWith("Source: /proc/net (tcp, tcp6, udp, udp6)", StringComparison.Ordinal));
        Assert.Contains(proc.Notes, n => n == "/proc/thread-self/net/tcp: 4 socket(s).");
    }
}
