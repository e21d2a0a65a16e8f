using System.Globalization;
using SocketTools;
using SocketTools.Query;
using SocketTools.Text;

// Usage: SocketTools.Probe [--netns NAME] [--state NAME]... [--protocol Tcp|Udp]... [--include-process]
//        SocketTools.Probe --owner-report PORT
// Prints one line per socket: cookie(hex) netid state recv-q send-q local peer uid inode mark owners,
// tab-separated ("-" for an absent value); warnings go to stderr as "WARNING: …". A SocketToolsException
// prints "ERROR: <ErrorId> <Kind> <message>" to stderr and exits 2.
if (args is ["--owner-report", string port])
{
    return OwnerReport.Run(int.Parse(port, CultureInfo.InvariantCulture));
}

var parameters = new QueryParameters();
var states = new List<string>();
var protocols = new List<SocketProtocol>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--netns": parameters.NetworkNamespace = [args[++i]]; break;
        case "--state": states.Add(args[++i]); break;
        case "--protocol": protocols.Add(Enum.Parse<SocketProtocol>(args[++i], ignoreCase: true)); break;
        case "--include-process": parameters.IncludeProcess = true; break;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]}");
            return 64;
    }
}

parameters.State = states.Count > 0 ? states.ToArray() : null;
parameters.Protocol = protocols.Count > 0 ? protocols.ToArray() : null;
var diagnostics = new QueryDiagnostics();
diagnostics.Warning += w => Console.Error.WriteLine("WARNING: " + w);
try
{
    var output = new System.Text.StringBuilder();
    foreach (var s in SocketReader.Read(parameters.ToQuery(), diagnostics))
    {
        string owners = s.Owners.Count > 0 ? string.Join(",", s.Owners.Select(o => o.ToString())) : "-";
        output.Append(CultureInfo.InvariantCulture, $"{s.Cookie:x}\t{SsText.Netid(s.Protocol, s.Type)}\t{SsText.State(s.State)}\t{s.RecvQ}\t{s.SendQ}\t")
            .Append(CultureInfo.InvariantCulture, $"{SsText.Local(s)}\t{SsText.Peer(s)}\t{s.Uid}\t{s.Inode}\t{(s.Mark is uint m ? m.ToString(CultureInfo.InvariantCulture) : "-")}\t{owners}\n");
    }

    Console.Out.Write(output);
    return 0;
}
catch (SocketToolsException e)
{
    Console.Error.WriteLine($"ERROR: {e.ErrorId} {e.Kind} {e.Message}");
    return 2;
}
