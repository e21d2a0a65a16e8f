using System.Management.Automation;

namespace SocketTools.Commands;

/// <summary>Maps core exceptions to PowerShell ErrorRecords.</summary>
public static class ErrorRecords
{
    /// <summary>
    /// An ErrorRecord with the exception's stable id, the matching ErrorCategory, a message that says
    /// what to do, and as TargetObject what the error is about: the exception's
    /// <see cref="SocketToolsException.Target"/> (the name or value the user gave), else <paramref name="target"/>.
    /// </summary>
    public static ErrorRecord From(SocketToolsException exception, object? target)
    {
        var category = Enum.TryParse(exception.Kind.ToString(), out ErrorCategory c) ? c : ErrorCategory.NotSpecified;
        var record = new ErrorRecord(exception, exception.ErrorId, category, exception.Target ?? target)
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
