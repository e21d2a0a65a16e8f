using System.Management.Automation;
using SocketTools.Query;
using SocketTools.Watching;

namespace SocketTools.Commands;

/// <summary>
/// <para type="synopsis">Streams socket events: every TCP and UDP socket as the kernel destroys it, with its final counters (ss -E), and sockets opened or changing state between dumps.</para>
/// </summary>
[Cmdlet(VerbsCommon.Watch, "SocketEvent")]
[OutputType(typeof(SocketEvent))]
public sealed class WatchSocketEventCommand : SocketCmdlet
{
    /// <summary>Protocols to watch: Tcp, Udp or both (the default); the kernel reports destroyed sockets of these two only.</summary>
    [Parameter]
    [ValidateSet("Tcp", "Udp")]
    public SocketProtocol[]? Protocol { get; set; }

    /// <summary>Address families to watch: IPv4, IPv6 or both (the default).</summary>
    [Parameter]
    [ValidateSet("IPv4", "IPv6")]
    public SocketFamily[]? Family { get; set; }

    /// <summary>States, ss state names or groups; a Closed event matches by the last state a dump saw for the socket.</summary>
    [Parameter(Position = 0)]
    [ArgumentCompleter(typeof(StateCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? State { get; set; }

    /// <summary>Local ports: numbers, ranges (8000-8100) or service names.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PortCompleter))]
    public string[]? LocalPort { get; set; }

    /// <summary>Remote ports: numbers, ranges or service names.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PortCompleter))]
    public string[]? RemotePort { get; set; }

    /// <summary>Local addresses or CIDR prefixes.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? LocalAddress { get; set; }

    /// <summary>Remote addresses or CIDR prefixes.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? RemoteAddress { get; set; }

    /// <summary>An ss filter expression, such as "dport = :5432".</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Filter { get; set; }

    /// <summary>Which events to write: Closed (from the kernel), Opened and StateChanged (from the dumps); default Closed, as ss -E.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public SocketEventKind[]? Event { get; set; }

    /// <summary>Look up the owning processes at every dump, so a Closed event names the owner last seen (like ss -p).</summary>
    [Parameter]
    [Alias("p")]
    public SwitchParameter IncludeProcess { get; set; }

    /// <summary>Time between two dumps (Opened and StateChanged events, owners): a TimeSpan, seconds, or 500ms / 2s / 1min; default 1 second.</summary>
    [Parameter]
    [DurationTransformation]
    [ValidatePositiveDuration]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Stop after this many events.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; }

    /// <summary>Stop when this much time has passed: a TimeSpan, seconds, or 500ms / 2s / 1min.</summary>
    [Parameter]
    [DurationTransformation]
    [ValidatePositiveDuration]
    public TimeSpan Timeout { get; set; }

    /// <summary>A network namespace to watch: a name from 'ip netns list' or a path such as /proc/PID/ns/net.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NetworkNamespaceCompleter))]
    public string? NetworkNamespace { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireOneNamespace(NetworkNamespace);

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        var query = Resolve(() =>
        {
            var parameters = BoundQueryParameters();   // the selection, -IncludeProcess, -NetworkNamespace
            parameters.Protocol = Protocol is { Length: > 0 } ? Protocol : [SocketProtocol.Tcp, SocketProtocol.Udp];
            return parameters.ToQuery();
        });
        if (query is null)
        {
            return;
        }

        var options = new SocketEventOptions
        {
            Interval = Interval,
            Count = MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : null,
            Timeout = MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)) ? Timeout : null,
            Events = Event ?? [SocketEventKind.Closed],
        };

        SocketEventWatcher watcher;
        try
        {
            watcher = SocketEventWatcher.Start(query, options, NewDiagnostics());
        }
        catch (SocketToolsException e)
        {
            Fail(e);
            return;
        }

        using (watcher)
        {
            WriteVerbose($"Subscribed to the kernel's socket destroy events (receive buffer {watcher.ReceiveBufferSize} bytes); dumping every {Interval}.");
            try
            {
                // Destroy messages arrive on the watcher's own thread; this, the pipeline thread, takes
                // them and writes. StopProcessing cancels the token and the loop ends at once.
                foreach (var e in watcher.Run(Cancellation))
                {
                    WriteObject(e);
                }
            }
            catch (SocketToolsException e)
            {
                Fail(e);
            }

            if (!Cancellation.IsCancellationRequested)
            {
                WriteVerbose($"Events lost by the kernel: {watcher.Lost}; sockets that vanished without a Closed event: {watcher.Vanished}.");
            }
        }
    }
}
