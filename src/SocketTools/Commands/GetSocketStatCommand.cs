using System.Management.Automation;
using SocketTools.Query;

namespace SocketTools.Commands;

/// <summary>
/// <para type="synopsis">Lists sockets as objects: what ss -tuna shows, with queues, timers, uid and inode.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "SocketStat", DefaultParameterSetName = DefaultSet)]
[OutputType(typeof(SocketInfo))]
public sealed class GetSocketStatCommand : SocketCmdlet
{
    private const string DefaultSet = "Default";

    private SocketQuery? _query;

    /// <summary>Protocols to list; default Tcp and Udp.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    public SocketProtocol[]? Protocol { get; set; }

    /// <summary>Address families to list; default IPv4 and IPv6.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    public SocketFamily[]? Family { get; set; }

    /// <summary>States, ss state names or ss state groups (TimeWait, time-wait, Connected …); default all.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [ArgumentCompleter(typeof(StateCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? State { get; set; }

    /// <summary>Local ports: numbers, ranges (8000-8100) or service names (ssh).</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [ValidateNotNullOrEmpty]
    public string[]? LocalPort { get; set; }

    /// <summary>Remote ports: numbers, ranges or service names.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [ValidateNotNullOrEmpty]
    public string[]? RemotePort { get; set; }

    /// <summary>Local addresses or CIDR prefixes; v4-mapped addresses match IPv4 prefixes.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [ValidateNotNullOrEmpty]
    public string[]? LocalAddress { get; set; }

    /// <summary>Remote addresses or CIDR prefixes.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [ValidateNotNullOrEmpty]
    public string[]? RemoteAddress { get; set; }

    /// <summary>A network namespace to look into: a name from 'ip netns list' or a path such as /proc/PID/ns/net.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NetworkNamespace { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        _query = ResolveQuery(() => new QueryParameters
        {
            Protocol = Protocol,
            Family = Family,
            State = State,
            LocalPort = LocalPort,
            RemotePort = RemotePort,
            LocalAddress = LocalAddress,
            RemoteAddress = RemoteAddress,
            NetworkNamespace = NetworkNamespace,
        }.ToQuery());
    }

    /// <inheritdoc />
    protected override void ProcessRecord() => WriteSockets(_query!, NewDiagnostics());
}
