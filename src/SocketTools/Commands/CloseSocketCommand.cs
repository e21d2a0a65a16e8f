using System.Management.Automation;
using SocketTools.Platform;
using SocketTools.Query;
using SocketTools.Text;

namespace SocketTools.Commands;

/// <summary>
/// <para type="synopsis">Closes TCP and UDP sockets one by one, each named exactly (protocol, both endpoints, cookie), after asking: what ss -K does, with confirmation.</para>
/// </summary>
[Cmdlet(VerbsCommon.Close, "Socket", DefaultParameterSetName = InputSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(SocketInfo))]
public sealed class CloseSocketCommand : SocketCmdlet
{
    private const string InputSet = "InputObject";
    private const string QuerySet = "Query";

    private readonly Dictionary<string, ISocketCloser> _destroyers = new(StringComparer.Ordinal);

    /// <summary>Sockets to close, from Get-SocketStat; each is closed only if a socket with its endpoints and cookie still exists.</summary>
    [Parameter(ParameterSetName = InputSet, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public SocketInfo[]? InputObject { get; set; }

    /// <summary>Protocols to select: Tcp, Udp or both (the default).</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [ValidateSet("Tcp", "Udp")]
    public SocketProtocol[]? Protocol { get; set; }

    /// <summary>Address families to select: IPv4, IPv6 or both (the default).</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [ValidateSet("IPv4", "IPv6")]
    public SocketFamily[]? Family { get; set; }

    /// <summary>States, ss state names or groups (CloseWait, close-wait, Connected …).</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [ArgumentCompleter(typeof(StateCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? State { get; set; }

    /// <summary>Local ports: numbers, ranges (8000-8100) or service names.</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PortCompleter))]
    public string[]? LocalPort { get; set; }

    /// <summary>Remote ports: numbers, ranges or service names.</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PortCompleter))]
    public string[]? RemotePort { get; set; }

    /// <summary>Local addresses or CIDR prefixes.</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [ValidateNotNullOrEmpty]
    public string[]? LocalAddress { get; set; }

    /// <summary>Remote addresses or CIDR prefixes.</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [ValidateNotNullOrEmpty]
    public string[]? RemoteAddress { get; set; }

    /// <summary>An ss filter expression, such as "dport = :9000".</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [ValidateNotNullOrEmpty]
    public string? Filter { get; set; }

    /// <summary>Only sockets held by these process ids.</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [ValidateNotNullOrEmpty]
    public int[]? ProcessId { get; set; }

    /// <summary>Only sockets held by processes with these names; wildcards allowed.</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ProcessNameCompleter))]
    public string[]? ProcessName { get; set; }

    /// <summary>The network namespace the sockets are in: a name from 'ip netns list' or a path such as /proc/PID/ns/net.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NetworkNamespaceCompleter))]
    public string? NetworkNamespace { get; set; }

    /// <summary>Close listening sockets too (TCP LISTEN, unconnected UDP); without it they are refused.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Write each socket that was closed.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireOneNamespace(NetworkNamespace);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputSet)
        {
            foreach (var socket in InputObject ?? [])
            {
                CloseOne(socket);
            }

            return;
        }

        var query = Resolve(() =>
        {
            var parameters = BoundQueryParameters();   // the selection, -ProcessId/-ProcessName, -NetworkNamespace
            parameters.Protocol = Protocol is { Length: > 0 } ? Protocol : [SocketProtocol.Tcp, SocketProtocol.Udp];
            parameters.IncludeProcess = true;
            parameters.Source = SocketSourceKind.Netlink;
            return parameters.ToQuery();
        });
        if (query is null)
        {
            return;
        }


        // Read the whole selection first: closing sockets while a dump runs would make it restart.
        List<SocketInfo> sockets;
        try
        {
            sockets = SocketReader.Read(query, NewDiagnostics(), Cancellation).ToList();
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            return;
        }
        catch (SocketToolsException e)
        {
            Fail(e);
            return;
        }

        foreach (var socket in sockets)
        {
            if (Cancellation.IsCancellationRequested)
            {
                return;
            }

            CloseOne(socket);
        }
    }

    private void CloseOne(SocketInfo socket)
    {
        try
        {
            SocketPlatform.Current.CheckClosable(socket);
        }
        catch (SocketToolsException e)
        {
            WriteError(ErrorRecords.From(e, socket));
            return;
        }

        bool listener = socket.State == SocketState.Listen || (socket.Protocol == SocketProtocol.Udp && socket.RemotePort == 0);
        if (listener && !Force)
        {
            WriteError(ErrorRecords.From(new SocketToolsException("ListeningSocketNotClosed", ErrorKind.InvalidOperation,
                $"{Describe(socket)} is a listening socket; closing it stops a service from accepting. It was not closed.")
            { RecommendedAction = "Add -Force to close listening sockets too." }, socket));
            return;
        }

        if (!ShouldProcess(Describe(socket), "Close socket"))
        {
            return;
        }

        bool closed;
        try
        {
            // A piped socket: the namespace named, else its own (from Get-SocketStat in any namespace);
            // a socket this command selected: the namespace it was read in.
            string key = (ParameterSetName == InputSet ? NetworkNamespace ?? socket.NetworkNamespace : socket.NetworkNamespace ?? NetworkNamespace) ?? string.Empty;
            if (!_destroyers.TryGetValue(key, out var destroyer))
            {
                destroyer = SocketPlatform.Current.OpenSocketCloser(key.Length == 0 ? null : key);
                _destroyers[key] = destroyer;
            }

            closed = destroyer.Close(socket);
        }
        catch (SocketToolsException e) when (e.Kind is ErrorKind.InvalidArgument or ErrorKind.ObjectNotFound)
        {
            // This socket only: its namespace is gone, say.
            WriteError(ErrorRecords.From(e, socket));
            return;
        }
        catch (SocketToolsException e)
        {
            // No permission, or a kernel without SOCK_DESTROY: no other socket would fare better.
            CloseDestroyers();
            ThrowTerminatingError(ErrorRecords.From(e, socket));
            return;
        }

        if (!closed)
        {
            WriteError(ErrorRecords.From(new SocketToolsException("SocketNotFound", ErrorKind.ObjectNotFound,
                $"{Describe(socket)} no longer exists (or its endpoints belong to a newer socket); nothing was closed.")
            { RecommendedAction = "Read the sockets again with Get-SocketStat; pass -NetworkNamespace when they live in another namespace." }, socket));
            return;
        }

        WriteVerbose($"Closed {Describe(socket)}.");
        if (PassThru)
        {
            WriteObject(socket);
        }
    }

    /// <summary>The socket as ss prints it, with its cookie and owners: what -WhatIf and -Confirm show.</summary>
    private static string Describe(SocketInfo socket)
    {
        string users = socket.Owners.Count > 0 ? " " + SsText.Users(socket.Owners) : string.Empty;
        string where = socket.NetworkNamespace is { } ns ? $" in {ns}" : string.Empty;
        return $"{SsText.Line(socket)} sk:{socket.Cookie:x}{users}{where}";
    }

    /// <inheritdoc />
    protected override void EndProcessing() => CloseDestroyers();

    private void CloseDestroyers()
    {
        foreach (var destroyer in _destroyers.Values)
        {
            destroyer.Dispose();
        }

        _destroyers.Clear();
    }
}
