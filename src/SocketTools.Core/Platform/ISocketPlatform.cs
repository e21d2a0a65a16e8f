namespace SocketTools.Platform;

/// <summary>
/// What the code above the sources (SocketReader, owner enrichment, Get-SocketProcess's rows, the
/// timer watch, the cmdlets' checks and completers) needs from an operating system. Each platform
/// implements it once, in its own folder (Linux/LinuxPlatform); <see cref="SocketPlatform.Current"/>
/// picks the one in use. Nothing above this line names a platform's own types.
/// </summary>
internal interface ISocketPlatform
{
    /// <summary>The source that answers socket queries (on Linux: netlink sock_diag or /proc/net, decided per protocol and family).</summary>
    ISocketSource Sources { get; }

    /// <summary>Finds the processes that hold sockets.</summary>
    IOwnerResolver Owners { get; }

    /// <summary>Looks processes up by id and name.</summary>
    IProcessTable Processes { get; }

    /// <summary>Names and checks network namespaces.</summary>
    INetworkNamespaces Namespaces { get; }

    /// <summary>Opens an exact lookup of TCP sockets (by 4-tuple and cookie) in <paramref name="networkNamespace"/> (the caller's own when null).</summary>
    ISocketLookup OpenTcpLookup(string? networkNamespace);

    /// <summary>Reads what <c>ss -s</c> prints for <paramref name="networkNamespace"/> (the caller's own when null), noting its source in <paramref name="diagnostics"/>.</summary>
    SocketSummary ReadSummary(string? networkNamespace, QueryDiagnostics? diagnostics);
}
