using System.Management.Automation;
using SocketTools.Query;
using SocketTools.Watching;

namespace SocketTools.Commands;

/// <summary>
/// <para type="synopsis">Watches TCP timers: samples the matching sockets every interval, as rerunning ss -not by hand would.</para>
/// </summary>
[Cmdlet(VerbsCommon.Watch, "TcpTimer", DefaultParameterSetName = QuerySet)]
[OutputType(typeof(TimerSample))]
public sealed class WatchTcpTimerCommand : SocketCmdlet
{
    private const string QuerySet = "Query";
    private const string InputSet = "InputObject";

    private readonly List<SocketInfo> _input = [];

    /// <summary>States, ss state names or groups (SynSent, time-wait, Connected …); default all.</summary>
    [Parameter(ParameterSetName = QuerySet, Position = 0)]
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

    /// <summary>An ss filter expression, such as "dport = :11111".</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [ValidateNotNullOrEmpty]
    public string? Filter { get; set; }

    /// <summary>TCP sockets to watch (from Get-SocketStat); exactly these are watched, by cookie.</summary>
    [Parameter(ParameterSetName = InputSet, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public SocketInfo[]? InputObject { get; set; }

    /// <summary>Time between the starts of two samples: a TimeSpan, seconds, or 500ms / 2s / 1min; default 1 second.</summary>
    [Parameter]
    [DurationTransformation]
    [ValidatePositiveDuration]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Stop after this many samples.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; }

    /// <summary>Stop when this much time has passed: a TimeSpan, seconds, or 500ms / 2s / 1min.</summary>
    [Parameter]
    [DurationTransformation]
    [ValidatePositiveDuration]
    public TimeSpan Timeout { get; set; }

    /// <summary>Stop when every watched socket is gone, after a Closed sample for each.</summary>
    [Parameter]
    public SwitchParameter UntilClosed { get; set; }

    /// <summary>A network namespace to look into: a name from 'ip netns list' or a path such as /proc/PID/ns/net.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NetworkNamespaceCompleter))]
    public string? NetworkNamespace { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireOneNamespace(NetworkNamespace);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (InputObject is not null)
        {
            _input.AddRange(InputObject);
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        var options = new TimerWatchOptions
        {
            Interval = Interval,
            Count = MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : null,
            Timeout = MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)) ? Timeout : null,
            UntilClosed = UntilClosed,
        };

        TimerWatcher? watcher;
        if (ParameterSetName == InputSet)
        {
            if (_input.Count == 0)
            {
                return;
            }

            watcher = Resolve(() => TimerWatcher.ForSockets(_input, NetworkNamespace, options));
            if (watcher is null)
            {
                return;
            }
        }
        else
        {
            var query = Resolve(() =>
            {
                var parameters = BoundQueryParameters();   // -State, the ports and addresses, -Filter, -NetworkNamespace
                parameters.Protocol = [SocketProtocol.Tcp];
                return parameters.ToQuery();
            });
            if (query is null)
            {
                return;
            }

            watcher = Resolve(() => TimerWatcher.ForQuery(query, options, NewDiagnostics()));
            if (watcher is null)
            {
                return;
            }
        }

        using (watcher)
        {
            // The watcher runs on this, the pipeline thread, and waits on the cancellation token
            // between samples; StopProcessing cancels it and the loop ends at once.
            watcher.Warning += WriteWarning;
            Stream(() => watcher.Run(Cancellation), Across<TimerSample>(ParameterSetName == InputSet && NetworkNamespace is null && SpanNamespaces(_input)));
        }
    }
}
