using SocketTools.Platform;
using SocketTools.Query;

namespace SocketTools.Linux;

/// <summary>Network namespaces on Linux: <see cref="NetworkNamespace"/> (/run/netns, or a path such as /proc/PID/ns/net).</summary>
internal sealed class LinuxNetworkNamespaces : INetworkNamespaces
{
    /// <inheritdoc />
    public IReadOnlyList<string> Names() => NetworkNamespace.Names();

    /// <inheritdoc />
    public string PathOf(string nameOrPath) => NetworkNamespace.PathOf(nameOrPath);

    /// <inheritdoc />
    public void Check(string? nameOrPath) => NetworkNamespace.Check(nameOrPath);

    /// <inheritdoc />
    public IReadOnlyList<NetworkNamespaceInfo> List(out int deniedProcesses) => NamespaceDiscovery.List(out deniedProcesses);

    /// <inheritdoc />
    public NetworkNamespaceInfo? Identify(string? nameOrPath) => NamespaceDiscovery.Identify(nameOrPath);
}
