using System.Management.Automation;
using SocketTools.Query;

namespace SocketTools.Commands;

/// <summary>
/// <para type="synopsis">Lists sockets as objects: what ss -tuna shows, with queues, timers, uid and inode; with -Summary, what ss -s shows.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "SocketStat", DefaultParameterSetName = DefaultSet)]
[OutputType(typeof(SocketInfo), ParameterSetName = [DefaultSet])]
[OutputType(typeof(SocketSummary), ParameterSetName = [SummarySet])]
public sealed class GetSocketStatCommand : SocketCmdlet
{
    private const string DefaultSet = "Default";
    private const string SummarySet = "Summary";

    private SocketQuery? _query;

    /// <summary>Protocols to list: Tcp, Udp, Raw, Unix, Packet, Netlink, or All; default Tcp and Udp.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    public SocketProtocol[]? Protocol { get; set; }

    /// <summary>Address families to list; default IPv4 and IPv6. Without -Protocol, Unix, Packet and Netlink pick their own sockets.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    public SocketFamily[]? Family { get; set; }

    /// <summary>States, ss state names or ss state groups (TimeWait, time-wait, Connected, Synchronized, Bucket, Big, All); default all. Wins over -Listening and -All, as ss's state clauses do.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [ArgumentCompleter(typeof(StateCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? State { get; set; }

    /// <summary>Local ports: numbers, ranges (8000-8100) or service names (ssh).</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PortCompleter))]
    public string[]? LocalPort { get; set; }

    /// <summary>Remote ports: numbers, ranges or service names.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PortCompleter))]
    public string[]? RemotePort { get; set; }

    /// <summary>Local addresses or CIDR prefixes; v4-mapped addresses match IPv4 prefixes.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [ValidateNotNullOrEmpty]
    public string[]? LocalAddress { get; set; }

    /// <summary>Remote addresses or CIDR prefixes.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [ValidateNotNullOrEmpty]
    public string[]? RemoteAddress { get; set; }

    /// <summary>Only sockets bound to, or scoped on, this device (ss: dev = NAME).</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [ValidateNotNullOrEmpty]
    public string? Interface { get; set; }

    /// <summary>An ss filter expression, such as "sport = :22 or dport = :443" or "state established dst 10.0.0.0/8"; the kernel filters with it where it can.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [ValidateNotNullOrEmpty]
    public string? Filter { get; set; }

    /// <summary>Listening TCP and unconnected UDP sockets only (states LISTEN and UNCONN), like ss -l.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [Alias("l")]
    public SwitchParameter Listening { get; set; }

    /// <summary>Every state, like ss -a (the default when -State and -Listening are not given).</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [Alias("a")]
    public SwitchParameter All { get; set; }

    /// <summary>Decode tcp_info into the Tcp property, like ss -i.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [Alias("i")]
    public SwitchParameter Info { get; set; }

    /// <summary>Decode socket memory into the Memory property, like ss -m.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [Alias("m")]
    public SwitchParameter Memory { get; set; }

    /// <summary>Look up the processes that hold each socket (Owners, OwningProcess), like ss -p.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [Alias("p")]
    public SwitchParameter IncludeProcess { get; set; }

    /// <summary>Only sockets held by these process ids.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [ValidateNotNullOrEmpty]
    public int[]? ProcessId { get; set; }

    /// <summary>Only sockets held by processes with these names; wildcards allowed.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ProcessNameCompleter))]
    public string[]? ProcessName { get; set; }

    /// <summary>Which backend reads the sockets: Auto (netlink, falling back to /proc/net with a warning), Netlink or Proc.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    public SocketSourceKind Source { get; set; }

    /// <summary>Socket counts by protocol and family, like ss -s, as one SocketSummary object.</summary>
    [Parameter(ParameterSetName = SummarySet, Mandatory = true)]
    [Alias("s")]
    public SwitchParameter Summary { get; set; }

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
    protected override void BeginProcessing()
    {
        _query = ResolveQuery(BoundQueryParameters());   // with -Summary: only the namespaces count
        if (ParameterSetName == SummarySet)
        {
            return;
        }

        // As Get-SocketProcess -Id and -Name: an id or exact name that no process has is a
        // non-terminating ObjectNotFound error; when no id names a process, there is nothing to list.
        int[]? running = CheckProcesses(ProcessId, ProcessName);
        if (running is { Length: 0 })
        {
            _query = null;
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == SummarySet)
        {
            if (_query is not null)
            {
                WriteSummary(_query);
            }

            return;
        }

        if (_query is not null)
        {
            WriteSockets(_query, NewDiagnostics());
        }
    }
}
