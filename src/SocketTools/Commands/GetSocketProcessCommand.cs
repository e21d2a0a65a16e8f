using System.Management.Automation;
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

    /// <summary>
    /// Ports: the processes that hold a TCP or UDP socket whose local or remote port is one of them, in
    /// any state, as lsof -i :PORT selects; with -Listening, only the listeners (and unconnected UDP
    /// sockets) on them. Numbers, ranges (8000-8100), service names (ssh) or ss's :22.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = PortSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PortCompleter))]
    public string[]? Port { get; set; }

    /// <summary>Process ids: the TCP, UDP and Unix sockets these processes hold, like lsof -p PID.</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet)]
    [ValidateNotNullOrEmpty]
    public int[]? Id { get; set; }

    /// <summary>
    /// Process names (wildcards, case-insensitive): the TCP, UDP and Unix sockets processes of these names
    /// hold, like lsof -c NAME; omitted, every process that holds a TCP or UDP socket, like lsof -i.
    /// </summary>
    [Parameter(Position = 0, ParameterSetName = NameSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ProcessNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>
    /// Only listening sockets: TCP in LISTEN, and UDP and Unix sockets that are not connected (ss -l's
    /// LISTEN and UNCONN), like lsof -i :PORT -s TCP:LISTEN.
    /// </summary>
    [Parameter(ParameterSetName = PortSet)]
    [Parameter(ParameterSetName = IdSet)]
    [Parameter(ParameterSetName = NameSet)]
    public SwitchParameter Listening { get; set; }

    /// <summary>
    /// Network namespaces to look into: names from 'ip netns list' (wildcards allowed), net:[INODE] as
    /// objects of an unnamed namespace carry it, or paths such as /proc/PID/ns/net. Each object says
    /// which namespace it came from (NetworkNamespace).
    /// </summary>
    [Parameter(ParameterSetName = PortSet)]
    [Parameter(ParameterSetName = IdSet)]
    [Parameter(ParameterSetName = NameSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetworkNamespaceCompleter))]
    public string[]? NetworkNamespace { get; set; }

    /// <summary>
    /// Every network namespace on the host, named or not (what lsns -t net lists: /run/netns, other
    /// nsfs bind mounts, and /proc/PID/ns/net of every process), one dump each; each object says which
    /// namespace it came from. Owners are found with one /proc pass for all of them.
    /// </summary>
    [Parameter(ParameterSetName = PortSet)]
    [Parameter(ParameterSetName = IdSet)]
    [Parameter(ParameterSetName = NameSet)]
    public SwitchParameter AllNetworkNamespaces { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputSet)
        {
            _input.AddRange(InputObject!.Where(s => s is not null));
            return;
        }

        var diagnostics = NewDiagnostics();
        // Selecting processes (-Id, -Name) lists all their sockets that lsof -p shows with -i or -U;
        // selecting sockets (-Port, or nothing) is lsof -i: TCP and UDP.
        bool byProcess = ParameterSetName == IdSet || Name is { Length: > 0 };
        var parameters = BoundQueryParameters();   // -Port, -Listening, -NetworkNamespace, -AllNetworkNamespaces
        parameters.Protocol = byProcess ? [SocketProtocol.Tcp, SocketProtocol.Udp, SocketProtocol.Unix] : null;
        var query = ResolveQuery(parameters);
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

        Stream(() => SocketProcesses.Find(query, ids, Name, diagnostics, Cancellation), Across<SocketProcess>(query));
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (ParameterSetName == InputSet && _input.Count > 0)
        {
            var diagnostics = NewDiagnostics();
            Stream(() => SocketProcesses.Of(_input, diagnostics, Cancellation), Across<SocketProcess>(SpanNamespaces(_input) && NetworkNamespace is null));
        }
    }
}
