using System.Net;
using System.Net.Sockets;
using SocketTools;
using SocketTools.Linux;
using SocketTools.Query;

/// <summary>
/// --owner-report PORT: holds a listener of its own on PORT, then prints what the owner lookup finds
/// for every TCP/UDP socket of the current network namespace, the warnings, and the Get-SocketProcess rows.
/// </summary>
internal static class OwnerReport
{
    public static int Run(int port)
    {
        using var mine = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        mine.Bind(new IPEndPoint(IPAddress.Loopback, port));
        mine.Listen(1);

        Console.WriteLine($"pid {Environment.ProcessId}");
        Console.WriteLine($"euid {ProcessInfo.ReadUserId(Environment.ProcessId)}");
        var diagnostics = new QueryDiagnostics();
        foreach (var s in SocketReader.Read(new SocketQuery { IncludeProcess = true }, diagnostics))
        {
            string owners = s.Owners.Count == 0 ? "-" : string.Join(",", s.Owners.Select(o => o.Id));
            Console.WriteLine($"socket {s.Protocol} {s.LocalPort} {s.Inode} {owners}");
        }

        Console.WriteLine($"denied {diagnostics.DeniedProcesses}");
        foreach (string w in diagnostics.Warnings)
        {
            Console.WriteLine($"warning {w}");
        }

        var rowDiagnostics = new QueryDiagnostics();
        foreach (var row in SocketProcesses.Find(SocketQuery.Default, null, null, rowDiagnostics))
        {
            Console.WriteLine($"row {row.Id} {row.Fd} {row.User} {row.Socket.LocalPort}");
        }

        Console.WriteLine($"rowwarnings {rowDiagnostics.Warnings.Count}");
        return 0;
    }
}
