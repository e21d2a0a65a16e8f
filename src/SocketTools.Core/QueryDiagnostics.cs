namespace SocketTools;

/// <summary>
/// What a query noticed without failing: warnings for the user (written once each), notes on what
/// it did (which source answered, whether the kernel took the filter, dump restarts, records
/// skipped, the owner scan's counts: what -Verbose prints), and counts of what was skipped.
/// Warnings and notes are raised synchronously on the enumerating thread, so a cmdlet can write
/// them from the pipeline thread.
/// </summary>
public sealed class QueryDiagnostics
{
    private readonly HashSet<string> _warned = [];

    /// <summary>Raised once per distinct warning text.</summary>
    public event Action<string>? Warning;

    /// <summary>Raised with each note (-Verbose).</summary>
    public event Action<string>? Noted;

    /// <summary>Records are skipped because they could not be decoded.</summary>
    public int SkippedRecords { get; internal set; }

    /// <summary>/proc/&lt;pid&gt;/fd directories that could not be read (EACCES).</summary>
    public int DeniedProcesses { get; internal set; }

    /// <summary>How often a netlink dump was restarted because the kernel's socket table changed under it.</summary>
    public int DumpRestarts { get; internal set; }

    /// <summary>The source that answered ("netlink", "proc" or "netlink+proc").</summary>
    public string? SourceUsed { get; internal set; }

    /// <summary>Every warning raised so far.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Every note raised so far.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Raises a warning unless the same text was raised before.</summary>
    public void Warn(string message)
    {
        if (_warned.Add(message))
        {
            Warnings.Add(message);
            Warning?.Invoke(message);
        }
    }

    /// <summary>Records a note on what the query did and raises <see cref="Noted"/>.</summary>
    public void Note(string message)
    {
        Notes.Add(message);
        Noted?.Invoke(message);
    }
}
