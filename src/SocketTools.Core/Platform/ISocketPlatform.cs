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

    /// <summary>
    /// Subscribes to the destroy events of TCP/UDP sockets of <paramref name="protocols"/> and
    /// <paramref name="families"/> (IPv4/IPv6) in <paramref name="networkNamespace"/>, asking for a
    /// receive buffer of <paramref name="receiveBuffer"/> bytes. Receiving starts with Start().
    /// </summary>
    ISocketEvents OpenSocketEvents(string? networkNamespace, IReadOnlyList<SocketProtocol> protocols, IReadOnlyList<SocketFamily> families, int receiveBuffer);

    /// <summary>Throws a typed InvalidArgument error when <paramref name="target"/> cannot be named exactly enough to close it.</summary>
    void CheckClosable(SocketInfo target);

    /// <summary>Opens the one thing that closes sockets, in <paramref name="networkNamespace"/>: Close-Socket alone calls this.</summary>
    ISocketCloser OpenSocketCloser(string? networkNamespace);

    /// <summary>Reads what <c>ss -s</c> prints for <paramref name="networkNamespace"/> (the caller's own when null), noting its source in <paramref name="diagnostics"/>.</summary>
    SocketSummary ReadSummary(string? networkNamespace, QueryDiagnostics? diagnostics);
}
