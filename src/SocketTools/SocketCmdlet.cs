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

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
    protected CancellationToken Cancellation => _cancellation.Token;

    /// <summary>Diagnostics whose warnings go to WriteWarning.</summary>
    protected QueryDiagnostics NewDiagnostics()
    {
        var diagnostics = new QueryDiagnostics();
        diagnostics.Warning += WriteWarning;
        return diagnostics;
    }

    /// <summary>Resolves parameters into a query; a bad value ends the command before any output.</summary>
    protected SocketQuery ResolveQuery(Func<SocketQuery> resolve)
    {
        try
        {
            return resolve();
        }
        catch (SocketToolsException e)
        {
            ThrowTerminatingError(ErrorRecords.From(e, null));
            throw; // not reached
        }
    }

    /// <summary>Streams the sockets of <paramref name="query"/> to the pipeline.</summary>
    protected void WriteSockets(SocketQuery query, QueryDiagnostics diagnostics) => WriteSockets(query, diagnostics, null);

    /// <summary>Streams the sockets of <paramref name="query"/> to the pipeline, each through <paramref name="wrap"/> when given.</summary>
    protected void WriteSockets(SocketQuery query, QueryDiagnostics diagnostics, Func<SocketInfo, object>? wrap)
    {
        try
        {
            foreach (var socket in SocketReader.Read(query, diagnostics, Cancellation))
            {
                WriteObject(wrap is null ? socket : wrap(socket));
            }
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            // Stopped by the user: end quietly.
        }
        catch (SocketToolsException e)
        {
            ThrowTerminatingError(ErrorRecords.From(e, query));
        }
    }

    /// <summary>Writes the ss -s counts of <paramref name="networkNamespace"/> (the caller's own when null).</summary>
    protected void WriteSummary(string? networkNamespace)
    {
        try
        {
            WriteObject(SocketReader.ReadSummary(networkNamespace));
        }
        catch (SocketToolsException e)
        {
            ThrowTerminatingError(ErrorRecords.From(e, networkNamespace));
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

/// <summary>Maps core exceptions to PowerShell ErrorRecords.</summary>
public static class ErrorRecords
{
    /// <summary>An ErrorRecord with the exception's stable id, the matching ErrorCategory and a message that says what to do.</summary>
    public static ErrorRecord From(SocketToolsException exception, object? target)
    {
        var category = Enum.TryParse(exception.Kind.ToString(), out ErrorCategory c) ? c : ErrorCategory.NotSpecified;
        var record = new ErrorRecord(exception, exception.ErrorId, category, target)
        {
            ErrorDetails = new ErrorDetails(exception.Message),
        };
        if (exception.RecommendedAction is not null)
        {
            record.ErrorDetails.RecommendedAction = exception.RecommendedAction;
        }

        return record;
    }
}
