using System.Management.Automation;
using SocketTools.Query;

namespace SocketTools.Commands;

/// <summary>
/// The shared plumbing of the module's cmdlets: cancellation (StopProcessing), streaming a query's
/// sockets with WriteObject on the pipeline thread, warnings, and mapping core errors to ErrorRecords.
/// </summary>
public abstract class SocketCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private ReadAhead<SocketInfo>? _readAhead;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
    protected CancellationToken Cancellation => _cancellation.Token;

    /// <summary>Diagnostics whose warnings go to WriteWarning and whose notes go to WriteVerbose (raised on this, the pipeline thread).</summary>
    protected QueryDiagnostics NewDiagnostics()
    {
        var diagnostics = new QueryDiagnostics();
        diagnostics.Warning += message => Say(message, warning: true);
        diagnostics.Noted += message => Say(message, warning: false);
        return diagnostics;
    }

    /// <summary>Writes a warning or note now, or, raised while sockets are read ahead on another thread, in order with them.</summary>
    private void Say(string message, bool warning)
    {
        if (_readAhead is { OnProducerThread: true } ahead)
        {
            ahead.Message(message, warning);
        }
        else if (warning)
        {
            WriteWarning(message);
        }
        else
        {
            WriteVerbose(message);
        }
    }

    /// <summary>
    /// Resolves parameters into a query, a watcher …; a bad value ends the command before any output.
    /// Something that does not exist, such as a namespace, is a non-terminating error (see
    /// <see cref="Fail"/>): null then.
    /// </summary>
    protected T? Resolve<T>(Func<T> resolve)
        where T : class
    {
        try
        {
            return resolve();
        }
        catch (SocketToolsException e)
        {
            Fail(e);
            return null;
        }
    }

    /// <summary>
    /// The query parameters this cmdlet was called with: every bound parameter named like a
    /// <see cref="QueryParameters"/> property (-Protocol, -State, -LocalPort …; switches as bool).
    /// The cmdlet sets what it decides itself (Watch-TcpTimer's protocol) on the result.
    /// </summary>
    protected QueryParameters BoundQueryParameters() => QueryParameters.FromBound(
        MyInvocation.BoundParameters.Select(p => KeyValuePair.Create<string, object?>(p.Key, p.Value is SwitchParameter s ? s.IsPresent : p.Value)));

    /// <summary>
    /// <see cref="QueryParameters.ToQuery"/> through <see cref="Resolve{T}"/>, then a non-terminating
    /// ObjectNotFound error for each of several namespaces that names none (the others are read).
    /// </summary>
    protected SocketQuery? ResolveQuery(QueryParameters parameters)
    {
        var query = Resolve(parameters.ToQuery);
        foreach (string warning in parameters.NamespaceWarnings)
        {
            WriteWarning(warning);
        }

        foreach (var error in parameters.NamespaceErrors)
        {
            Fail(error);
        }

        return query;
    }

    /// <summary>
    /// For the cmdlets that work in one namespace (the watchers, Close-Socket): a wildcard pattern in
    /// <paramref name="networkNamespace"/> ends the command with an InvalidArgument error.
    /// </summary>
    protected void RequireOneNamespace(string? networkNamespace)
    {
        if (networkNamespace is not null && NetworkNamespaceInfo.IsPattern(networkNamespace))
        {
            Fail(new SocketToolsException("NetworkNamespaceWildcardNotSupported", ErrorKind.InvalidArgument,
                $"{MyInvocation.MyCommand.Name} works in one network namespace; '{networkNamespace}' is a wildcard pattern.")
            {
                RecommendedAction = "Name one namespace, or pipe sockets from Get-SocketStat -NetworkNamespace 'pattern': each piped socket is handled in its own namespace.",
                Target = networkNamespace,
            });
        }
    }

    /// <summary>
    /// Reports a core error. Something the user named that does not exist (ObjectNotFound: a
    /// namespace, a process) is a non-terminating error, as Get-Item reports a missing path, so
    /// -ErrorAction decides; anything else ends the command. The record's TargetObject is what the
    /// error is about (<see cref="SocketToolsException.Target"/>), or <paramref name="target"/>.
    /// </summary>
    protected void Fail(SocketToolsException exception, object? target = null)
    {
        var record = ErrorRecords.From(exception, target);
        if (exception.Kind == ErrorKind.ObjectNotFound)
        {
            WriteError(record);
            return;
        }

        ThrowTerminatingError(record);
    }

    /// <summary>
    /// Writes a ProcessNotFound error for each of <paramref name="ids"/> that names no running
    /// process (0 and negative ids included) and a ProcessNameNotFound error for each of
    /// <paramref name="names"/> without wildcards that no running process has, as Get-Process does;
    /// returns the ids that name a process (null when <paramref name="ids"/> is null).
    /// </summary>
    protected int[]? CheckProcesses(int[]? ids, string[]? names)
    {
        int[]? existing = null;
        if (ids is not null)
        {
            var missing = SocketProcesses.Missing(ids);
            foreach (int id in missing)
            {
                Fail(SocketProcesses.ProcessNotFound(id));
            }

            existing = ids.Except(missing).Distinct().ToArray();
        }

        if (names is { Length: > 0 })
        {
            foreach (string name in SocketProcesses.Unmatched(names))
            {
                Fail(SocketProcesses.ProcessNameNotFound(name));
            }
        }

        return existing;
    }

    /// <summary>
    /// Streams the sockets of <paramref name="query"/> to the pipeline, each through <paramref name="wrap"/>
    /// when given. They are read on a thread of their own (<see cref="ReadAhead{T}"/>): the kernel dump,
    /// decoding and the owner pass run while this thread writes the sockets already read; warnings
    /// and notes are written here, in order with them.
    /// </summary>
    protected void WriteSockets(SocketQuery query, QueryDiagnostics diagnostics, Func<SocketInfo, object>? wrap = null) =>
        Stream(() => ReadAhead(token => SocketReader.Read(query, diagnostics, token)), Across(query, wrap));

    /// <summary>What <paramref name="produce"/> yields, read on another thread; the messages raised meanwhile are written here, in order.</summary>
    private IEnumerable<SocketInfo> ReadAhead(Func<CancellationToken, IEnumerable<SocketInfo>> produce)
    {
        var ahead = new ReadAhead<SocketInfo>(produce, Cancellation);
        _readAhead = ahead;
        try
        {
            ahead.Start();
            foreach (var entry in ahead.Consume())
            {
                if (entry.Message is null)
                {
                    yield return entry.Item!;
                }
                else
                {
                    Say(entry.Message, entry.IsWarning);
                }
            }
        }
        finally
        {
            // The producer is stopped and joined before its messages stop being queued.
            ahead.Dispose();
            _readAhead = null;
        }
    }

    /// <summary>
    /// <paramref name="wrap"/>, and when <paramref name="query"/> spans several namespaces, the
    /// type name that makes the views show each row's namespace (<see cref="NetworkNamespaceInfo.AcrossTypeName"/>).
    /// </summary>
    protected static Func<T, object>? Across<T>(SocketQuery query, Func<T, object>? wrap = null) =>
        Across(query.Namespaces is not null, wrap);

    /// <summary>Whether <paramref name="sockets"/> (piped in) live in more than one network namespace.</summary>
    protected static bool SpanNamespaces(IEnumerable<SocketInfo> sockets) =>
        sockets.Select(s => s.NetworkNamespaceId).Distinct().Skip(1).Any();

    /// <summary><paramref name="wrap"/>, with the type name that makes the views show each row's namespace when <paramref name="across"/>.</summary>
    protected static Func<T, object>? Across<T>(bool across, Func<T, object>? wrap = null)
    {
        if (!across)
        {
            return wrap;
        }

        return item =>
        {
            var wrapped = PSObject.AsPSObject(wrap is null ? item! : wrap(item));
            wrapped.TypeNames.Add(NetworkNamespaceInfo.AcrossTypeName);
            return wrapped;
        };
    }

    /// <summary>
    /// Writes the ss -s counts of the namespaces <paramref name="query"/> names: one summary for its
    /// <see cref="SocketQuery.NetworkNamespace"/> (the caller's own when null), or one per namespace
    /// of <see cref="SocketQuery.Namespaces"/>.
    /// </summary>
    protected void WriteSummary(SocketQuery query)
    {
        var diagnostics = NewDiagnostics();
        if (query.Namespaces is not null)
        {
            Stream(() => SocketReader.ReadSummaries(query.Namespaces, diagnostics), Across<SocketSummary>(query));
            return;
        }

        Stream<SocketSummary>(() => [SocketReader.ReadSummary(query.NetworkNamespace, diagnostics)], target: query.NetworkNamespace);
    }

    /// <summary>
    /// Writes what <paramref name="items"/> yields as it arrives (each through <paramref name="wrap"/>
    /// when given), on this, the pipeline thread. Stopping the pipeline ends it quietly; a core
    /// error is reported with <see cref="Fail"/> (about <paramref name="target"/> when it names nothing itself).
    /// </summary>
    protected void Stream<T>(Func<IEnumerable<T>> items, Func<T, object>? wrap = null, object? target = null)
    {
        try
        {
            foreach (var item in items())
            {
                WriteObject(wrap is null ? item : wrap(item));
            }
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            // Stopped by the user: end quietly.
        }
        catch (SocketToolsException e)
        {
            Fail(e, target);
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _cancellation.Cancel();

    /// <inheritdoc />
    public void Dispose()
    {
        _cancellation.Dispose();
        GC.SuppressFinalize(this);
    }
}
