namespace SocketTools.Query;

/// <summary>
/// One network namespace on the host, as <c>lsns -t net</c> finds it: by its name under /run/netns
/// when it has one, otherwise as <c>net:[INODE]</c> (what /proc/PID/ns/net reads).
/// </summary>
public sealed class NetworkNamespaceInfo
{
    /// <summary>Creates the description of one namespace.</summary>
    public NetworkNamespaceInfo(string name, ulong id, string? path, bool isCurrent)
    {
        Name = name;
        Id = id;
        Path = path;
        IsCurrent = isCurrent;
    }

    /// <summary>The name under /run/netns ('ip netns list'), or net:[INODE] for a namespace without one.</summary>
    public string Name { get; }

    /// <summary>The namespace's inode on nsfs: the number in net:[INODE], the same in every view of it.</summary>
    public ulong Id { get; }

    /// <summary>A file that opens it (/run/netns/NAME, a bind mount, /proc/PID/ns/net); null for the caller's own namespace.</summary>
    public string? Path { get; }

    /// <summary>Whether it is the namespace the caller stands in.</summary>
    public bool IsCurrent { get; }

    /// <summary>
    /// The PowerShell type name the cmdlets add to objects of a result that spans several namespaces
    /// (after their own, so it selects no view): the views then show each row's namespace.
    /// </summary>
    public const string AcrossTypeName = "SocketTools.AcrossNetworkNamespaces";

    /// <summary>The text of an unnamed namespace: net:[INODE].</summary>
    public static string Unnamed(ulong id) => $"net:[{id}]";

    /// <summary>The inode in a net:[INODE] text (a /proc/PID/ns/net link, an unnamed namespace's Name).</summary>
    public static bool TryParseUnnamed(ReadOnlySpan<char> text, out ulong id)
    {
        id = 0;
        return text.Length >= 7 && text.StartsWith("net:[", StringComparison.Ordinal) && text[^1] == ']'
            && ulong.TryParse(text[5..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out id)
            && id != 0;
    }

    /// <summary>Whether <paramref name="name"/> is a wildcard pattern (net:[INODE] is not, though it has brackets).</summary>
    public static bool IsPattern(string name) => Wildcard.ContainsWildcards(name) && !TryParseUnnamed(name, out _);

    /// <inheritdoc />
    public override string ToString() => Name;
}
