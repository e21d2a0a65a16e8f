using System.Management.Automation;
using SocketTools.Linux;
using SocketTools.Query;

namespace SocketTools.Commands;

/// <summary>
/// <para type="synopsis">Lists the processes that hold sockets, one row per process, fd and socket, like lsof -i and lsof -p PID.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "SocketProcess", DefaultParameterSetName = NameSet)]
[OutputType(typeof(SocketProcess))]
public sealed class GetSocketProcessCommand : SocketCmdlet
{
    private const string InputSet = "InputObject";
    private const string PortSet = "Port";
    private const string IdSet = "Id";
    private const string NameSet = "Name";

    private readonly List<SocketInfo> _input = [];

    /// <summary>Sockets whose owners to list, usually from Get-SocketStat or Get-ListeningPort.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputSet)]
    [ValidateNotNull]
    public SocketInfo[]? InputObject { get; set; }

    /// <summary>Local ports: the processes that hold a socket bound to one of them (TCP or UDP, any state). Numbers, ranges (8000-8100), service names (ssh) or ss's :22.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PortSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PortCompleter))]
    public string[]? Port { get; set; }

    /// <summary>Process ids: the sockets these processes hold, like lsof -p PID.</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet)]
    [ValidateNotNullOrEmpty]
    public int[]? Id { get; set; }

    /// <summary>Process names (wildcards, case-insensitive): the sockets processes of these names hold; omitted, every process that holds a socket.</summary>
    [Parameter(Position = 0, ParameterSetName = NameSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ProcessNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>A network namespace whose sockets to look at: a name from 'ip netns list' or a path such as /proc/PID/ns/net.</summary>
    [Parameter(ParameterSetName = PortSet)]
    [Parameter(ParameterSetName = IdSet)]
    [Parameter(ParameterSetName = NameSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NetworkNamespaceCompleter))]
    public string? NetworkNamespace { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputSet)
        {
            _input.AddRange(InputObject!.Where(s => s is not null));
            return;
        }

        var diagnostics = NewDiagnostics();
        var query = ResolveQuery(() => new QueryParameters
        {
            LocalPort = Port,
            NetworkNamespace = NetworkNamespace,
        }.ToQuery());
        if (query is null)
        {
            return;
        }

        // An id or exact name that no process has: a non-terminating ObjectNotFound error each.
        int[]? ids = CheckProcesses(ParameterSetName == IdSet ? Id : null, Name);
        if (ids is { Length: 0 })
        {
            return;
        }

        Write(() => SocketProcesses.Find(query, ids, Name, diagnostics, Cancellation));
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (ParameterSetName == InputSet && _input.Count > 0)
        {
            var diagnostics = NewDiagnostics();
            Write(() => SocketProcesses.Of(_input, diagnostics, Cancellation));
        }
    }

    private void Write(Func<IEnumerable<SocketProcess>> rows)
    {
        try
        {
            foreach (var row in rows())
            {
                WriteObject(row);
            }
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            // Stopped by the user: end quietly.
        }
        catch (SocketToolsException e)
        {
            Fail(e);
        }
    }
}
