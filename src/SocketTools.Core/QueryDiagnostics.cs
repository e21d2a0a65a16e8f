using SocketTools.Query;

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
    private readonly List<SourcePart> _parts = [];

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

    /// <summary>The sources that answered: recorded by the platform's composing source, which alone decides between them.</summary>
    public SocketSources Sources { get; private set; }

    /// <summary>Which source answered for each protocol and family, in the order they were read.</summary>
    public IReadOnlyList<SourcePart> SourceParts => _parts;

    /// <summary>The sources that answered as text: "netlink", "proc" or "netlink+proc" (null when none did).</summary>
    public string? SourceUsed => Sources switch
    {
        SocketSources.Netlink => "netlink",
        SocketSources.Proc => "proc",
        SocketSources.Netlink | SocketSources.Proc => "netlink+proc",
        _ => null,
    };

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

    /// <summary>Records that <paramref name="source"/> answered (part of) the query.</summary>
    internal void Used(SocketSources source) => Sources |= source;

    /// <summary>
    /// Records that <paramref name="source"/> answered for <paramref name="protocol"/> and
    /// <paramref name="family"/>, unless a source already did; returns whether this is the first.
    /// </summary>
    internal bool Answered(SocketProtocol protocol, SocketFamily family, SocketSources source)
    {
        foreach (var part in _parts)
        {
            if (part.Protocol == protocol && part.Family == family)
            {
                return false;
            }
        }

        _parts.Add(new SourcePart(protocol, family, source));
        Sources |= source;
        return true;
    }

    /// <summary>Whether a source already answered for <paramref name="protocol"/> and <paramref name="family"/>.</summary>
    internal bool WasAnswered(SocketProtocol protocol, SocketFamily family)
    {
        foreach (var part in _parts)
        {
            if (part.Protocol == protocol && part.Family == family)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Records a note on what the query did and raises <see cref="Noted"/>.</summary>
    public void Note(string message)
    {
        Notes.Add(message);
        Noted?.Invoke(message);
    }

    /// <summary>
    /// Takes in what another query's diagnostics gathered (one namespace of several): its sources,
    /// counts and warnings (each once), and its notes, each after <paramref name="notePrefix"/>.
    /// </summary>
    internal void Absorb(QueryDiagnostics other, string notePrefix)
    {
        Sources |= other.Sources;
        foreach (var part in other._parts)
        {
            Answered(part.Protocol, part.Family, part.Source);
        }

        SkippedRecords += other.SkippedRecords;
        DumpRestarts += other.DumpRestarts;
        DeniedProcesses += other.DeniedProcesses;
        foreach (string warning in other.Warnings)
        {
            Warn(warning);
        }

        foreach (string note in other.Notes)
        {
            Note(notePrefix + note);
        }
    }
}
