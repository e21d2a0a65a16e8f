using Microsoft.Win32.SafeHandles;
using SocketTools.Native;

namespace SocketTools.Linux;

/// <summary>
/// Runs a piece of work inside a named network namespace. A network namespace is per thread on
/// Linux, so the work runs on a short-lived thread that has called setns(2); sockets and files it
/// opens stay bound to that namespace after the thread ends, so they can be read from any thread.
/// </summary>
public static class NetworkNamespace
{
    /// <summary>Where 'ip netns add NAME' mounts a named namespace.</summary>
    public const string NamedDirectory = "/run/netns";

    private const string Hint = "List namespaces with 'ip netns list' or 'lsns -t net', or pass a path such as /proc/<pid>/ns/net.";

    /// <summary>
    /// The file behind a namespace: /run/netns/NAME for a name as 'ip netns' makes it (no '/', not
    /// '.' or '..'), a file that holds net:[INODE] now (a bind mount, /proc/PID/ns/net), or an
    /// absolute path as given (/proc/PID/ns/net, /var/run/docker/netns/…). A
    /// relative path is rejected, so that a name never resolves outside /run/netns.
    /// </summary>
    /// <exception cref="SocketToolsException">InvalidNetworkNamespace (InvalidArgument).</exception>
    public static string PathOf(string nameOrPath)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        if (nameOrPath.StartsWith('/'))
        {
            return nameOrPath;
        }

        if (NamespaceDiscovery.ParseId(nameOrPath) is ulong id)
        {
            // net:[INODE], as objects of an unnamed namespace carry it: whatever holds it now.
            return NamespaceDiscovery.Find(id) is { } found ? found.Path ?? "/proc/self/ns/net"
                : throw new SocketToolsException("NetworkNamespaceNotFound", ErrorKind.ObjectNotFound,
                    $"Cannot find network namespace '{nameOrPath}': no process and no mount holds it any more.", Errno.ENOENT)
                { RecommendedAction = Hint, Target = nameOrPath };
        }

        if (nameOrPath.Contains('/') || nameOrPath is "." or ".." || nameOrPath.Contains('\0'))
        {
            throw new SocketToolsException("InvalidNetworkNamespace", ErrorKind.InvalidArgument,
                $"'{nameOrPath}' is neither a namespace name nor an absolute path: a name from 'ip netns list' has no '/' "
                + $"and is not '.' or '..' (it names a file in {NamedDirectory}), and a path starts with '/'.")
            { RecommendedAction = Hint, Target = nameOrPath };
        }

        return NamedDirectory + "/" + nameOrPath;
    }

    /// <summary>
    /// Checks, without entering it, that <paramref name="nameOrPath"/> names an existing file that
    /// can be a namespace (entering it later tells whether it is one).
    /// </summary>
    /// <exception cref="SocketToolsException">InvalidNetworkNamespace, NotANetworkNamespace (InvalidArgument); NetworkNamespaceNotFound (ObjectNotFound).</exception>
    public static void Check(string? nameOrPath)
    {
        if (nameOrPath is null)
        {
            return;
        }

        string path = PathOf(nameOrPath);
        if (Directory.Exists(path))
        {
            throw NotANamespace(nameOrPath, path, "it is a directory");
        }

        if (!File.Exists(path))
        {
            throw NotFound(nameOrPath, path, null);
        }
    }

    /// <summary>The names of the namespaces in /run/netns (what 'ip netns list' lists), sorted; empty when there are none.</summary>
    public static IReadOnlyList<string> Names()
    {
        try
        {
            return Directory.EnumerateFiles(NamedDirectory).Select(Path.GetFileName).OfType<string>()
                .Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static SocketToolsException NotFound(string nameOrPath, string path, Exception? inner) =>
        new("NetworkNamespaceNotFound", ErrorKind.ObjectNotFound,
            $"Cannot find network namespace '{nameOrPath}' ({path} does not exist).", Errno.ENOENT, inner)
        { RecommendedAction = Hint, Target = nameOrPath };

    private static SocketToolsException NotANamespace(string nameOrPath, string path, string why) =>
        new("NotANetworkNamespace", ErrorKind.InvalidArgument,
            $"'{nameOrPath}' is not a network namespace: {why}.", Errno.EINVAL)
        { RecommendedAction = Hint, Target = nameOrPath };

    /// <summary>
    /// Runs <paramref name="work"/> in the namespace (or directly when <paramref name="nameOrPath"/>
    /// is null): one <see cref="NamespaceScope"/> for one piece of work. A query that opens several
    /// things in a namespace uses one scope for all of them, so it enters once.
    /// </summary>
    public static T Run<T>(string? nameOrPath, Func<T> work)
    {
        using var scope = NamespaceScope.For(nameOrPath);
        return scope.Run(work);
    }

    /// <summary>Opens the file behind a namespace for setns, with typed errors; returns it and its path.</summary>
    internal static (SafeFileHandle Handle, string Path) OpenHandle(string nameOrPath)
    {
        string path = PathOf(nameOrPath);
        if (Directory.Exists(path))
        {
            throw NotANamespace(nameOrPath, path, "it is a directory");
        }

        try
        {
            return (File.OpenHandle(path, FileMode.Open, FileAccess.Read), path);
        }
        catch (FileNotFoundException e)
        {
            throw NotFound(nameOrPath, path, e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw NotFound(nameOrPath, path, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SocketToolsException("NetworkNamespaceAccessDenied", ErrorKind.PermissionDenied,
                $"Network namespace '{nameOrPath}' cannot be opened: permission denied.", Errno.EACCES, e)
            { RecommendedAction = "Entering another network namespace needs root (CAP_SYS_ADMIN).", Target = nameOrPath };
        }
    }

    /// <summary>Moves the calling thread into the namespace behind <paramref name="handle"/> (setns), with typed errors.</summary>
    internal static void Enter(SafeFileHandle handle, string nameOrPath, string path)
    {
        int errno = Libc.TrySetNs((int)handle.DangerousGetHandle(), Libc.CLONE_NEWNET);
        if (errno != 0)
        {
            if (errno == Errno.EINVAL)
            {
                // setns(2) with CLONE_NEWNET: the file is not a network namespace.
                throw NotANamespace(nameOrPath, path, $"setns on {path} answers {Errno.Describe(errno)}");
            }

            throw new SocketToolsException("NetworkNamespaceEnterFailed", SocketToolsException.KindOf(errno),
                $"Cannot enter network namespace '{nameOrPath}': {Errno.Describe(errno)}.", errno)
            { RecommendedAction = "Entering another network namespace needs root (CAP_SYS_ADMIN).", Target = nameOrPath };
        }
    }
}
