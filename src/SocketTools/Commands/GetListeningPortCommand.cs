using System.Management.Automation;
using SocketTools.Query;

namespace SocketTools.Commands;

/// <summary>
/// <para type="synopsis">Lists listening TCP and bound, unconnected UDP sockets with the processes that hold them, like ss -lntup.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ListeningPort")]
[OutputType(typeof(SocketInfo))]
public sealed class GetListeningPortCommand : SocketCmdlet
{
    private SocketQuery? _query;

    /// <summary>Only these local ports: numbers, ranges (8000-8100), service names (Get-ListeningPort ssh) or ss's :22.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ListeningPortCompleter))]
    public string[]? Port { get; set; }

    /// <summary>Tcp, Udp or both (the default).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    // ValidateSet, not a completer: an enum completes with all its values whatever completer it has.
    [ValidateSet("Tcp", "Udp")]
    public SocketProtocol[]? Protocol { get; set; }

    /// <summary>IPv4, IPv6 or both (the default).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateSet("IPv4", "IPv6")]
    public SocketFamily[]? Family { get; set; }

    /// <summary>
    /// Network namespaces to look into: names from 'ip netns list' (wildcards allowed), net:[INODE] as
    /// objects of an unnamed namespace carry it, or paths such as /proc/PID/ns/net. Each object says
    /// which namespace it came from (NetworkNamespace).
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetworkNamespaceCompleter))]
    public string[]? NetworkNamespace { get; set; }

    /// <summary>
    /// Every network namespace on the host, named or not (what lsns -t net lists: /run/netns, other
    /// nsfs bind mounts, and /proc/PID/ns/net of every process), one dump each; each object says which
    /// namespace it came from. Owners are found with one /proc pass for all of them.
    /// </summary>
    [Parameter]
    public SwitchParameter AllNetworkNamespaces { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() =>
        _query = Resolve(() => ListeningQuery.Parameters(Port, Protocol, Family, NetworkNamespace, AllNetworkNamespaces)) is { } parameters
            ? ResolveQuery(parameters) : null;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (_query is null)
        {
            return;
        }

        WriteSockets(_query, NewDiagnostics(), socket =>
        {
            // A distinct type name selects the ss -lntup view; the object stays a SocketInfo.
            var wrapped = PSObject.AsPSObject(socket);
            wrapped.TypeNames.Insert(0, ListeningQuery.TypeName);
            return wrapped;
        });
    }
}
