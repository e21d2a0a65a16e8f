using SocketTools.Query;
namespace SocketTools.Platform;

/// <summary>Network namespaces by name or path (on Linux: /run/netns and /proc/&lt;pid&gt;/ns/net).</summary>
internal interface INetworkNamespaces
{
    /// <summary>The names a user can give (what 'ip netns list' lists), sorted.</summary>
    IReadOnlyList<string> Names();

    /// <summary>The file behind <paramref name="nameOrPath"/> (for a completion's tooltip).</summary>
    string PathOf(string nameOrPath);

    /// <summary>Throws the typed error when <paramref name="nameOrPath"/> (when given) names no namespace that could be entered.</summary>
    void Check(string? nameOrPath);

    /// <summary>Every network namespace on the host, named or not (lsns -t net), ordered by id; <paramref name="deniedProcesses"/>: processes that could not be looked into.</summary>
    IReadOnlyList<NetworkNamespaceInfo> List(out int deniedProcesses);

    /// <summary>Who <paramref name="nameOrPath"/> is (the caller's own namespace when null); null when it cannot be opened.</summary>
    NetworkNamespaceInfo? Identify(string? nameOrPath);
}
